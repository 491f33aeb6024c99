// A guard on a real JWKS server (node:http on 127.0.0.1): rotation without a restart, a removed key
// refused once the set is fetched again, and a key server that is down (503 without keys, business
// as usual with cached ones).
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { createGuard, type GuardOptions } from '../src/index.js'
import {
  AUDIENCE,
  ISSUER,
  assertAccepted,
  assertRefused,
  deadUrl,
  impostor,
  k1,
  k2,
  mint,
  startJwksServer,
} from './support.js'

const bearer = (token: string) => `Bearer ${token}`

/** A guard on `url` whose key set runs on a clock the test moves. */
function guardOn(url: string, extra: Partial<GuardOptions> = {}) {
  const clock = { ms: 1_000_000 }
  const remote = { now: () => clock.ms, cooldown: 1000, cacheMaxAge: 60_000 }
  const guard = createGuard({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: url, remote, ...extra })
  return { guard, clock }
}

async function setup(t: TestContext) {
  const server = await startJwksServer(t, k1)
  return { server, ...guardOn(server.url) }
}

test('rotation: a new kid is accepted as soon as it is published; the old one keeps working', async (t) => {
  const { server, guard, clock } = await setup(t)
  const old = mint(k1)
  assert.equal(assertAccepted(await guard.verify(bearer(old))).sub, 'u1')
  assert.equal(server.hits(), 1)
  // The issuer publishes its next key beside the current one, then starts signing with it.
  server.publish(k1, k2)
  clock.ms += 1001
  const next = mint(k2, { sub: 'u2' })
  assert.equal(assertAccepted(await guard.verify(bearer(next))).sub, 'u2')
  assert.equal(server.hits(), 2, 'the unknown kid made one fetch')
  assertAccepted(await guard.verify(bearer(old)))
  assertAccepted(await guard.verify(bearer(next)))
  assert.equal(server.hits(), 2, 'known kids are served from the cache')
})

test('a key the issuer removes is refused once the set is fetched again', async (t) => {
  const { server, guard, clock } = await setup(t)
  const old = mint(k1)
  assertAccepted(await guard.verify(bearer(old)))
  server.publish(k2)
  // Until the cache ages, the set at hand is used; past cacheMaxAge it is refreshed in the
  // background while that call is still answered from it (stale-while-revalidate).
  assertAccepted(await guard.verify(bearer(old)))
  clock.ms += 60_001
  assertAccepted(await guard.verify(bearer(old)))
  const deadline = Date.now() + 5000
  let result = await guard.verify(bearer(old))
  while (result.ok && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10))
    result = await guard.verify(bearer(old))
  }
  assertRefused(result, 401, 'invalid_token', /error="invalid_token"/)
  assert.equal(server.hits(), 2)
  assertAccepted(await guard.verify(bearer(mint(k2))))
})

test('a token signed by an unpublished key with a known kid is refused', async (t) => {
  const { guard } = await setup(t)
  const forged = mint(impostor)
  const result = await guard.verify(bearer(forged))
  assertRefused(result, 401, 'invalid_token', /the signature does not verify/)
})

test('key server down and no keys yet: 503, no challenge, Retry-After; never 401', async () => {
  const { guard } = guardOn(await deadUrl())
  const result = await guard.verify(bearer(mint(k1)))
  assertRefused(result, 503, 'temporarily_unavailable', undefined)
  assert.equal(result.ok === false && result.retryAfter, 1, 'the cooldown, in seconds')
  assert.equal((result as { cause: { code: string } }).cause.code, 'ERR_JWT_KEYS_UNAVAILABLE')
  // Even a token that would fail for another reason is not called invalid: we cannot tell yet.
  assertRefused(
    await guard.verify(bearer(mint(k1, { aud: 'x' }))),
    503,
    'temporarily_unavailable',
    undefined,
  )
  // The request itself is still judged: no token is 401, a malformed header 400.
  assertRefused(await guard.verify(undefined), 401, 'missing_token', `Bearer realm="${AUDIENCE}"`)
  const unavailable = createGuard({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUrl: await deadUrl(),
  })
  const slow = await unavailable.verify(bearer(mint(k1)))
  assert.equal(slow.ok === false && slow.retryAfter, 30, "jose's default cooldown")
})

test('key server down with keys cached: tokens are still checked, and good ones accepted', async (t) => {
  const { server, guard, clock } = await setup(t)
  assertAccepted(await guard.verify(bearer(mint(k1))))
  await server.down()
  clock.ms += 60_001 // the cache is stale: a refresh is tried, fails, and the set is kept
  for (let i = 0; i < 3; i++) {
    assertAccepted(await guard.verify(bearer(mint(k1))))
    clock.ms += 1001
  }
  assertRefused(await guard.verify(bearer(mint(k1, { exp: 1 }))), 401, 'invalid_token', /expired/)
  assertRefused(await guard.verify(bearer(mint(impostor))), 401, 'invalid_token', /signature/)
  await assert.rejects(guard.keySet!.reload(), { code: 'ERR_JWKS_FETCH_FAILED' })
  assertAccepted(await guard.verify(bearer(mint(k1))))
})

test('a warm-up fetch at start-up, and a remote key set shared between guards', async (t) => {
  const { server, guard } = await setup(t)
  await guard.keySet!.reload()
  assert.equal(server.hits(), 1)
  const admin = createGuard({ issuer: ISSUER, audience: AUDIENCE, key: guard.keySet! })
  assertAccepted(await admin.verify(bearer(mint(k1))))
  assertAccepted(await guard.verify(bearer(mint(k1))))
  assert.equal(server.hits(), 1, 'one cache for both')
})

test('by default the set is refreshed after five minutes, within Tessera pre-publication', async (t) => {
  const server = await startJwksServer(t, k1)
  const clock = { ms: 1_000_000 }
  const remote = { now: () => clock.ms }
  const guard = createGuard({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: server.url, remote })
  assertAccepted(await guard.verify(bearer(mint(k1))))
  server.publish(k1, k2) // the next key, published ahead of its first token
  clock.ms += 299_999
  assertAccepted(await guard.verify(bearer(mint(k1))))
  assert.equal(server.hits(), 1)
  clock.ms += 2
  assertAccepted(await guard.verify(bearer(mint(k1)))) // starts the background refresh
  const holdsK2 = async () => (await guard.keySet!.getKeySet()).get('k2').length > 0
  for (let i = 0; i < 500 && !(await holdsK2()); i++) await new Promise((r) => setTimeout(r, 5))
  assert.equal(server.hits(), 2)
  await server.down()
  // The key server is gone before the first k2 token: the guard has k2 already.
  assertAccepted(await guard.verify(bearer(mint(k2))))
})
