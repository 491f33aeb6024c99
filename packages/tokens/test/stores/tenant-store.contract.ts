// The TenantStore contract: every adapter passes it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Storage } from '../../src/stores/interfaces.js'
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
