import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { jwt } from '@tessera/jose'
import { Accounts } from '../src/accounts.js'
import { ApiKeys, apiKeySessionId } from '../src/api-keys.js'
import * as errors from '../src/errors.js'
import { KeyManager } from '../src/key-manager.js'
import { hashToken } from '../src/refresh-tokens.js'
import { MasterKey } from '../src/key-wrap.js'
import { InMemoryMetrics } from '../src/metrics.js'
import { auditRateLimits, RateLimits } from '../src/rate-limits.js'
import type { TenantConfig } from '../src/stores/records.js'
import { Tenants } from '../src/tenants.js'
import type { SigningKeys } from '../src/signing-keys.js'
import { TokenService } from '../src/token-service.js'
import { Clock, CountingHasher, events, sqliteStorage } from './support.js'

const PASSWORD = 'correct horse battery staple'

async function setup(t: TestContext, config: Partial<TenantConfig> = {}, rateLimits?: RateLimits) {
  const { storage, file } = await sqliteStorage(t)
  const clock = new Clock()
  const tenants = new Tenants(storage, clock.fn)
  const tenant = await tenants.create('acme', { issuer: 'https://id.acme.example', ...config })
  const keys = new KeyManager({
    storage,
    tenants,
    masterKey: new MasterKey(MasterKey.generate()),
    clock: clock.fn,
  })
  const accounts = new Accounts({
    storage,
    clock: clock.fn,
    passwords: new CountingHasher(),
    // The callback runs after setup, once `service` exists.
    onRevoked: (revocations) => revocations.forEach((r) => service.revocations.apply(r)),
  })
  const metrics = new InMemoryMetrics()
  const service = new TokenService({
    storage,
    tenants,
    keys,
    authenticator: accounts,
    metrics,
    clock: clock.fn,
    ...(rateLimits ? { rateLimits } : {}),
  })
  await service.start()
  const user = await accounts.createUser({
    tenantId: tenant.id,
    username: 'Ada',
    password: PASSWORD,
    roles: ['admin'],
    scopes: ['read', 'write'],
  })
  const tenantId = tenant.id
  const login = (device = 'laptop') =>
    service.login({
      tenantId,
      username: 'ada',
      password: PASSWORD,
      ip: '192.0.2.1',
      userAgent: 'test',
      device,
    })
  return {
    storage,
    file,
    clock,
    tenants,
    keys,
    accounts,
    service,
    metrics,
    tenant,
    tenantId,
    user,
    login,
  }
}

test('login issues an RFC 9068 access token and an opaque refresh token', async (t) => {
  const { service, tenantId, user, login, storage } = await setup(t)
  const pair = await login()
  assert.match(pair.refreshToken, /^rt_[A-Za-z0-9_-]{43}$/)
  assert.equal(jwt.getUnverifiedHeader(pair.accessToken).typ, 'at+jwt')
  assert.equal(jwt.getUnverifiedHeader(pair.accessToken).alg, 'ES256')
  const claims = await service.validate(pair.accessToken, { tenantId })
  assert.equal(claims.sub, user.id)
  assert.equal(claims.tid, tenantId)
  assert.equal(claims.sid, pair.session.id)
  assert.equal(claims.iss, 'https://id.acme.example')
  assert.equal(claims.scope, 'read write')
  assert.deepEqual(claims.roles, ['admin'])
  assert.equal(claims.exp - claims.iat, 900)
  assert.equal(typeof claims.jti, 'string')
  assert.equal(typeof claims.client_id, 'string')
  assert.equal(pair.expiresIn, 900)
  // Only the hash of the refresh token is stored.
  const stored = await storage.sessions.listByUser(tenantId, user.id)
  assert.equal(stored.length, 1)
  assert.equal(stored[0]!.device, 'laptop')
  const issued = await events(storage, tenantId, 'token.issued')
  assert.equal(issued.length, 1)
  assert.equal(JSON.stringify(issued).includes(pair.refreshToken), false)
})

