import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Accounts } from '../src/accounts.js'
import { AccountLockedError, ConflictError } from '../src/errors.js'
import { InMemoryMetrics } from '../src/metrics.js'
import { RateLimits } from '../src/rate-limits.js'
import { CountingHasher, events, FAST, givenTenant, setupAccounts, T0 } from './support.js'

const PASSWORD = 'correct horse battery'
const WRONG = 'wrong horse battery'
const MINUTE = 60_000

async function withAlice(t: Parameters<typeof setupAccounts>[0], config = {}) {
  const setup = await setupAccounts(t, { config })
  const alice = await setup.accounts.createUser({
    tenantId: setup.tenantId,
    username: 'Alice',
    email: 'alice@example.test',
    password: PASSWORD,
    roles: ['admin'],
  })
  const login = (password: string, login = 'alice') =>
    setup.accounts.authenticate({ tenantId: setup.tenantId, login, password, ip: '192.0.2.7' })
  return { ...setup, alice, login }
}

test('login by username or email, in any case, returns the user', async (t) => {
  const { alice, login, storage, tenantId } = await withAlice(t)
  for (const name of ['alice', 'ALICE', ' Alice ', 'Alice@Example.TEST']) {
    const user = await login(PASSWORD, name)
    assert.equal(user.id, alice.id)
    assert.deepEqual(user.roles, ['admin'])
  }
  const [succeeded] = await events(storage, tenantId, 'login.succeeded')
  assert.equal(succeeded!.userId, alice.id)
  assert.equal(succeeded!.severity, 'info')
  assert.equal(succeeded!.ip, '192.0.2.7')
})

test('what the caller adds to a success commits with it, or nothing of the attempt does', async (t) => {
  const { alice, login, accounts, storage, tenantId } = await withAlice(t)
  await assert.rejects(login(WRONG))
  const attempt = { tenantId, login: 'alice', password: PASSWORD }
  const boom = new ConflictError('the session could not be opened')
  const seen: [string, number][] = []
  await assert.rejects(
    accounts.authenticate(attempt, async (stores, user, time) => {
      seen.push([user.id, user.failedAttempts])
      await stores.audit.append({
        tenantId,
        type: 'logout',
        severity: 'info',
        userId: user.id,
        time,
      })
      throw boom
    }),
    boom,
  )
  // The step saw the user as the success leaves it; its failure rolled the attempt back whole.
  assert.deepEqual(seen, [[alice.id, 0]])
  assert.equal((await storage.users.get(tenantId, alice.id))!.failedAttempts, 1)
  assert.deepEqual(await events(storage, tenantId, 'login.succeeded', 'logout'), [])
  await accounts.authenticate(attempt, async (stores, user, time) => {
    await stores.audit.append({ tenantId, type: 'logout', severity: 'info', userId: user.id, time })
  })
  assert.deepEqual(
    (await events(storage, tenantId, 'login.succeeded', 'logout')).map((event) => event.type),
    ['login.succeeded', 'logout'],
  )
})

test('a wrong password and an unknown user fail alike, each after one verification', async (t) => {
  const { alice, login, hasher, storage, tenantId } = await withAlice(t)
  const dummy = await hasher.dummyHash()
  const stored = (await storage.users.get(tenantId, alice.id))!.passwordHash
  hasher.verified.length = 0

  const wrong = await login(WRONG).catch((err: Error) => err)
  assert.deepEqual(hasher.verified, [stored])
  const unknown = await login(PASSWORD, 'mallory').catch((err: Error) => err)
  // The dummy hash has the current parameters, so the unknown user costs one real verification.
  assert.deepEqual(hasher.verified, [stored, dummy])
  assert.equal(hasher.needsRehash(dummy), false)

  for (const err of [wrong, unknown]) {
    assert.ok(err instanceof Error)
    assert.equal((err as { code?: string }).code, 'ERR_INVALID_CREDENTIALS')
  }
  assert.equal((wrong as Error).message, (unknown as Error).message)
  const failed = await events(storage, tenantId, 'login.failed')
  assert.deepEqual(
    failed.map((e) => [e.userId, e.details.reason, e.severity]),
    [
      [alice.id, 'bad_password', 'warning'],
      [null, 'unknown_user', 'warning'],
    ],
  )
})

