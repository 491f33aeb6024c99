// The TenantStore contract: every adapter passes it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Storage } from '../../src/stores/interfaces.js'
import { Tenants } from '../../src/tenants.js'
import { givenTenant, rejectsWith, T0, tenantRecord } from './fixtures.js'

/** Registers the TenantStore contract tests against storages made by `make`. */
export function tenantStoreContract(make: () => Promise<Storage>): void {
  test('tenants: create, then get by id and by name', async () => {
    const storage = await make()
    const tenant = tenantRecord({ config: { ...tenantRecord().config, accessTokenTtl: 300 } })
    await storage.tenants.create(tenant)
    assert.deepEqual(await storage.tenants.get(tenant.id), tenant)
    assert.deepEqual(await storage.tenants.getByName(tenant.name), tenant)
    assert.equal(await storage.tenants.get('missing'), undefined)
    assert.equal(await storage.tenants.getByName('missing'), undefined)
  })

  test('tenants: list is every tenant, ordered by name', async () => {
    const storage = await make()
    assert.deepEqual(await storage.tenants.list(), [])
    const b = await givenTenant(storage, { name: 'beta' })
    const a = await givenTenant(storage, { name: 'alpha' })
    const c = await givenTenant(storage, { name: 'gamma' })
    assert.deepEqual(await storage.tenants.list(), [a, b, c])
  })

  test('tenants: update replaces name, config and times', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const changed = {
      ...tenant,
      name: 'renamed',
      config: { ...tenant.config, issuer: 'https://id.example.test' },
      updatedAt: T0 + 1000,
    }
    await storage.tenants.update(changed)
    assert.deepEqual(await storage.tenants.get(tenant.id), changed)
    assert.equal(await storage.tenants.getByName(tenant.name), undefined)
  })

  test('tenants: changes read with getForUpdate in concurrent transactions never overwrite each other', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    assert.deepEqual(await storage.tenants.getForUpdate(tenant.id), tenant)
    assert.equal(await storage.tenants.getForUpdate('missing'), undefined)
    // Each transaction raises one setting by one: read, then write the whole record back.
    const changes = 20
    await Promise.all(
      Array.from({ length: changes }, () =>
        storage.transaction(async (stores) => {
          const current = (await stores.tenants.getForUpdate(tenant.id))!
          const config = {
            ...current.config,
            maxLoginAttempts: current.config.maxLoginAttempts + 1,
          }
          await stores.tenants.update({ ...current, config })
        }),
      ),
    )
    const { maxLoginAttempts } = (await storage.tenants.get(tenant.id))!.config
    assert.equal(maxLoginAttempts, tenant.config.maxLoginAttempts + changes)
  })

  test('tenants: settings changed at once, or from an instance whose cache is stale, all land', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const here = new Tenants(storage, () => T0 + 1000)
    const elsewhere = new Tenants(storage, () => T0 + 1000)
    await elsewhere.get(tenant.id) // cached before the changes made here
    await Promise.all([
      here.configure(tenant.id, { accessTokenTtl: 300 }),
      here.configure(tenant.id, { maxLoginAttempts: 9 }),
      here.configure(tenant.id, { lockoutMinutes: 7 }),
    ])
    await elsewhere.configure(tenant.id, { reuseGraceSeconds: 5 })
    const stored = (await storage.tenants.get(tenant.id))!
    assert.deepEqual(
      [
        stored.config.accessTokenTtl,
        stored.config.maxLoginAttempts,
        stored.config.lockoutMinutes,
        stored.config.reuseGraceSeconds,
      ],
      [300, 9, 7, 5],
    )
    // Each change is strictly later than the one before it, and each cache holds the newest it
    // made, not an older one that settled after it.
    assert.equal(stored.updatedAt, T0 + 1000 + 3)
    assert.deepEqual(await elsewhere.get(tenant.id), stored)
    assert.deepEqual((await here.get(tenant.id)).config.lockoutMinutes, 7)
    assert.equal((await here.get(tenant.id)).updatedAt, T0 + 1000 + 2)
    await rejectsWith(here.configure('missing', { accessTokenTtl: 300 }), 'ERR_NOT_FOUND')
  })

  test('tenants: updating a missing tenant creates nothing', async () => {
    const storage = await make()
    const ghost = tenantRecord()
    await storage.tenants.update(ghost)
    assert.equal(await storage.tenants.get(ghost.id), undefined)
    assert.deepEqual(await storage.tenants.list(), [])
  })

  test('tenants: a taken id or name is ERR_CONFLICT, and nothing changes', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const other = await givenTenant(storage)
    await rejectsWith(storage.tenants.create(tenantRecord({ id: tenant.id })), 'ERR_CONFLICT')
    await rejectsWith(storage.tenants.create(tenantRecord({ name: tenant.name })), 'ERR_CONFLICT')
    await rejectsWith(storage.tenants.update({ ...other, name: tenant.name }), 'ERR_CONFLICT')
    assert.deepEqual(await storage.tenants.get(other.id), other)
    assert.equal((await storage.tenants.list()).length, 2)
  })

  test("tenants: records read back are the caller's own copies", async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const read = await storage.tenants.get(tenant.id)
    read!.config.accessTokenTtl = 1
    tenant.config.accessTokenTtl = 2
    assert.equal((await storage.tenants.get(tenant.id))!.config.accessTokenTtl, 900)
  })
}