test("a client's user agent and address are kept bounded, whatever their length", async (t) => {
  const { service, storage, tenantId } = await setup(t)
  const client = { ip: '2001:db8::1'.padEnd(1000, 'f'), userAgent: 'x'.repeat(5_000_000) }
  await assert.rejects(
    service.login({ tenantId, username: 'ada', password: 'wrong password!', ...client }),
  )
  const pair = await service.login({ tenantId, username: 'ada', password: PASSWORD, ...client })
  await service.refresh(pair.refreshToken, { tenantId, ...client })
  const session = (await storage.sessions.get(tenantId, pair.session.id))!
  assert.deepEqual(
    [session.userAgent?.length, session.firstIp?.length, session.lastIp?.length],
    [512, 64, 64],
  )
  const recorded = await events(storage, tenantId)
  assert.ok(recorded.length >= 4)
  for (const event of recorded) {
    assert.ok((event.userAgent?.length ?? 0) <= 512, event.type)
    assert.ok((event.ip?.length ?? 0) <= 64, event.type)
  }
})

test('bad input from a JavaScript caller is an InvalidInputError, never a TypeError', async (t) => {
  const { service, accounts, tenants, storage, tenantId, user, login } = await setup(t)
  const pair = await login()
  const apiKeys = new ApiKeys({ storage })
  const any = (value: unknown) => value as never
  const calls: [string, () => Promise<unknown>][] = [
    ['refresh without a context', () => service.refresh(pair.refreshToken, any(undefined))],
    ['validate without a context', () => service.validate(pair.accessToken, any(undefined))],
    ['login(null)', () => service.login(any(null))],
    [
      'login with an object as device',
      () => service.login({ tenantId, username: 'ada', password: PASSWORD, device: any({}) }),
    ],
    ['revokeTenant(undefined)', () => service.revokeTenant(any(undefined))],
    ['issueForClient(null)', () => service.issueForClient(any(null), { tenantId })],
    ['logout({})', () => service.logout(any({}), { tenantId })],
    ['logoutAll({})', () => service.logoutAll(any({}), { tenantId })],
    ['listSessions with an object id', () => service.listSessions(tenantId, any({}))],
    ['changePassword(null)', () => accounts.changePassword(any(null))],
    ['findUser with a number', () => accounts.findUser(tenantId, any(5))],
    ['getUser with objects', () => accounts.getUser(any({}), any({}))],
    ['apiKeys.create(null)', () => apiKeys.create(any(null))],
    ['apiKeys.revoke with an object id', () => apiKeys.revoke(tenantId, any({}))],
    ['tenants.configure(null)', () => tenants.configure(tenantId, any(null))],
    ['new MasterKey(5)', async () => new MasterKey(any(5))],
    ['introspect without a context', () => service.introspect(pair.refreshToken, any(undefined))],
    [
      'endOtherSessions without a context',
      () => service.endOtherSessions(user.id, pair.session.id, any(null)),
    ],
    ['authenticate(undefined)', () => accounts.authenticate(any(undefined))],
    [
      'issueForClient with a key without scopes',
      () => service.issueForClient(any({ id: 'k', tenantId }), { tenantId }),
    ],
    [
      'setDisabled without a boolean',
      () => accounts.setDisabled(tenantId, user.id, any(undefined)),
    ],
  ]
  for (const [name, call] of calls) {
    await assert.rejects(call(), errors.InvalidInputError, name)
  }
  // Nothing was changed by any of them.
  await service.validate(pair.accessToken, { tenantId })
  assert.equal((await service.listSessions(tenantId, user.id)).length, 1)
})

