// What a remote key set accepts from a server and from its caller: garbage, huge bodies, redirects,
// URLs and options.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errors, jwk, jwt, type Key } from '../../src/index.js'
import * as serve from './jwks-server.js'

const k1 = jwk.generate('ES256', { kid: 'k1' })
const good = { keys: [k1.toJWK()] }
const token = jwt.encode({ sub: 'u1' }, k1)
const MARKER = 'SECRET-BODY-MARKER'

const code = (expected: string) => (err: unknown) => {
  assert.equal((err as errors.JOSEError).code, expected, (err as Error).message)
  return true
}

// Every message down the cause chain, to check that none carries the body.
function messages(err: unknown): string {
  let text = ''
  for (let e = err; e instanceof Error; e = e.cause) text += `${e.message}\n`
  return text
}

const garbage: [string, serve.Handler, string][] = [
  ['invalid JSON', serve.text(`{"keys": [${MARKER}`), 'ERR_JWKS_INVALID'],
  ['HTML', serve.text(`<html><body>${MARKER}</body></html>`, 200, 'text/html'), 'ERR_JWKS_INVALID'],
  ['JSON that is not a JWKS', serve.json({ hello: MARKER }), 'ERR_JWKS_INVALID'],
  ['an array', serve.json([good]), 'ERR_JWKS_INVALID'],
  ['keys that is not an array', serve.json({ keys: MARKER }), 'ERR_JWKS_INVALID'],
  [
    'a malformed key',
    serve.json({ keys: [{ kty: 'EC', crv: 'P-256', x: MARKER }] }),
    'ERR_JWKS_INVALID',
  ],
  [
    'a secret key',
    serve.json({ keys: [jwk.generate('HS256').toJWK({ private: true })] }),
    'ERR_JWKS_INVALID',
  ],
  ['a private key', serve.json({ keys: [k1.toJWK({ private: true })] }), 'ERR_JWKS_INVALID'],
  [
    'bytes that are not UTF-8',
    serve.text(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
    'ERR_JWKS_INVALID',
  ],
  ['an empty body', serve.text(''), 'ERR_JWKS_INVALID'],
  ['a 500', serve.text(MARKER, 500), 'ERR_JWKS_FETCH_FAILED'],
  ['a 404', serve.json(good, 404), 'ERR_JWKS_FETCH_FAILED'],
  ['a 204', (_req, res) => res.writeHead(204).end(), 'ERR_JWKS_FETCH_FAILED'],
  ['a huge body, declared', serve.declares(10_000_000), 'ERR_JWKS_TOO_LARGE'],
  ['a huge body, not declared', serve.endless, 'ERR_JWKS_TOO_LARGE'],
  ['a body just over the limit', serve.text(' '.repeat(8193)), 'ERR_JWKS_TOO_LARGE'],
]

test('garbage is refused with a typed error, and the last good set is kept', async (t) => {
  const server = await serve.startJwksServer(serve.json(good))
  t.after(() => server.close())
  // A small limit; a timeout long enough that only the size check can end the undeclared stream.
  const options = { maxResponseBytes: 8192, timeout: 5000, cooldown: 0 }
  const kept = jwk.createRemoteKeySet(server.url, options)
  await kept.reload()
  for (const [what, handler, expected] of garbage) {
    server.handle(handler)
    const fresh = jwk.createRemoteKeySet(server.url, options)
    const err = await fresh.reload().then(
      () => assert.fail(`${what} was accepted`),
      (e: unknown) => e,
    )
    assert.equal((err as errors.JOSEError).code, expected, `${what}: ${(err as Error).message}`)
    assert.ok(!messages(err).includes(MARKER), `${what}: the message carries the body`)
    await assert.rejects(
      jwt.decodeAsync(token, fresh, { algorithms: ['ES256'] }),
      code('ERR_JWT_KEYS_UNAVAILABLE'),
    )
    await assert.rejects(kept.reload(), code(expected))
    assert.equal((await jwt.decodeAsync(token, kept, { algorithms: ['ES256'] })).sub, 'u1', what)
  }
})

test('a set exactly at the limit, an empty set, and unknown key types are accepted', async (t) => {
  const body = JSON.stringify(good)
  const server = await serve.startJwksServer(serve.text(body, 200, 'application/jwk-set+json'))
  t.after(() => server.close())
  const exact = jwk.createRemoteKeySet(server.url, { maxResponseBytes: body.length })
  assert.equal((await exact.reload()).size, 1)
  const roomy = jwk.createRemoteKeySet(server.url)
  server.handle(serve.json({ keys: [] }))
  assert.equal((await roomy.reload()).size, 0)
  server.handle(serve.json({ keys: [{ kty: 'future', x: 1 }, k1.toJWK()], extra: true }))
  assert.equal((await roomy.reload()).size, 1)
})

test('redirects are not followed', async (t) => {
  const server = await serve.startJwksServer(serve.json(good))
  t.after(() => server.close())
  for (const status of [301, 302, 303, 307, 308]) {
    server.handle((req, res) =>
      req.url === '/moved'
        ? serve.json(good)(req, res)
        : serve.redirect('/moved', status)(req, res),
    )
    const set = jwk.createRemoteKeySet(server.url)
    await assert.rejects(set.reload(), code('ERR_JWKS_FETCH_FAILED'))
  }
  assert.ok(
    server.requests.every((r) => r.path === '/jwks'),
    'the redirect target was never asked',
  )
})

test('URLs: https, or http on loopback only; no credentials; nothing else', () => {
  const ok = [
    'https://id.example/.well-known/jwks.json',
    'http://localhost:8080/jwks',
    'http://127.0.0.1/jwks',
    'http://127.1.2.3/jwks',
    'http://[::1]:9000/jwks',
    new URL('https://id.example/jwks'),
  ]
  for (const url of ok) assert.ok(jwk.createRemoteKeySet(url) instanceof jwk.RemoteKeySet)
  const refused = [
    'http://id.example/jwks',
    'http://10.0.0.1/jwks',
    'http://localhost.id.example/jwks',
    'ftp://id.example/jwks',
    'file:///etc/jwks.json',
    'data:application/json,{"keys":[]}',
    'https://user:pass@id.example/jwks',
    'not a url',
    '',
    42,
    undefined,
  ]
  for (const url of refused) {
    assert.throws(
      () => jwk.createRemoteKeySet(url as string),
      (err: errors.JOSEError) => err instanceof errors.InvalidOptionsError,
      String(url),
    )
  }
  const internal = jwk.createRemoteKeySet('http://idp.internal/jwks', { insecureAllowHttp: true })
  assert.equal(internal.url, 'http://idp.internal/jwks')
  assert.equal(
    jwk.createRemoteKeySet('https://id.example/jwks#frag').url,
    'https://id.example/jwks',
  )
})

test('options of the wrong shape are refused', () => {
  const url = 'https://id.example/jwks'
  const bad = [
    null,
    'fast',
    { timeout: 0 },
    { timeout: -1 },
    { cacheMaxAge: Infinity },
    { cooldown: '30s' },
    { maxResponseBytes: 0 },
    { fetch: 'curl' },
    { headers: { authorization: 42 } },
    { headers: 'x' },
    { headers: { 'bad name': 'x' } },
    { headers: { 'x-ok': 'line\nbreak' } },
    { now: 5 },
  ]
  for (const options of bad) {
    assert.throws(
      () => jwk.createRemoteKeySet(url, options as never),
      errors.InvalidOptionsError,
      JSON.stringify(options),
    )
  }
})

test('an injected fetch is used, with the caller headers; one that hangs still times out', async () => {
  const seen: { url: string; init: RequestInit }[] = []
  const set = jwk.createRemoteKeySet('https://id.example/jwks', {
    headers: { authorization: 'Bearer api-key' },
    fetch: async (url, init) => {
      seen.push({ url, init })
      return new Response(JSON.stringify(good), { status: 200 })
    },
  })
  const claims = await jwt.decodeAsync(token, set, { algorithms: ['ES256'] })
  assert.equal(claims.sub, 'u1')
  assert.equal(seen.length, 1)
  assert.equal(seen[0]!.url, 'https://id.example/jwks')
  assert.equal(seen[0]!.init.redirect, 'manual')
  const sent = seen[0]!.init.headers as Headers
  assert.equal(sent.get('authorization'), 'Bearer api-key')
  assert.match(String(sent.get('accept')), /jwk-set/)

  const deaf = jwk.createRemoteKeySet('https://id.example/jwks', {
    timeout: 50,
    fetch: () => new Promise<Response>(() => undefined),
  })
  await assert.rejects(deaf.reload(), errors.JWKSTimeoutError)
  const throwing = jwk.createRemoteKeySet('https://id.example/jwks', {
    fetch: () => Promise.reject(new TypeError(`fetch failed ${MARKER}`)),
  })
  await assert.rejects(throwing.reload(), code('ERR_JWKS_FETCH_FAILED'))
})

test('resolve picks keys by kid and algorithm, and checks its arguments', async () => {
  const k2: Key = jwk.generate('ES256', { kid: 'k2' })
  const set = jwk.createRemoteKeySet('https://id.example/jwks', {
    fetch: async () => Response.json({ keys: [k1.toJWK(), k2.toJWK()] }),
  })
  assert.deepEqual(
    (await set.resolve({ kid: 'k2' }, 'ES256')).map((key) => key.kid),
    ['k2'],
  )
  assert.equal((await set.resolve({}, 'ES256')).length, 2)
  assert.equal((await set.resolve({ kid: 'k1' }, 'RS256')).length, 0)
  await assert.rejects(set.resolve({}, 'none'), errors.JWSAlgorithmError)
  await assert.rejects(set.resolve({}, { name: 'none' } as never), errors.JWSAlgorithmError)
  await assert.rejects(set.resolve({}, undefined as never), errors.JWSAlgorithmError)
  await assert.rejects(set.resolve({ kid: 7 }, 'ES256'), errors.JWSError)
})