test('after maxLoginAttempts failures the account locks, saying until when', async (t) => {
  const { alice, login, clock, hasher, storage, tenantId } = await withAlice(t)
  for (let i = 1; i <= 4; i++) {
    await assert.rejects(login(WRONG), { code: 'ERR_INVALID_CREDENTIALS' })
    assert.equal((await storage.users.get(tenantId, alice.id))!.failedAttempts, i)
  }
  const fifth = await login(WRONG).catch((err: unknown) => err)
  assert.ok(fifth instanceof AccountLockedError)
  assert.equal(fifth.lockedUntil.getTime(), T0 + 30 * MINUTE)
  const locked = await events(storage, tenantId, 'account.locked')
  assert.equal(locked.length, 1)
  assert.equal(locked[0]!.severity, 'warning')
  assert.equal(locked[0]!.details.lockedUntil, T0 + 30 * MINUTE)

  // Locked: the right password and a wrong one get the same answer, both after a verification.
  clock.advance(10 * MINUTE)
  hasher.verified.length = 0
  const right = await login(PASSWORD).catch((err: unknown) => err)
  const wrong = await login(WRONG).catch((err: unknown) => err)
  assert.equal(hasher.verified.length, 2)
  for (const err of [right, wrong]) {
    assert.ok(err instanceof AccountLockedError)
    assert.equal(err.lockedUntil.getTime(), T0 + 30 * MINUTE)
    assert.equal(err.message, (right as Error).message)
  }
  // Attempts during the lock neither extend it nor count.
  assert.equal((await storage.users.get(tenantId, alice.id))!.lockedUntil, T0 + 30 * MINUTE)

  // The lock runs out: the right password works and clears the count.
  clock.advance(20 * MINUTE)
  assert.equal((await login(PASSWORD)).id, alice.id)
  const after = (await storage.users.get(tenantId, alice.id))!
  assert.equal(after.failedAttempts, 0)
  assert.equal(after.lockedUntil, null)
})

test("lockout follows the tenant's maxLoginAttempts and lockoutMinutes", async (t) => {
  const { login, clock } = await withAlice(t, { maxLoginAttempts: 2, lockoutMinutes: 1 })
  await assert.rejects(login(WRONG), { code: 'ERR_INVALID_CREDENTIALS' })
  await assert.rejects(login(WRONG), { code: 'ERR_ACCOUNT_LOCKED' })
  clock.advance(MINUTE)
  // After the lock the count starts again: one failure is not a new lock.
  await assert.rejects(login(WRONG), { code: 'ERR_INVALID_CREDENTIALS' })
  await assert.rejects(login(WRONG), { code: 'ERR_ACCOUNT_LOCKED' })
})

test('a successful login resets the failure count', async (t) => {
  const { alice, login, storage, tenantId } = await withAlice(t)
  for (let i = 0; i < 4; i++) await assert.rejects(login(WRONG))
  await login(PASSWORD)
  assert.equal((await storage.users.get(tenantId, alice.id))!.failedAttempts, 0)
  for (let i = 0; i < 4; i++)
    await assert.rejects(login(WRONG), { code: 'ERR_INVALID_CREDENTIALS' })
})

test('unlock lifts a lock at once and is audited', async (t) => {
  const { alice, login, accounts, storage, tenantId } = await withAlice(t)
  for (let i = 0; i < 5; i++) await assert.rejects(login(WRONG))
  await assert.rejects(login(PASSWORD), { code: 'ERR_ACCOUNT_LOCKED' })
  const unlocked = await accounts.unlock(tenantId, alice.id, { actor: 'admin-1' })
  assert.equal(unlocked.lockedUntil, null)
  assert.equal((await login(PASSWORD)).id, alice.id)
  const [event] = await events(storage, tenantId, 'account.unlocked')
  assert.equal(event!.actor, 'admin-1')
  assert.equal(event!.userId, alice.id)
})

test('a disabled account says so only after the right password', async (t) => {
  const { alice, login, accounts, tenantId } = await withAlice(t)
  await accounts.setDisabled(tenantId, alice.id, true)
  await assert.rejects(login(WRONG), { code: 'ERR_INVALID_CREDENTIALS' })
  await assert.rejects(login(PASSWORD), { code: 'ERR_ACCOUNT_DISABLED' })
  await accounts.setDisabled(tenantId, alice.id, false)
  assert.equal((await login(PASSWORD)).id, alice.id)
})

