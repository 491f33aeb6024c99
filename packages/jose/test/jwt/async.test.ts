import assert from 'node:assert/strict'
import { createHook } from 'node:async_hooks'
import { createHmac, generateKeyPairSync } from 'node:crypto'
import { test } from 'node:test'
import { errors, jwk, jwt } from '../../src/index.js'
import { ALGORITHMS, b64, keyFor, verifyKeyFor } from '../fixtures.js'

const NOW = 1_800_000_000

test('encodeAsync and decodeAsync round-trip with every algorithm, and agree with the sync API', async () => {
  for (const alg of ALGORITHMS) {
    const claims = { sub: 'u1', exp: NOW + 60 }
    const options = { algorithms: [alg], now: NOW }
    const token = await jwt.encodeAsync(claims, keyFor(alg), { algorithm: alg })
    assert.deepEqual(await jwt.decodeAsync(token, verifyKeyFor(alg), options), claims, alg)
    assert.deepEqual(jwt.decode(token, verifyKeyFor(alg), options), claims, alg)
    const syncToken = jwt.encode(claims, keyFor(alg), { algorithm: alg })
    assert.deepEqual(await jwt.decodeAsync(syncToken, verifyKeyFor(alg), options), claims, alg)
    if (/^(HS|RS)/.test(alg)) assert.equal(token, syncToken, `${alg} is deterministic`)
    const verify = jwt.createAsyncVerifier({ key: verifyKeyFor(alg), algorithms: [alg], now: NOW })
    assert.deepEqual(await verify(token), claims, alg)
  }
})

test('asymmetric signatures are made and checked on the thread pool, HMAC inline', async () => {
  const jobs: string[] = []
  const hook = createHook({
    init: (_id, type) => void (type === 'SIGNREQUEST' && jobs.push(type)),
  }).enable()
  try {
    for (const alg of ['RS256', 'PS384', 'ES256', 'EdDSA']) {
      jobs.length = 0
      const token = await jwt.encodeAsync({}, keyFor(alg))
      await jwt.decodeAsync(token, verifyKeyFor(alg), { algorithms: [alg] })
      assert.equal(jobs.length, 2, `${alg}: one signing and one verifying job`)
    }
    jobs.length = 0
    const token = await jwt.encodeAsync({}, keyFor('HS256'))
    await jwt.decodeAsync(token, keyFor('HS256'), { algorithms: ['HS256'] })
    assert.equal(jobs.length, 0)
  } finally {
    hook.disable()
  }
})

