import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RateLimitedError } from '../src/errors.js'
import {
  auditRateLimits,
  DEFAULT_RATE_LIMITS,
  RateLimits,
  type RateLimitHit,
} from '../src/rate-limits.js'
import { events, givenTenant, setupAccounts, sqliteStorage } from './support.js'

test('the built-in profiles exist with defaults and can be overridden or added', () => {
  for (const name of [
    'loginPerIp',
    'loginPerAccount',
    'refreshPerSession',
    'validatePerClient',
    'adminApi',
  ]) {
    assert.ok(DEFAULT_RATE_LIMITS[name], name)
  }
  const limits = new RateLimits({
    profiles: { adminApi: { points: 7 }, export: { points: 1, duration: 60 } },
  })
  assert.deepEqual(limits.rule('adminApi'), { ...DEFAULT_RATE_LIMITS.adminApi, points: 7 })
  assert.equal(limits.rule('export').points, 1)
  assert.throws(() => limits.rule('nope'), { code: 'ERR_INVALID_INPUT' })
  for (const bad of [
    { points: 0 },
    { duration: -1 },
    { blockDuration: 1.5 },
    { points: Number.NaN },
  ]) {
    assert.throws(() => new RateLimits({ profiles: { adminApi: bad } }), {
      code: 'ERR_INVALID_INPUT',
    })
  }
  assert.throws(() => new RateLimits({ profiles: { custom: { points: 3 } } }), {
    code: 'ERR_INVALID_INPUT',
  })
})

test('exceeding a limit is a typed error with the retry time; the hook hears it once', async () => {
  const hits: RateLimitHit[] = []
  const limits = new RateLimits({
    profiles: { adminApi: { points: 2, duration: 60, blockDuration: 0 } },
    onLimited: (hit) => void hits.push(hit),
  })
  await limits.consume('adminApi', 't1', 'client-a')
  await limits.consume('adminApi', 't1', 'client-a')
  const err = await limits.consume('adminApi', 't1', 'client-a').catch((e: unknown) => e)
  assert.ok(err instanceof RateLimitedError)
  assert.equal(err.code, 'ERR_RATE_LIMITED')
  assert.equal(err.limit, 'adminApi')
  assert.ok(err.retryAfterMs > 0 && err.retryAfterMs <= 60_000, String(err.retryAfterMs))
  await assert.rejects(limits.consume('adminApi', 't1', 'client-a'), { code: 'ERR_RATE_LIMITED' })
  assert.equal(hits.length, 1)
  assert.deepEqual(
    [hits[0]!.profile, hits[0]!.tenantId, hits[0]!.key],
    ['adminApi', 't1', 'client-a'],
  )
  // Another key, and the same key in another tenant, have their own budgets.
  await limits.consume('adminApi', 't1', 'client-b')
  await limits.consume('adminApi', 't2', 'client-a')
  // reset forgets what a key spent.
  await limits.reset('adminApi', 't1', 'client-a')
  await limits.consume('adminApi', 't1', 'client-a')
})

test('blockDuration keeps a key refused after the window', async () => {
  const limits = new RateLimits({
    profiles: { loginPerIp: { points: 1, duration: 1, blockDuration: 120 } },
  })
  await limits.consume('loginPerIp', 't', '203.0.113.1')
  const err = await limits.consume('loginPerIp', 't', '203.0.113.1').catch((e: unknown) => e)
  assert.ok(err instanceof RateLimitedError)
  assert.ok(err.retryAfterMs > 60_000, String(err.retryAfterMs))
})

test('a failing hook does not hide the refusal', async () => {
  const limits = new RateLimits({
    profiles: { adminApi: { points: 1, duration: 60 } },
    onLimited: () => {
      throw new Error('audit store down')
    },
  })
  await limits.consume('adminApi', 't', 'k')
  const err = await limits.consume('adminApi', 't', 'k').catch((e: unknown) => e)
  assert.ok(err instanceof RateLimitedError)
  assert.equal((err.cause as Error).message, 'audit store down')
})

test('auditRateLimits records rate_limit.exceeded as a warning, without typed logins', async (t) => {
  const { storage } = await sqliteStorage(t)
  const tenant = await givenTenant(storage)
  const limits = new RateLimits({
    profiles: {
      adminApi: { points: 1, duration: 60 },
      loginPerAccount: { points: 1, duration: 60 },
    },
    onLimited: auditRateLimits(storage, () => 1234),
  })
  for (const [profile, key] of [
    ['adminApi', 'client-7'],
    ['loginPerAccount', 'alice'],
  ] as const) {
    await limits.consume(profile, tenant.id, key, { ip: '198.51.100.4', userAgent: 'curl' })
    await assert.rejects(limits.consume(profile, tenant.id, key, { ip: '198.51.100.4' }))
  }
  const [admin, login] = await events(storage, tenant.id, 'rate_limit.exceeded')
  assert.equal(admin!.severity, 'warning')
  assert.equal(admin!.time, 1234)
  assert.equal(admin!.ip, '198.51.100.4')
  assert.equal(admin!.details.profile, 'adminApi')
  assert.equal(admin!.details.key, 'client-7')
  assert.ok((admin!.details.retryAfterMs as number) > 0)
  assert.equal(login!.details.profile, 'loginPerAccount')
  assert.equal('key' in login!.details, false)
})

test('login spends loginPerIp by IP and loginPerAccount by login, before any hashing', async (t) => {
  const setup = await setupAccounts(t, {
    rateLimits: new RateLimits({
      profiles: {
        loginPerIp: { points: 2, duration: 60 },
        loginPerAccount: { points: 2, duration: 60 },
      },
    }),
  })
  const { accounts, tenantId, hasher } = setup
  const password = 'correct horse battery'
  await accounts.createUser({ tenantId, username: 'alice', password })
  const login = (name: string, ip: string) =>
    accounts.authenticate({ tenantId, login: name, password, ip })
  await login('alice', '192.0.2.1')
  await login('ALICE', '192.0.2.2')
  hasher.verified.length = 0
  // The third try for the account is refused, whatever the case of the login or the IP.
  await assert.rejects(login('Alice', '192.0.2.3'), { code: 'ERR_RATE_LIMITED' })
  await login('bob', '192.0.2.1').catch(() => undefined)
  // The third try from one IP is refused, whatever the account.
  await assert.rejects(login('carol', '192.0.2.1'), { code: 'ERR_RATE_LIMITED' })
  assert.equal(hasher.verified.length, 1) // only bob's attempt reached argon2
})
