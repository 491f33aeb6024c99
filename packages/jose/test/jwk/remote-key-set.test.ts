import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { errors, jwk, jwt, type Key } from '../../src/index.js'
import type { RemoteKeySetOptions } from '../../src/jwk/index.js'
import * as serve from './jwks-server.js'

const k1 = jwk.generate('ES256', { kid: 'k1' })
const k2 = jwk.generate('ES256', { kid: 'k2' })
const stranger = jwk.generate('ES256', { kid: 'nobody-publishes-me' })
const jwks = (...keys: Key[]) => ({ keys: keys.map((key) => key.toJWK()) })
const tokenBy = (key: Key, kid = key.kid) => jwt.encode({ sub: 'u1' }, key, { headers: { kid } })

// A server serving `keys`, a fake clock, and a remote key set on both (closed after the test).
async function setup(t: TestContext, options: RemoteKeySetOptions = {}, keys = [k1]) {
  const server = await serve.startJwksServer(serve.json(jwks(...keys)))
  t.after(() => server.close())
  const clock = { now: 1_000_000 }
  const set = jwk.createRemoteKeySet(server.url, { now: () => clock.now, ...options })
  const decode = (token: string) => jwt.decodeAsync(token, set, { algorithms: ['ES256'] })
  return { server, clock, set, decode }
}

const code = (expected: string) => (err: unknown) => {
  assert.equal((err as errors.JOSEError).code, expected, (err as Error).message)
  return true
}

test('the set is fetched on first use and then served from the cache', async (t) => {
  const { server, set, decode } = await setup(t)
  assert.equal(server.requests.length, 0, 'nothing is fetched before it is needed')
  assert.equal((await decode(tokenBy(k1))).sub, 'u1')
  assert.equal((await decode(tokenBy(k1))).sub, 'u1')
  assert.equal((await set.getKeySet()).size, 1)
  assert.equal(server.requests.length, 1)
  assert.match(String(server.requests[0]!.headers.accept), /application\/jwk-set\+json/)
  assert.equal(set.url, server.url)
})

test('rotation: a new kid is found after one fetch, and a removed key stops verifying', async (t) => {
  const { server, clock, decode } = await setup(t, { cooldown: 1000 })
  await decode(tokenBy(k1))
  server.handle(serve.json(jwks(k2)))
  clock.now += 1001
  assert.equal((await decode(tokenBy(k2))).sub, 'u1')
  assert.equal(server.requests.length, 2)
  // k1 is gone from the new set; within the cooldown its tokens fail without another fetch.
  await assert.rejects(decode(tokenBy(k1)), code('ERR_JWT_SIGNATURE_INVALID'))
  assert.equal(server.requests.length, 2)
  clock.now += 1001
  await assert.rejects(decode(tokenBy(k1)), errors.InvalidSignatureError)
  assert.equal(server.requests.length, 3)
})

test('past cacheMaxAge the set is refreshed in the background, and the old one served meanwhile', async (t) => {
  const { server, clock, set } = await setup(t, { cacheMaxAge: 60_000, cooldown: 1000 })
  const first = await set.getKeySet()
  server.handle(serve.json(jwks(k2)))
  clock.now += 59_999
  assert.equal(await set.getKeySet(), first)
  assert.equal(server.requests.length, 1)
  clock.now += 1
  assert.equal(await set.getKeySet(), first, 'answered at once from the set at hand')
  const fresh = await set.reload() // joins the background fetch
  assert.equal(server.requests.length, 2)
  assert.equal(fresh.get('k2').length, 1)
  assert.equal(await set.getKeySet(), fresh)
})

test('concurrent callers share one request, cold and on an unknown kid', async (t) => {
  const { server, clock, decode } = await setup(t, { cooldown: 1000 })
  const cold = await Promise.all(Array.from({ length: 50 }, () => decode(tokenBy(k1))))
  assert.equal(cold.length, 50)
  assert.equal(server.requests.length, 1)
  server.handle(serve.json(jwks(k1, k2)))
  clock.now += 1001
  const rotated = await Promise.all(Array.from({ length: 50 }, () => decode(tokenBy(k2))))
  assert.ok(rotated.every((claims) => claims.sub === 'u1'))
  assert.equal(server.requests.length, 2)
})

