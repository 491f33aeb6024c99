import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errors, jwk, jwt } from '../../src/index.js'
import { ALGORITHMS, keyFor, throwsCode, verifyKeyFor } from '../fixtures.js'

const NOW = 1_800_000_000

test('createSigner and createVerifier round-trip with every algorithm', () => {
  for (const alg of ALGORITHMS) {
    const sign = jwt.createSigner({
      key: keyFor(alg),
      algorithm: alg,
      issuer: 'https://id.example',
      audience: 'api',
      expiresIn: 900,
      now: NOW,
    })
    const verify = jwt.createVerifier({
      key: verifyKeyFor(alg),
      algorithms: [alg],
      issuer: 'https://id.example',
      audience: 'api',
      now: NOW,
    })
    const claims = verify(sign({ sub: 'u1' }))
    assert.deepEqual(claims, {
      iss: 'https://id.example',
      aud: 'api',
      iat: NOW,
      exp: NOW + 900,
      sub: 'u1',
    })
    // The compiled path and jwt.decode agree.
    assert.deepEqual(
      jwt.decode(sign({ sub: 'u1' }), verifyKeyFor(alg), {
        algorithms: [alg],
        audience: 'api',
        issuer: 'https://id.example',
        now: NOW,
      }),
      claims,
    )
  }
})

test('signer options: headers, notBefore, jti, noTimestamp, and per-call overrides', () => {
  const sign = jwt.createSigner({
    key: keyFor('EdDSA'),
    headers: { typ: 'at+jwt' },
    notBefore: 5,
    jti: true,
    now: NOW,
  })
  const token = sign({ sub: 'u', exp: new Date((NOW + 60) * 1000) })
  const claims = jwt.getUnverifiedClaims(token)
  assert.equal(claims.nbf, NOW + 5)
  assert.equal(claims.exp, NOW + 60)
  assert.match(String(claims.jti), /^[0-9a-f-]{36}$/)
  assert.notEqual(jwt.getUnverifiedClaims(sign()).jti, claims.jti)
  assert.equal(jwt.getUnverifiedHeader(token).typ, 'at+jwt')
  assert.equal(jwt.getUnverifiedHeader(token).kid, keyFor('EdDSA').kid)
  const bare = jwt.createSigner({ key: keyFor('EdDSA'), noTimestamp: true, jti: () => 'fixed' })
  assert.deepEqual(jwt.getUnverifiedClaims(bare({ a: 1 })), { jti: 'fixed', a: 1 })
  throwsCode(() => sign('x' as never), 'ERR_JWT_CLAIMS_INVALID')
  throwsCode(() => sign({ exp: 'soon' }), 'ERR_JWT_CLAIMS_INVALID')
  throwsCode(() => sign({ big: 1n }), 'ERR_JWT_CLAIMS_INVALID')
})

test('bad signer and verifier options fail at creation with JWTErrors', () => {
  const bad: (() => unknown)[] = [
    () => jwt.createSigner(null as never),
    () => jwt.createSigner({ key: 'short', algorithm: 'HS256' }),
    () => jwt.createSigner({ key: keyFor('ES256').publicKey(), algorithm: 'ES256' }),
    () => jwt.createSigner({ key: keyFor('ES256'), algorithm: 'RS256' }),
    () => jwt.createSigner({ key: keyFor('ES256'), expiresIn: -1 }),
    () => jwt.createSigner({ key: keyFor('ES256'), jti: 'yes' as never }),
    () => jwt.createSigner({ key: keyFor('ES256'), issuer: 7 as never }),
    () => jwt.createVerifier(undefined as never),
    () => jwt.createVerifier({ key: jwk.generate({ kty: 'EC', crv: 'P-256' }) }),
    () => jwt.createVerifier({ key: 'a-long-enough-secret-string-for-hs256!!' }),
    () => jwt.createVerifier({ key: keyFor('ES256'), algorithms: ['RS256'] }),
    () => jwt.createVerifier({ key: 'short', algorithms: ['HS256'] }),
    () => jwt.createVerifier({ key: keyFor('ES256'), algorithms: ['none'] }),
    () => jwt.createVerifier({ key: keyFor('ES256'), algorithms: ['ES256'], cache: -1 }),
    () => jwt.createVerifier({ key: keyFor('ES256'), options: { verifySignature: false } }),
  ]
  for (const attempt of bad) assert.throws(attempt, (err) => err instanceof errors.JWTError)
})