test("a confidential client's refresh token rotates only for that client (RFC 6749 §6)", async (t) => {
  const { service, storage, tenantId, login } = await setup(t)
  const apiKeys = new ApiKeys({ storage })
  const { apiKey: a } = await apiKeys.create({ tenantId, name: 'a', scopes: [] })
  const { apiKey: b } = await apiKeys.create({ tenantId, name: 'b', scopes: [] })
  const theirs = await service.login({
    tenantId,
    username: 'ada',
    password: PASSWORD,
    clientId: a.id,
  })
  for (const context of [{ tenantId }, { tenantId, authenticatedClient: b.id }]) {
    await assert.rejects(service.refresh(theirs.refreshToken, context), errors.InvalidTokenError)
  }
  // Those refusals changed nothing: the token is still fresh for its own client.
  const next = await service.refresh(theirs.refreshToken, { tenantId, authenticatedClient: a.id })
  assert.equal(next.session.clientId, a.id)
  // A first-party session refreshes with no client, and not for a client that authenticated.
  const own = await login()
  await assert.rejects(
    service.refresh(own.refreshToken, { tenantId, authenticatedClient: a.id }),
    errors.InvalidTokenError,
  )
  await service.refresh(own.refreshToken, { tenantId })
})

test('a login opens its session in the transaction that records the attempt', async (t) => {
  const { storage, tenantId, user, login } = await setup(t)
  await login() // the first one also makes the tenant's signing key
  const transaction = storage.transaction.bind(storage)
  let transactions = 0
  storage.transaction = (work) => {
    transactions++
    return transaction(work)
  }
  const pair = await login()
  assert.equal(transactions, 1)
  const [succeeded, issued] = (
    await events(storage, tenantId, 'login.succeeded', 'token.issued')
  ).slice(-2)
  assert.equal(succeeded!.userId, user.id)
  assert.equal(issued!.sessionId, pair.session.id)
  assert.equal(issued!.time, succeeded!.time)
})

test('an authenticator that does not run the opening step still gets a session', async (t) => {
  const { storage, tenants, keys, accounts, tenantId, user } = await setup(t)
  // Checks the password through Accounts, and ignores the step it is handed.
  const service = new TokenService({
    storage,
    tenants,
    keys,
    authenticator: { authenticate: (input) => accounts.authenticate(input) },
  })
  await service.start()
  const pair = await service.login({ tenantId, username: 'ada', password: PASSWORD })
  assert.equal((await service.validate(pair.accessToken, { tenantId })).sub, user.id)
  const sessions = await storage.sessions.listByUser(tenantId, user.id)
  assert.deepEqual(
    sessions.map((session) => session.id),
    [pair.session.id],
  )
  assert.equal((await events(storage, tenantId, 'token.issued')).length, 1)
})

test('refresh rotates: the successor works, the presented token is consumed', async (t) => {
  const { service, tenantId, login, clock } = await setup(t)
  const first = await login()
  clock.advance(1000)
  const second = await service.refresh(first.refreshToken, { tenantId, ip: '192.0.2.2' })
  assert.notEqual(second.refreshToken, first.refreshToken)
  assert.equal(second.session.id, first.session.id)
  await service.validate(second.accessToken, { tenantId })
  clock.advance(1000)
  const third = await service.refresh(second.refreshToken, { tenantId })
  assert.notEqual(third.refreshToken, second.refreshToken)
  const sessions = await service.listSessions(tenantId, first.session.userId)
  assert.equal(sessions[0]!.lastIp, null)
})

test('50 concurrent refreshes of one token end in one chain, with no false alarm', async (t) => {
  const { service, tenantId, login, storage, metrics } = await setup(t)
  const first = await login()
  const results = await Promise.all(
    Array.from({ length: 50 }, () => service.refresh(first.refreshToken, { tenantId })),
  )
  const successors = new Set(results.map((r) => r.refreshToken))
  assert.equal(successors.size, 1, 'every concurrent refresh got the same successor')
  assert.equal(metrics.count('reuse_detected'), 0)
  assert.equal((await events(storage, tenantId, 'refresh.reuse_detected')).length, 0)
  // The successor is live; the chain did not fork.
  const next = await service.refresh([...successors][0]!, { tenantId })
  await service.validate(next.accessToken, { tenantId })
})

