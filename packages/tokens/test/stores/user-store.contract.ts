// The UserStore contract: every adapter passes it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Accounts } from '../../src/accounts.js'
import type { Storage } from '../../src/stores/interfaces.js'
import { CountingHasher } from '../support.js'
import { givenTenant, rejectsWith, T0, userRecord } from './fixtures.js'

/** Registers the UserStore contract tests against storages made by `make`. */
export function userStoreContract(make: () => Promise<Storage>): void {
  test('users: a login holding a NUL finds nobody, or is refused as invalid input', async () => {
    const storage = await make()
    const { id: tenantId } = await givenTenant(storage)
    // PostgreSQL's text cannot hold a NUL: that is the caller's input, not the store failing.
    try {
      assert.equal(await storage.users.findByLogin(tenantId, 'a\u0000b'), undefined)
    } catch (err) {
      assert.equal((err as { code?: unknown }).code, 'ERR_INVALID_INPUT')
    }
  })

  test('users: create, then get and find by username or email', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const user = userRecord(tenant.id, { roles: ['admin', 'member'], scopes: ['a', 'b'] })
    await storage.users.create(user)
    assert.deepEqual(await storage.users.get(tenant.id, user.id), user)
    assert.deepEqual(await storage.users.findByLogin(tenant.id, user.username), user)
    assert.deepEqual(await storage.users.findByLogin(tenant.id, user.email!), user)
    assert.equal(await storage.users.get(tenant.id, 'missing'), undefined)
    assert.equal(await storage.users.findByLogin(tenant.id, 'nobody'), undefined)
  })

  test('users: changes read with getForUpdate in concurrent transactions never overwrite each other', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const user = userRecord(tenant.id)
    await storage.users.create(user)
    assert.deepEqual(await storage.users.getForUpdate(tenant.id, user.id), user)
    assert.equal(await storage.users.getForUpdate(tenant.id, 'missing'), undefined)
    // Each transaction counts one failed attempt, as a login does: read, then write the row back.
    const attempts = 20
    await Promise.all(
      Array.from({ length: attempts }, () =>
        storage.transaction(async (stores) => {
          const current = (await stores.users.getForUpdate(tenant.id, user.id))!
          await stores.users.update({ ...current, failedAttempts: current.failedAttempts + 1 })
        }),
      ),
    )
    assert.equal((await storage.users.get(tenant.id, user.id))!.failedAttempts, attempts)
  })

  test('users: two users created at once never share a login, as username or as email', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    // Every creation hashes its password first; held until all ten have, their transactions start
    // together.
    const creations = 10
    const passwords = new CountingHasher()
    const hashed: (() => void)[] = []
    const hash = passwords.hash.bind(passwords)
    passwords.hash = async (password) => {
      const result = await hash(password)
      await new Promise<void>((resolve) => {
        hashed.push(resolve)
        if (hashed.length === creations) hashed.forEach((release) => release())
      })
      return result
    }
    const accounts = new Accounts({ storage, passwords, clock: () => T0 })
    const shared = 'shared@example.test'
    const password = 'correct horse battery'
    // Half take the login as their username, half as their email: a login matches either.
    const results = await Promise.allSettled(
      Array.from({ length: creations }, (_, i) =>
        accounts.createUser(
          i % 2 === 0
            ? { tenantId: tenant.id, username: shared, password }
            : { tenantId: tenant.id, username: `user-${i}`, email: shared, password },
        ),
      ),
    )
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1)
    for (const result of results) {
      if (result.status === 'rejected') assert.equal(result.reason.code, 'ERR_CONFLICT')
    }
    assert.equal((await storage.users.list(tenant.id)).length, 1)
  })

  test('users: a user of tenant A is invisible in tenant B', async () => {
    const storage = await make()
    const a = await givenTenant(storage)
    const b = await givenTenant(storage)
    const user = userRecord(a.id)
    await storage.users.create(user)
    assert.equal(await storage.users.get(b.id, user.id), undefined)
    assert.equal(await storage.users.findByLogin(b.id, user.username), undefined)
    assert.equal(await storage.users.findByLogin(b.id, user.email!), undefined)
    assert.deepEqual(await storage.users.list(b.id), [])
    await storage.users.update({ ...user, tenantId: b.id, disabled: true })
    assert.equal((await storage.users.get(a.id, user.id))!.disabled, false)
    assert.equal(await storage.users.delete(b.id, user.id), false)
    assert.deepEqual(await storage.users.get(a.id, user.id), user)
  })

  test("users: list is the tenant's users, ordered by username", async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const other = await givenTenant(storage)
    const carol = userRecord(tenant.id, { username: 'carol' })
    const alice = userRecord(tenant.id, { username: 'alice' })
    const bob = userRecord(tenant.id, { username: 'bob' })
    for (const user of [carol, alice, bob, userRecord(other.id)]) await storage.users.create(user)
    assert.deepEqual(await storage.users.list(tenant.id), [alice, bob, carol])
  })

  test('users: update replaces every field but id and tenant', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const user = userRecord(tenant.id)
    await storage.users.create(user)
    const changed = {
      ...user,
      username: 'renamed',
      email: null,
      passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$bmV3c2FsdA$bmV3aGFzaA',
      roles: [],
      scopes: ['admin'],
      disabled: true,
      failedAttempts: 4,
      lockedUntil: T0 + 1_800_000,
      passwordChangedAt: T0 + 1,
      updatedAt: T0 + 2,
    }
    await storage.users.update(changed)
    assert.deepEqual(await storage.users.get(tenant.id, user.id), changed)
    assert.deepEqual(await storage.users.findByLogin(tenant.id, 'renamed'), changed)
    assert.equal(await storage.users.findByLogin(tenant.id, user.username), undefined)
    assert.equal(await storage.users.findByLogin(tenant.id, user.email!), undefined)
  })

  test('users: delete removes once; a missing user is false', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const user = userRecord(tenant.id)
    await storage.users.create(user)
    assert.equal(await storage.users.delete(tenant.id, user.id), true)
    assert.equal(await storage.users.get(tenant.id, user.id), undefined)
    assert.equal(await storage.users.delete(tenant.id, user.id), false)
    assert.equal(await storage.users.delete(tenant.id, 'missing'), false)
  })

  test('users: username and email are unique per tenant (ERR_CONFLICT), ids everywhere', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const other = await givenTenant(storage)
    const user = userRecord(tenant.id)
    await storage.users.create(user)
    const sameName = userRecord(tenant.id, { username: user.username })
    const sameEmail = userRecord(tenant.id, { email: user.email })
    await rejectsWith(storage.users.create(sameName), 'ERR_CONFLICT')
    await rejectsWith(storage.users.create(sameEmail), 'ERR_CONFLICT')
    await rejectsWith(storage.users.create(userRecord(other.id, { id: user.id })), 'ERR_CONFLICT')
    // The same username and email in another tenant are someone else.
    await storage.users.create(userRecord(other.id, { username: user.username, email: user.email }))
    // Any number of users may have no email.
    await storage.users.create(userRecord(tenant.id, { email: null }))
    await storage.users.create(userRecord(tenant.id, { email: null }))
    const second = userRecord(tenant.id)
    await storage.users.create(second)
    await rejectsWith(storage.users.update({ ...second, username: user.username }), 'ERR_CONFLICT')
    await rejectsWith(storage.users.update({ ...second, email: user.email }), 'ERR_CONFLICT')
    assert.deepEqual(await storage.users.get(tenant.id, second.id), second)
    assert.equal((await storage.users.list(tenant.id)).length, 4)
  })

  test('users: a user of a missing tenant is refused (foreign key: ERR_STORE_UNAVAILABLE)', async () => {
    const storage = await make()
    await rejectsWith(storage.users.create(userRecord('no-such-tenant')), 'ERR_STORE_UNAVAILABLE')
    assert.deepEqual(await storage.users.list('no-such-tenant'), [])
  })
}