test('a user of tenant A cannot log in through tenant B', async (t) => {
  const { alice, login, accounts, storage } = await withAlice(t)
  const other = await givenTenant(storage)
  const viaB = accounts.authenticate({ tenantId: other.id, login: 'alice', password: PASSWORD })
  await assert.rejects(viaB, { code: 'ERR_INVALID_CREDENTIALS' })
  assert.equal((await login(PASSWORD)).id, alice.id)
  const missing = accounts.authenticate({
    tenantId: 'no-such-tenant',
    login: 'alice',
    password: PASSWORD,
  })
  await assert.rejects(missing, { code: 'ERR_NOT_FOUND' })
})

test('an over-long password is refused without hashing it', async (t) => {
  const { login, hasher } = await withAlice(t)
  await assert.rejects(login('x'.repeat(100_000)), { code: 'ERR_INVALID_CREDENTIALS' })
  await assert.rejects(login(undefined as unknown as string), { code: 'ERR_INVALID_CREDENTIALS' })
  assert.equal(hasher.hashes, 1) // the one at createUser
})

test('login rehashes a password whose hash has old parameters', async (t) => {
  const { alice, storage, tenantId, accounts } = await withAlice(t)
  const old = (await storage.users.get(tenantId, alice.id))!.passwordHash
  assert.match(old, /m=256,t=1,p=1/)
  const stronger = new CountingHasher({ memoryCost: 512, timeCost: 2, parallelism: 1 })
  const upgraded = new Accounts({ storage, passwords: stronger })
  await upgraded.authenticate({ tenantId, login: 'alice', password: PASSWORD })
  const rehashed = (await storage.users.get(tenantId, alice.id))!.passwordHash
  assert.match(rehashed, /^\$argon2id\$v=19\$m=512,t=2,p=1\$/)
  assert.equal(stronger.needsRehash(rehashed), false)
  const succeeded = await events(storage, tenantId, 'login.succeeded')
  assert.deepEqual(succeeded.at(-1)!.details, { rehashed: true })
  // The new hash still checks out, and no further rehash happens.
  await upgraded.authenticate({ tenantId, login: 'alice', password: PASSWORD })
  assert.equal((await storage.users.get(tenantId, alice.id))!.passwordHash, rehashed)
  assert.equal(stronger.hashes, 1)
  // The old parameters' service still accepts the password (it would rehash back on its own).
  assert.equal(new CountingHasher(FAST).needsRehash(rehashed), true)
  await assert.doesNotReject(
    accounts.authenticate({ tenantId, login: 'alice', password: PASSWORD }),
  )
})

test('failed logins are counted by reason, and a lockout once, when it starts', async (t) => {
  const { storage, tenant } = await setupAccounts(t, { config: { maxLoginAttempts: 2 } })
  const metrics = new InMemoryMetrics()
  const accounts = new Accounts({ storage, passwords: new CountingHasher(), metrics })
  const tenantId = tenant.id
  await accounts.createUser({ tenantId, username: 'alice', password: PASSWORD })
  const login = (login: string, password: string) =>
    accounts.authenticate({ tenantId, login, password }).catch((err: Error) => err)
  await login('nobody', PASSWORD)
  await login('alice', WRONG)
  assert.ok((await login('alice', WRONG)) instanceof AccountLockedError)
  assert.ok((await login('alice', PASSWORD)) instanceof AccountLockedError)
  assert.equal(metrics.count('logins_failed', { reason: 'unknown_user' }), 1)
  assert.equal(metrics.count('logins_failed', { reason: 'bad_password' }), 2)
  assert.equal(metrics.count('logins_failed', { reason: 'locked' }), 1)
  assert.equal(metrics.count('lockouts'), 1)
})

test('a login refused by a rate limit is counted by profile', async (t) => {
  const limits = new RateLimits({ profiles: { loginPerAccount: { points: 1, duration: 60 } } })
  const { storage, tenant } = await setupAccounts(t)
  const metrics = new InMemoryMetrics()
  const accounts = new Accounts({
    storage,
    passwords: new CountingHasher(),
    metrics,
    rateLimits: limits,
  })
  const attempt = () =>
    accounts.authenticate({ tenantId: tenant.id, login: 'x', password: WRONG }).catch((e) => e)
  await attempt()
  assert.equal((await attempt()).code, 'ERR_RATE_LIMITED')
  assert.equal(metrics.count('rate_limited', { profile: 'loginPerAccount' }), 1)
})