test('a flood of unknown kids causes at most one fetch per cooldown', async (t) => {
  const { server, clock, decode } = await setup(t, { cooldown: 10_000 })
  await decode(tokenBy(k1))
  clock.now += 10_001
  const flood = (n: number) =>
    Promise.allSettled(
      Array.from({ length: n }, (_, i) => decode(tokenBy(stranger, `kid-${clock.now}-${i}`))),
    )
  const results = await flood(100)
  assert.ok(
    results.every((r) => r.status === 'rejected' && code('ERR_JWT_SIGNATURE_INVALID')(r.reason)),
  )
  for (let i = 0; i < 20; i++) {
    await assert.rejects(decode(tokenBy(stranger, `one-by-one-${i}`)), errors.InvalidSignatureError)
  }
  assert.equal(server.requests.length, 2)
  clock.now += 5000
  await flood(20)
  assert.equal(server.requests.length, 2)
  clock.now += 5001
  await flood(20)
  assert.equal(server.requests.length, 3)
  assert.equal((await decode(tokenBy(k1))).sub, 'u1', 'known keys keep working throughout')
})

test('a disallowed or malformed token never causes a fetch', async (t) => {
  const { server, set } = await setup(t)
  const hs = jwt.encode({}, jwk.generate('HS256'))
  await assert.rejects(
    jwt.decodeAsync(hs, set, { algorithms: ['ES256'] }),
    code('ERR_JWT_ALGORITHM_NOT_ALLOWED'),
  )
  await assert.rejects(jwt.decodeAsync('e30.e30.', set, { algorithms: ['ES256'] }), errors.JWTError)
  await assert.rejects(
    jwt.decodeAsync('not a token', set, { algorithms: ['ES256'] }),
    errors.JWTError,
  )
  assert.equal(server.requests.length, 0)
})

test('resolve refuses a header that is not an object with a JWSError, before any fetch', async (t) => {
  const { server, set } = await setup(t)
  for (const header of [undefined, null, 'x', 7, ['kid']]) {
    await assert.rejects(set.resolve(header as never, 'ES256'), (err) => {
      assert.ok(err instanceof errors.JWSError, String(err))
      return code('ERR_JWS_INVALID')(err)
    })
  }
  assert.equal(server.requests.length, 0)
  assert.equal((await set.resolve({ kid: 'k1' }, 'ES256')).length, 1)
})

test('a slow server: a typed timeout with no set, the last good set otherwise', async (t) => {
  const { server, clock, set, decode } = await setup(t, { timeout: 100, cooldown: 1000 })
  const cold = await serve.startJwksServer(serve.hang)
  t.after(() => cold.close())
  const coldSet = jwk.createRemoteKeySet(cold.url, { timeout: 100 })
  await assert.rejects(
    jwt.decodeAsync(tokenBy(k1), coldSet, { algorithms: ['ES256'] }),
    (err: errors.JWTError) =>
      err instanceof errors.KeySetUnavailableError &&
      err.code === 'ERR_JWT_KEYS_UNAVAILABLE' &&
      err.cause instanceof errors.JWKSTimeoutError &&
      err.cause instanceof errors.JWKSFetchError,
  )
  await assert.rejects(coldSet.getKeySet(), code('ERR_JWKS_TIMEOUT'))

  await decode(tokenBy(k1))
  for (const slow of [serve.hang, serve.stall]) {
    server.handle(slow)
    clock.now += 1001
    // An unknown kid while the server cannot answer: "try later" (the token may be valid), not 401.
    await assert.rejects(decode(tokenBy(stranger)), errors.KeySetUnavailableError)
    assert.equal((await decode(tokenBy(k1))).sub, 'u1')
    await assert.rejects(set.reload(), code('ERR_JWKS_TIMEOUT'))
  }
  assert.equal((await set.getKeySet()).get('k1').length, 1)
})

test('a server that goes down: the last good set is served; with none, a typed fetch error', async (t) => {
  const { server, clock, set, decode } = await setup(t, { cacheMaxAge: 1000, cooldown: 1000 })
  await decode(tokenBy(k1))
  await server.close()
  clock.now += 5000
  assert.equal((await decode(tokenBy(k1))).sub, 'u1')
  await assert.rejects(decode(tokenBy(k2)), errors.KeySetUnavailableError)
  await assert.rejects(set.reload(), code('ERR_JWKS_FETCH_FAILED'))
  assert.equal((await decode(tokenBy(k1))).sub, 'u1')

  const orphan = jwk.createRemoteKeySet(server.url)
  await assert.rejects(
    jwt.decodeAsync(tokenBy(k1), orphan, { algorithms: ['ES256'] }),
    (err: errors.JWTError) =>
      err.code === 'ERR_JWT_KEYS_UNAVAILABLE' &&
      (err.cause as errors.JOSEError).code === 'ERR_JWKS_FETCH_FAILED',
  )
  // Within the cooldown the failure is remembered, not retried.
  await assert.rejects(orphan.getKeySet(), errors.JWKSFetchError)
})