// Each case must fail; decodeAsync must fail with the same class and code as decode.
const rsa = verifyKeyFor('RS256')
const hs = keyFor('HS256')
const es = keyFor('ES256')
const esToken = jwt.encode({ sub: 'u' }, es)
const [esHeader, esPayload] = esToken.split('.')
const weak = generateKeyPairSync('rsa', { modulusLength: 1024 })
const hsForged = (() => {
  const input = `${b64({ alg: 'HS256' })}.${b64({ sub: 'admin' })}`
  const pem = rsa.toPEM()
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`
})()
const cases: [string, string, unknown, Record<string, unknown> | null][] = [
  ['alg not in the list', esToken, es.publicKey(), { algorithms: ['RS256'] }],
  ['alg none', jwt.encodeUnsecured({ sub: 'admin' }), hs, { algorithms: ['none'] }],
  ['alg none, HS allowed', jwt.encodeUnsecured({ sub: 'admin' }), hs, { algorithms: ['HS256'] }],
  ['no algorithms for a key without alg', esToken, es.publicKey().toPEM(), {}],
  ['HS256 with the RSA public key', hsForged, rsa.toPEM(), { algorithms: ['HS256', 'RS256'] }],
  ['wrong key type', jwt.encode({}, keyFor('RS256')), es.publicKey(), { algorithms: ['RS256'] }],
  [
    'PS256 with a key bound to RS256',
    jwt.encode({}, keyFor('PS256')),
    rsa,
    { algorithms: ['PS256'] },
  ],
  [
    'a DER-sized ECDSA signature',
    `${esHeader}.${esPayload}.${b64('x'.repeat(72))}`,
    es.publicKey(),
    { algorithms: ['ES256'] },
  ],
  [
    'a changed payload',
    `${esHeader}.${b64({ sub: 'admin' })}.${esToken.split('.')[2]}`,
    es.publicKey(),
    { algorithms: ['ES256'] },
  ],
  ['another key', esToken, jwk.generate('ES256').publicKey(), { algorithms: ['ES256'] }],
  [
    'no kid in the set',
    esToken,
    { keys: [jwk.generate('ES256', { kid: 'x' }).publicKey().toJWK()] },
    { algorithms: ['ES256'] },
  ],
  ['expired', jwt.encode({ exp: NOW }, hs), hs, { algorithms: ['HS256'], now: NOW }],
  ['not yet valid', jwt.encode({ nbf: NOW + 9 }, hs), hs, { algorithms: ['HS256'], now: NOW }],
  [
    'wrong audience',
    jwt.encode({ aud: 'web' }, hs),
    hs,
    { algorithms: ['HS256'], audience: 'api' },
  ],
  ['missing issuer', jwt.encode({}, hs), hs, { algorithms: ['HS256'], issuer: 'https://id' }],
  ['wrong typ', jwt.encode({}, hs), hs, { algorithms: ['HS256'], typ: 'at+jwt' }],
  [
    'unknown crit',
    jwt.encode({}, hs, { headers: { crit: ['x'], x: 1 } as never }),
    hs,
    { algorithms: ['HS256'] },
  ],
  ['garbage', 'garbage', hs, { algorithms: ['HS256'] }],
  ['too long', `${'a'.repeat(70_000)}.b.c`, hs, { algorithms: ['HS256'] }],
  [
    'a weak RSA key',
    jwt.encode({}, weak.privateKey, { algorithm: 'RS256', insecureAllowWeakKeys: true }),
    weak.publicKey,
    { algorithms: ['RS256'] },
  ],
  [
    'a short HMAC secret',
    jwt.encode({}, 'short', { insecureAllowWeakKeys: true }),
    'short',
    { algorithms: ['HS256'] },
  ],
  ['an empty key', esToken, '', { algorithms: ['ES256'] }],
  ['no key', esToken, undefined, { algorithms: ['ES256'] }],
  ['options that are not an object', esToken, es.publicKey(), 'ES256' as never],
  [
    'bad limits',
    esToken,
    es.publicKey(),
    { algorithms: ['ES256'], limits: { maxTokenLength: -1 } },
  ],
]

test('decodeAsync refuses what decode refuses, with the same error', async () => {
  for (const [label, token, key, options] of cases) {
    let expected: errors.JOSEError | undefined
    try {
      jwt.decode(token, key as never, options as never)
    } catch (err) {
      expected = err as errors.JOSEError
    }
    assert.ok(expected instanceof errors.JWTError, `${label}: decode accepted it`)
    await assert.rejects(jwt.decodeAsync(token, key as never, options as never), (err) => {
      assert.ok(err instanceof errors.JWTError, label)
      assert.equal(err.code, expected!.code, `${label}: ${err.message}`)
      assert.equal(err.name, expected!.name, label)
      return true
    })
  }
})

test('weak keys pass only with the insecure opt-out, as in decode', async () => {
  const token = jwt.encode({ a: 1 }, weak.privateKey, {
    algorithm: 'RS256',
    insecureAllowWeakKeys: true,
  })
  const options = { algorithms: ['RS256'], insecureAllowWeakKeys: true }
  assert.equal((await jwt.decodeAsync(token, weak.publicKey, options)).a, 1)
  await assert.rejects(
    jwt.encodeAsync({}, weak.privateKey, { algorithm: 'RS256' }),
    errors.JWTKeyError,
  )
  assert.equal(
    jwt.getUnverifiedClaims(
      await jwt.encodeAsync({ a: 2 }, weak.privateKey, {
        algorithm: 'RS256',
        insecureAllowWeakKeys: true,
      }),
    ).a,
    2,
  )
})

test('encodeAsync refuses what encode refuses, with the same error', async () => {
  const attempts: [string, unknown, unknown, unknown][] = [
    ['a public key', {}, rsa, { algorithm: 'RS256' }],
    ['alg none', {}, hs, { algorithm: 'none' }],
    ['a key of the wrong type', {}, keyFor('ES256'), { algorithm: 'RS256' }],
    ['claims that are not an object', null, hs, {}],
    ['a bad exp', { exp: 'soon' }, hs, {}],
    ['a key set', {}, { keys: [rsa.toJWK()] }, {}],
    ['a short secret', {}, 'short', {}],
  ]
  for (const [label, claims, key, options] of attempts) {
    let expected: errors.JOSEError | undefined
    try {
      jwt.encode(claims as never, key as never, options as never)
    } catch (err) {
      expected = err as errors.JOSEError
    }
    assert.ok(expected instanceof errors.JWTError, `${label}: encode accepted it`)
    await assert.rejects(jwt.encodeAsync(claims as never, key as never, options as never), {
      name: expected.name,
      code: expected.code,
    })
  }
})

test('verifySignature: false reads claims without a key; at_hash is checked', async () => {
  const token = jwt.encode({ sub: 'u', exp: NOW + 5 }, hs)
  const off = { now: NOW, options: { verifySignature: false } }
  assert.equal((await jwt.decodeAsync(token, undefined as never, off)).sub, 'u')
  const bound = await jwt.encodeAsync({}, keyFor('RS256'), { accessToken: 'at-123' })
  const options = { algorithms: ['RS256'], accessToken: 'at-123' }
  assert.ok(await jwt.decodeAsync(bound, rsa, options))
  await assert.rejects(jwt.decodeAsync(bound, rsa, { ...options, accessToken: 'other' }), {
    code: 'ERR_JWT_CLAIMS_INVALID',
  })
})

test('decodeAsync with verifySignature: false still never accepts alg none', async () => {
  const unsecured = jwt.encodeUnsecured({ sub: 'admin' })
  await assert.rejects(
    jwt.decodeAsync(unsecured, undefined as never, { options: { verifySignature: false } }),
    { code: 'ERR_JWT_ALGORITHM_NOT_ALLOWED' },
  )
})

test('createAsyncVerifier: options checked once; key sets by kid; the same errors', async () => {
  const a = jwk.generate('PS256', { kid: 'a' })
  const b = jwk.generate('PS256', { kid: 'b' })
  const verify = jwt.createAsyncVerifier({
    key: { keys: [a.publicKey().toJWK(), b.publicKey().toJWK()] },
    algorithms: ['PS256'],
    audience: 'api',
  })
  assert.equal((await verify(await jwt.encodeAsync({ aud: 'api', who: 'b' }, b))).who, 'b')
  await assert.rejects(
    verify(await jwt.encodeAsync({ aud: 'web' }, a)),
    errors.InvalidAudienceError,
  )
  await assert.rejects(verify(jwt.encode({ aud: 'api' }, jwk.generate('PS256'))), {
    code: 'ERR_JWT_SIGNATURE_INVALID',
  })
  await assert.rejects(verify('a.b.c'), errors.InvalidTokenError)
  const remote = jwk.createRemoteKeySet('https://id.example/jwks')
  for (const bad of [
    null,
    { key: remote },
    { key: remote, algorithms: ['none'] },
    { key: a, algorithms: ['PS256'], options: { verifySignature: false } },
    { key: 'short', algorithms: ['HS256'], leeway: -1 },
  ]) {
    assert.throws(() => jwt.createAsyncVerifier(bad as never), errors.JWTError)
  }
  await assert.rejects(jwt.decodeAsync(esToken, remote), { code: 'ERR_JWT_ALGORITHM_NOT_ALLOWED' })
})