test('two tabs refreshing at once keep one chain (the Keycloak false positive does not happen)', async (t) => {
  const { service, tenantId, login, clock } = await setup(t)
  const t0 = await login()
  const tabA = await service.refresh(t0.refreshToken, { tenantId })
  clock.advance(5_000) // tab B's request arrives late, inside the grace window
  const tabB = await service.refresh(t0.refreshToken, { tenantId })
  assert.equal(tabB.refreshToken, tabA.refreshToken)
  clock.advance(1_000)
  const a2 = await service.refresh(tabA.refreshToken, { tenantId })
  const b2 = await service.refresh(tabB.refreshToken, { tenantId })
  assert.equal(
    a2.refreshToken,
    b2.refreshToken,
    'no fork: both tabs hold the same chain (the Hydra fork does not happen)',
  )
  await service.validate(b2.accessToken, { tenantId })
})

test('reuse after the grace window revokes the whole family and its access tokens', async (t) => {
  const { service, tenantId, login, clock, storage, metrics } = await setup(t)
  const stolen = await login()
  const rotated = await service.refresh(stolen.refreshToken, { tenantId })
  clock.advance(31_000)
  await assert.rejects(service.refresh(stolen.refreshToken, { tenantId }), (err) => {
    assert.ok(err instanceof errors.TokenReuseError)
    assert.equal((err as errors.TokenError).code, 'ERR_TOKEN_REUSED')
    return true
  })
  // The legitimate holder's successor and every access token of the session are dead.
  await assert.rejects(
    service.refresh(rotated.refreshToken, { tenantId }),
    errors.TokenRevokedError,
  )
  await assert.rejects(
    service.validate(rotated.accessToken, { tenantId }),
    errors.TokenRevokedError,
  )
  await assert.rejects(service.validate(stolen.accessToken, { tenantId }), errors.TokenRevokedError)
  const critical = await events(storage, tenantId, 'refresh.reuse_detected')
  assert.equal(critical.length, 1)
  assert.equal(critical[0]!.severity, 'critical')
  assert.equal(metrics.count('reuse_detected'), 1)
  // Other sessions of the user are untouched.
  const other = await login('phone')
  await service.validate(other.accessToken, { tenantId })
})

test('refresh tokens expire when idle, and sessions at their absolute end', async (t) => {
  const { service, tenantId, login, clock } = await setup(t, {
    refreshIdleTtl: 3600,
    sessionAbsoluteTtl: 7200,
  })
  const pair = await login()
  clock.advance(3_600_000)
  await assert.rejects(service.refresh(pair.refreshToken, { tenantId }), errors.TokenExpiredError)
  const again = await login()
  clock.advance(3_000_000)
  const next = await service.refresh(again.refreshToken, { tenantId }) // extends idle expiry
  clock.advance(3_000_000)
  const last = await service.refresh(next.refreshToken, { tenantId })
  clock.advance(1_300_000) // past the absolute lifetime of the session
  await assert.rejects(service.refresh(last.refreshToken, { tenantId }), errors.TokenExpiredError)
})

test('bad refresh tokens get typed errors without a lookup', async (t) => {
  const { service, tenantId } = await setup(t)
  for (const bad of ['', 'rt_short', 'x'.repeat(10_000), 42, null]) {
    await assert.rejects(service.refresh(bad as never, { tenantId }), errors.InvalidTokenError)
  }
  await assert.rejects(
    service.refresh('rt_' + 'A'.repeat(43), { tenantId }),
    (err) =>
      err instanceof errors.InvalidTokenError &&
      (err as errors.TokenError).code === 'ERR_TOKEN_INVALID',
  )
})