test('the verifier refuses what decode refuses', () => {
  const verify = jwt.createVerifier({ key: verifyKeyFor('ES256'), algorithms: ['ES256'], now: NOW })
  const other = jwt.encode({ exp: NOW + 9 }, jwk.generate('ES256'))
  throwsCode(() => verify(other), 'ERR_JWT_SIGNATURE_INVALID')
  throwsCode(() => verify(jwt.encode({ exp: NOW }, keyFor('ES256'))), 'ERR_JWT_EXPIRED')
  throwsCode(() => verify(jwt.encode({}, keyFor('HS256'))), 'ERR_JWT_ALGORITHM_NOT_ALLOWED')
  throwsCode(() => verify(jwt.encodeUnsecured({})), 'ERR_JWT_ALGORITHM_NOT_ALLOWED')
  for (const bad of ['', 'a.b', 'a.b.c.d', 42, null, `${'a'.repeat(70_000)}.b.c`]) {
    assert.throws(
      () => verify(bad as never),
      (err) => err instanceof errors.InvalidTokenError,
    )
  }
  const good = jwt.encode({ exp: NOW + 9 }, keyFor('ES256'))
  const [h, p, s] = good.split('.')
  throwsCode(() => verify(`${h}.${p}=.${s}`), 'ERR_JWT_MALFORMED')
  throwsCode(() => verify(`${h}.${p}.${s}=`), 'ERR_JWT_SIGNATURE_INVALID')
})

test('the verifier works with a key set and picks keys by kid', () => {
  const a = jwk.generate('EdDSA', { kid: 'a' })
  const b = jwk.generate('EdDSA', { kid: 'b' })
  const verify = jwt.createVerifier({
    key: { keys: [a.toJWK(), b.toJWK()] },
    algorithms: ['EdDSA'],
  })
  assert.equal(verify(jwt.encode({ who: 'a' }, a)).who, 'a')
  assert.equal(verify(jwt.encode({ who: 'b' }, b)).who, 'b')
  throwsCode(
    () => verify(jwt.encode({}, jwk.generate('EdDSA', { kid: 'c' }))),
    'ERR_JWT_SIGNATURE_INVALID',
  )
})

test('the cache never returns a token past exp or before nbf', () => {
  let now = NOW
  const verify = jwt.createVerifier({
    key: verifyKeyFor('HS256'),
    algorithms: ['HS256'],
    cache: 10,
    now: () => now,
  })
  const token = jwt.encode({ nbf: NOW, exp: NOW + 10 }, keyFor('HS256'))
  const first = verify(token)
  assert.equal(verify(token), first, 'a hit returns the cached claims')
  assert.ok(Object.isFrozen(first), 'cached claims are frozen, since calls share them')
  now = NOW + 10
  throwsCode(() => verify(token), 'ERR_JWT_EXPIRED')
  now = NOW - 1
  throwsCode(() => verify(token), 'ERR_JWT_NOT_YET_VALID')
  now = NOW + 5
  assert.equal(verify(token).exp, NOW + 10)
})

test('the cache honours maxTokenAge and is bounded', () => {
  let now = NOW
  const verify = jwt.createVerifier({
    key: verifyKeyFor('HS256'),
    algorithms: ['HS256'],
    cache: 2,
    maxTokenAge: 30,
    now: () => now,
  })
  const tokens = [1, 2, 3].map((n) => jwt.encode({ n, iat: NOW }, keyFor('HS256')))
  const claims = tokens.map((t) => verify(t))
  assert.notEqual(verify(tokens[0]!), claims[0], 'the oldest entry was evicted')
  assert.equal(verify(tokens[2]!), claims[2])
  now = NOW + 31
  throwsCode(() => verify(tokens[2]!), 'ERR_JWT_EXPIRED')
})

test('a modified token never hits the cache', () => {
  const verify = jwt.createVerifier({
    key: verifyKeyFor('HS256'),
    algorithms: ['HS256'],
    cache: true,
  })
  const token = jwt.encode({ role: 'user' }, keyFor('HS256'))
  verify(token)
  const [h, , s] = token.split('.')
  const forged = `${h}.${Buffer.from('{"role":"admin"}').toString('base64url')}.${s}`
  throwsCode(() => verify(forged), 'ERR_JWT_SIGNATURE_INVALID')
})
