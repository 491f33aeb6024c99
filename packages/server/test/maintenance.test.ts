// The hourly maintenance, run by hand: with TESSERA_AUDIT_RETENTION set, audit events older than it
// are dropped from every tenant and the chains still verify; without it, nothing is dropped.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { MasterKey } from '@tessera/tokens'
import { loadConfig } from '../src/config.js'
import { maintain } from '../src/maintenance.js'
import { createServices } from '../src/services.js'
import { Clock, fastPasswords } from './support.js'

const DAY = 86_400_000

async function servicesWith(t: TestContext, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-maintenance-'))
  const config = loadConfig({
    TESSERA_DATABASE_URL: join(dir, 'tessera.db'),
    TESSERA_PUBLIC_URL: 'http://tessera.test',
    ...env,
  })
  const clock = new Clock()
  const services = await createServices(config, {
    masterKey: new MasterKey(MasterKey.generate()),
    passwords: fastPasswords(),
    clock: clock.fn,
  })
  t.after(async () => {
    await services.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const acme = await services.tenants.create('acme')
  const beta = await services.tenants.create('beta')
  // Ten events a day apart in each tenant, the newest now.
  for (const tenantId of [acme.id, beta.id]) {
    for (let day = 9; day >= 0; day--) {
      await services.audit.record({
        tenantId,
        type: 'logout',
        severity: 'info',
        time: clock.now - day * DAY,
      })
    }
  }
  return { services, config, acme, beta, now: clock.now }
}

test('with a retention, maintenance drops older audit events and the chains still verify', async (t) => {
  const { services, config, acme, beta, now } = await servicesWith(t, {
    TESSERA_AUDIT_RETENTION: '3d',
  })
  await maintain(services, config.auditRetentionMs)
  for (const tenant of [acme, beta]) {
    const { events } = await services.audit.query({ tenantId: tenant.id, limit: 1000 })
    // Kept: the tenant's creation (now) and the events of days 0 to 3; retention cuts at
    // now - 3 days, keeping what is not older than that.
    assert.deepEqual(
      events.filter((event) => event.type === 'logout').map((event) => (now - event.time) / DAY),
      [0, 1, 2, 3],
    )
    assert.deepEqual(await services.audit.verifyChain(tenant.id), {
      ok: true,
      checked: events.length,
    })
  }
})

test('without a retention, maintenance keeps every audit event', async (t) => {
  const { services, config, acme } = await servicesWith(t, {})
  const before = await services.audit.query({ tenantId: acme.id, limit: 1000 })
  await maintain(services, config.auditRetentionMs)
  assert.deepEqual(await services.audit.query({ tenantId: acme.id, limit: 1000 }), before)
  assert.equal(before.events.filter((event) => event.type === 'logout').length, 10)
})