test('access tokens expire, and forged or foreign ones are refused', async (t) => {
  const { service, tenantId, login, clock } = await setup(t)
  const pair = await login()
  const [h, p, s] = pair.accessToken.split('.')
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...jwt.getUnverifiedClaims(pair.accessToken), roles: ['root'] })).toString('base64url')}.${s}`
  await assert.rejects(service.validate(forged, { tenantId }), errors.InvalidTokenError)
  await assert.rejects(service.validate(`${h}.${p}`, { tenantId }), errors.InvalidTokenError)
  clock.advance(900_000)
  await assert.rejects(service.validate(pair.accessToken, { tenantId }), errors.TokenExpiredError)
})

test('revoke: an access token by jti, a refresh token with its session (RFC 7009)', async (t) => {
  const { service, tenantId, login } = await setup(t)
  const a = await login()
  assert.equal(await service.revoke(a.accessToken, { tenantId }), true)
  await assert.rejects(service.validate(a.accessToken, { tenantId }), errors.TokenRevokedError)
  const refreshed = await service.refresh(a.refreshToken, { tenantId })
  await service.validate(refreshed.accessToken, { tenantId })
  assert.equal(await service.revoke(refreshed.refreshToken, { tenantId }), true)
  await assert.rejects(
    service.validate(refreshed.accessToken, { tenantId }),
    errors.TokenRevokedError,
  )
  await assert.rejects(
    service.refresh(refreshed.refreshToken, { tenantId }),
    errors.TokenRevokedError,
  )
  // Unknown and malformed tokens are ignored, as RFC 7009 says.
  assert.equal(await service.revoke('garbage', { tenantId }), false)
  assert.equal(await service.revoke('rt_' + 'B'.repeat(43), { tenantId }), false)
})

test('prune deletes the refresh tokens of sessions ended over a day ago, and no others', async (t) => {
  const { service, tenantId, login, clock, storage } = await setup(t)
  const ended = await login('phone')
  const endedNext = (await service.refresh(ended.refreshToken, { tenantId })).refreshToken
  const live = await login('laptop')
  await service.revoke(endedNext, { tenantId })
  const stored = async (token: string) =>
    (await storage.sessions.findRefreshToken(tenantId, hashToken(token))) !== undefined

  // Within the day the ended session's tokens stay: presenting one says the session has ended.
  clock.advance(3600 * 1000)
  await service.prune()
  assert.ok(await stored(ended.refreshToken))
  await assert.rejects(service.refresh(endedNext, { tenantId }), errors.TokenRevokedError)

  clock.advance(24 * 3600 * 1000)
  await service.prune()
  assert.equal(await stored(ended.refreshToken), false)
  assert.equal(await stored(endedNext), false)
  await assert.rejects(service.refresh(endedNext, { tenantId }), errors.InvalidTokenError)
  // The live session is untouched and still rotates.
  assert.ok(await stored(live.refreshToken))
  await service.refresh(live.refreshToken, { tenantId })
})

test('introspection answers active or not, never why (RFC 7662)', async (t) => {
  const { service, tenantId, login, user } = await setup(t)
  const pair = await login()
  const access = await service.introspect(pair.accessToken, { tenantId })
  assert.equal(access.active, true)
  assert.equal(access.token_type, 'Bearer')
  assert.equal(access.sub, user.id)
  const refresh = await service.introspect(pair.refreshToken, { tenantId })
  assert.equal(refresh.active, true)
  assert.equal(refresh.token_type, 'refresh_token')
  await service.revoke(pair.accessToken, { tenantId })
  assert.deepEqual(await service.introspect(pair.accessToken, { tenantId }), { active: false })
  assert.deepEqual(await service.introspect('nonsense', { tenantId }), { active: false })
  assert.deepEqual(await service.introspect(42 as never, { tenantId }), { active: false })
})

test('sessions per device: list, end one, end the others, log out everywhere', async (t) => {
  const { service, tenantId, login, user, clock } = await setup(t)
  const laptop = await login('laptop')
  const phone = await login('phone')
  const tablet = await login('tablet')
  const sessions = await service.listSessions(tenantId, user.id)
  assert.deepEqual(sessions.map((s) => s.device).sort(), ['laptop', 'phone', 'tablet'])
  assert.equal(await service.endSession(user.id, phone.session.id, { tenantId }), true)
  await assert.rejects(service.validate(phone.accessToken, { tenantId }), errors.TokenRevokedError)
  await assert.rejects(
    service.endSession('someone-else', laptop.session.id, { tenantId }),
    errors.NotFoundError,
  )
  assert.equal(await service.endOtherSessions(user.id, laptop.session.id, { tenantId }), 1)
  await assert.rejects(service.validate(tablet.accessToken, { tenantId }), errors.TokenRevokedError)
  await service.validate(laptop.accessToken, { tenantId })
  assert.equal(await service.logout(laptop.session.id, { tenantId }), true)
  await assert.rejects(service.validate(laptop.accessToken, { tenantId }), errors.TokenRevokedError)
  // Log out everywhere: every token so far dies, and a login right after works.
  const a = await login('a')
  const b = await login('b')
  assert.equal(await service.logoutAll(user.id, { tenantId }), 2)
  await assert.rejects(service.validate(a.accessToken, { tenantId }), errors.TokenRevokedError)
  await assert.rejects(service.refresh(b.refreshToken, { tenantId }), errors.TokenRevokedError)
  // A millisecond later (in the cut-off's own millisecond, a session's order is unknown).
  clock.advance(1)
  const fresh = await login('after')
  await service.validate(fresh.accessToken, { tenantId })
})

test('a session ended between a login committing and its token being signed refuses that token', async (t) => {
  const { storage, tenants, keys, accounts, tenantId, user, clock } = await setup(t)
  // The revocation commits in the gap after the login's transaction, before its signature.
  let inGap: (() => Promise<unknown>) | undefined
  const racing: SigningKeys = {
    signingKey: async (id) => {
      const work = inGap
      inGap = undefined
      await work?.()
      return keys.signingKey(id)
    },
    verificationKeys: (id) => keys.verificationKeys(id),
  }
  const service = new TokenService({
    storage,
    tenants,
    keys: racing,
    authenticator: accounts,
    clock: clock.fn,
  })
  await service.start()
  const login = () => service.login({ tenantId, username: 'ada', password: PASSWORD })
  for (const end of [
    () => service.logoutAll(user.id, { tenantId }),
    () => accounts.setDisabled(tenantId, user.id, true),
    // No entry per session here: the token must not be given an iat past the tenant's cut-off.
    () => service.revokeTenant({ tenantId }),
  ]) {
    await accounts.setDisabled(tenantId, user.id, false)
    inGap = end
    const pair = await login()
    assert.notEqual((await storage.sessions.get(tenantId, pair.session.id))!.revokedAt, null)
    // What the store holds, as another instance hears it.
    await service.reloadRevocations()
    await assert.rejects(service.validate(pair.accessToken, { tenantId }), errors.TokenRevokedError)
  }
})

test('a revocation is kept until the last token it covers expires, iat past a cut-off included', async (t) => {
  const { service, tenantId, user, login, clock } = await setup(t)
  clock.advance(100) // 0.1 s into a second
  await service.logoutAll(user.id, { tenantId })
  clock.advance(100)
  const pair = await login() // its iat is the next second: its exp is up to a second later
  assert.equal(pair.claims.iat, Math.floor(clock.now / 1000) + 1)
  clock.advance(100)
  await service.logout(pair.session.id, { tenantId })
  clock.advance(900_000) // before the token's exp
  assert.ok(pair.claims.exp * 1000 > clock.now)
  await service.prune()
  await assert.rejects(service.validate(pair.accessToken, { tenantId }), errors.TokenRevokedError)
})

test('prune keeps the successor a retry gets back for a grace window longer than a day', async (t) => {
  const { service, tenantId, login, clock } = await setup(t, { reuseGraceSeconds: 48 * 3600 })
  const first = await login()
  const next = await service.refresh(first.refreshToken, { tenantId })
  clock.advance(30 * 3600 * 1000)
  await service.prune()
  const retry = await service.refresh(first.refreshToken, { tenantId })
  assert.equal(retry.refreshToken, next.refreshToken)
})

test('a shorter access-token lifetime does not outlast revocations made under it', async (t) => {
  const { service, tenants, tenantId, user, login, clock } = await setup(t)
  const pair = await login() // under the 900 s lifetime
  await tenants.configure(tenantId, { accessTokenTtl: 60 })
  await service.logoutAll(user.id, { tenantId }) // kept for 60 s: the lifetime now
  clock.advance(61_000)
  await service.prune()
  // The revocation is gone; the token, issued for 900 s, is now older than any token may be.
  await assert.rejects(service.validate(pair.accessToken, { tenantId }), errors.TokenError)
  const fresh = await login()
  await service.validate(fresh.accessToken, { tenantId })
})

test('a tenant that changes its signing algorithm accepts what its current keys signed', async (t) => {
  const { service, tenants, keys, tenantId, login, clock } = await setup(t)
  const before = await login()
  await tenants.configure(tenantId, { signingAlgorithm: 'RS256' })
  await service.validate(before.accessToken, { tenantId })
  // Until the rotation, the active key (ES256) still signs.
  const meanwhile = await login()
  assert.equal(jwt.getUnverifiedHeader(meanwhile.accessToken).alg, 'ES256')
  await service.validate(meanwhile.accessToken, { tenantId })
  await keys.rotate(tenantId)
  clock.advance(601_000) // past the new key's pre-publication (600 s)
  const after = await login()
  assert.equal(jwt.getUnverifiedHeader(after.accessToken).alg, 'RS256')
  await service.validate(after.accessToken, { tenantId })
  await service.validate(meanwhile.accessToken, { tenantId })
})

test('a tenant-wide cut-off revokes every older token of that tenant', async (t) => {
  const { service, tenantId, login, storage, clock } = await setup(t)
  const before = await login()
  const refreshed = await service.refresh(before.refreshToken, { tenantId })
  await service.revokeTenant({ tenantId })
  await assert.rejects(service.validate(before.accessToken, { tenantId }), errors.TokenRevokedError)
  // Refresh tokens too: their sessions have ended, so none rotates into a new access token.
  await assert.rejects(
    service.refresh(refreshed.refreshToken, { tenantId }),
    errors.TokenRevokedError,
  )
  assert.deepEqual(await service.introspect(refreshed.refreshToken, { tenantId }), {
    active: false,
  })
  const [revoked] = await events(storage, tenantId, 'token.revoked')
  assert.deepEqual(revoked!.details, { scope: 'tenant', sessionsEnded: 1 })
  clock.advance(1)
  const after = await login()
  await service.validate(after.accessToken, { tenantId })
  await service.refresh(after.refreshToken, { tenantId })
})

test('tokens of one tenant are invalid in another', async (t) => {
  const { service, tenantId, login, tenants } = await setup(t)
  const other = await tenants.create('globex')
  const pair = await login()
  await assert.rejects(
    service.validate(pair.accessToken, { tenantId: other.id }),
    errors.InvalidTokenError,
  )
  await assert.rejects(
    service.refresh(pair.refreshToken, { tenantId: other.id }),
    errors.InvalidTokenError,
  )
  assert.equal(await service.revoke(pair.refreshToken, { tenantId: other.id }), false)
  assert.deepEqual(await service.introspect(pair.accessToken, { tenantId: other.id }), {
    active: false,
  })
  await assert.rejects(
    service.login({ tenantId: other.id, username: 'ada', password: PASSWORD }),
    errors.InvalidCredentialsError,
  )
  await assert.rejects(
    service.validate(pair.accessToken, { tenantId: 'no-such-tenant' }),
    errors.NotFoundError,
  )
  await service.validate(pair.accessToken, { tenantId })
})

test('disabling a user ends their sessions and access tokens at once', async (t) => {
  const { service, tenantId, login, accounts, user } = await setup(t)
  const pair = await login()
  await accounts.setDisabled(tenantId, user.id, true)
  await assert.rejects(service.validate(pair.accessToken, { tenantId }), errors.TokenRevokedError)
  await assert.rejects(service.refresh(pair.refreshToken, { tenantId }), errors.TokenRevokedError)
})

test('validation does no I/O: it works with the store closed', async (t) => {
  const { service, tenantId, login, storage } = await setup(t)
  const pair = await login()
  await service.validate(pair.accessToken, { tenantId })
  await storage.close()
  const claims = await service.validate(pair.accessToken, { tenantId })
  assert.equal(claims.sid, pair.session.id)
})

test('refresh is limited per session and validation per client, with the retry time', async (t) => {
  const limits = new RateLimits({
    profiles: {
      refreshPerSession: { points: 2, duration: 60 },
      validatePerClient: { points: 2, duration: 60 },
    },
  })
  const { service, tenantId, login, metrics } = await setup(t, {}, limits)
  const pair = await login()
  const one = await service.refresh(pair.refreshToken, { tenantId })
  const two = await service.refresh(one.refreshToken, { tenantId })
  await assert.rejects(service.refresh(two.refreshToken, { tenantId }), (err) => {
    assert.ok(err instanceof errors.RateLimitedError)
    assert.ok((err as errors.RateLimitedError).retryAfterMs > 0)
    return true
  })
  // Another session has its own budget, and the refused token still works later.
  const other = await login('phone')
  await service.refresh(other.refreshToken, { tenantId })
  await service.validate(pair.accessToken, { tenantId, client: 'api-1' })
  await service.validate(pair.accessToken, { tenantId, client: 'api-1' })
  await assert.rejects(
    service.validate(pair.accessToken, { tenantId, client: 'api-1' }),
    errors.RateLimitedError,
  )
  await service.validate(pair.accessToken, { tenantId, client: 'api-2' })
  await service.validate(pair.accessToken, { tenantId })
  assert.equal(metrics.count('rate_limited', { profile: 'refreshPerSession' }), 1)
  assert.equal(typeof auditRateLimits, 'function')
})

test('client credentials: an API key gets an access token that dies with the key', async (t) => {
  const { service, tenantId, storage, tenants, clock } = await setup(t)
  const apiKeys = new ApiKeys({
    storage,
    clock: clock.fn,
    onRevoked: (revocations) => revocations.forEach((r) => service.revocations.apply(r)),
  })
  const created = await apiKeys.create({ tenantId, name: 'billing', scopes: ['read', 'write'] })
  const apiKey = await apiKeys.authenticate(tenantId, created.key)
  const issued = await service.issueForClient(apiKey, { tenantId, scopes: ['read'] })
  const claims = await service.validate(issued.accessToken, { tenantId })
  assert.equal(claims.sub, apiKey.id)
  assert.equal(claims.client_id, apiKey.id)
  assert.equal(claims.scope, 'read')
  assert.equal(claims.sid, apiKeySessionId(apiKey.id))
  const all = await service.issueForClient(apiKey, { tenantId })
  assert.equal(jwt.getUnverifiedClaims(all.accessToken).scope, 'read write')
  await assert.rejects(
    service.issueForClient(apiKey, { tenantId, scopes: ['admin'] }),
    errors.InvalidInputError,
  )
  const other = await tenants.create('initech')
  await assert.rejects(
    service.issueForClient(apiKey, { tenantId: other.id }),
    errors.InvalidTokenError,
  )
  assert.equal((await events(storage, tenantId, 'token.issued')).length, 2)
  await apiKeys.revoke(tenantId, apiKey.id)
  await assert.rejects(service.validate(issued.accessToken, { tenantId }), errors.TokenRevokedError)
  await assert.rejects(apiKeys.authenticate(tenantId, created.key), errors.TokenRevokedError)
})
