import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errors, jwk, jwt } from '../../src/index.js'
import { ALGORITHMS, b64, keyFor, throwsCode, verifyKeyFor } from '../fixtures.js'

const NOW = 1_800_000_000
const key = keyFor('HS256')
const encode = (claims: Record<string, unknown>, headers?: Record<string, unknown>) =>
  jwt.encode(claims, key, { headers })
const decode = (token: string, options: Parameters<typeof jwt.decode>[2] = {}) =>
  jwt.decode(token, key, { algorithms: ['HS256'], now: NOW, ...options })

test('encode and decode round-trip with every algorithm', () => {
  for (const alg of ALGORITHMS) {
    const token = jwt.encode({ sub: 'u1', exp: NOW + 60 }, keyFor(alg), { algorithm: alg })
    assert.deepEqual(jwt.decode(token, verifyKeyFor(alg), { algorithms: [alg], now: NOW }), {
      sub: 'u1',
      exp: NOW + 60,
    })
    assert.equal(jwt.getUnverifiedHeader(token).typ, 'JWT')
  }
})

test('Dates become NumericDates on encode; decode needs numbers', () => {
  const token = encode({ exp: new Date((NOW + 90) * 1000 + 999), iat: new Date(NOW * 1000) })
  assert.deepEqual(jwt.getUnverifiedClaims(token), { exp: NOW + 90, iat: NOW })
  for (const claim of ['exp', 'nbf', 'iat']) {
    throwsCode(() => encode({ [claim]: 'tomorrow' }), 'ERR_JWT_CLAIMS_INVALID')
    throwsCode(() => encode({ [claim]: new Date(NaN) }), 'ERR_JWT_CLAIMS_INVALID')
    throwsCode(() => encode({ [claim]: Infinity }), 'ERR_JWT_CLAIMS_INVALID')
    const forged = signRaw({ [claim]: String(NOW) })
    throwsCode(() => decode(forged), 'ERR_JWT_CLAIMS_INVALID', errors.JWTClaimsError)
  }
})

// Signs a payload object without encode's own checks, to test what decode does with bad claims.
function signRaw(payload: unknown, header: Record<string, unknown> = { alg: 'HS256' }): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${key.sign(input).toString('base64url')}`
}

test('exp, nbf and leeway', () => {
  throwsCode(() => decode(encode({ exp: NOW })), 'ERR_JWT_EXPIRED', errors.ExpiredSignatureError)
  throwsCode(() => decode(encode({ exp: NOW - 1 })), 'ERR_JWT_EXPIRED')
  assert.ok(decode(encode({ exp: NOW - 1 }), { leeway: 5 }))
  assert.ok(decode(encode({ exp: NOW + 1 })))
  throwsCode(
    () => decode(encode({ nbf: NOW + 1 })),
    'ERR_JWT_NOT_YET_VALID',
    errors.ImmatureSignatureError,
  )
  assert.ok(decode(encode({ nbf: NOW + 1 }), { leeway: 1 }))
  assert.ok(decode(encode({ nbf: NOW })))
  assert.ok(decode(encode({ exp: NOW - 1 }), { options: { verifyExp: false } }))
  assert.ok(decode(encode({ nbf: NOW + 9 }), { options: { verifyNbf: false } }))
  assert.ok(decode(encode({ exp: NOW + 1 }), { now: new Date(NOW * 1000) }))
  throwsCode(() => decode(encode({}), { leeway: -1 }), 'ERR_JWT_INVALID')
  throwsCode(() => decode(encode({}), { now: 'today' as never }), 'ERR_JWT_INVALID')
  const expired = errors.ExpiredSignatureError.prototype
  assert.ok(expired instanceof errors.JWTClaimsError)
})

test('maxTokenAge needs iat and bounds the age', () => {
  throwsCode(() => decode(encode({}), { maxTokenAge: 60 }), 'ERR_JWT_CLAIM_MISSING')
  throwsCode(() => decode(encode({ iat: NOW - 61 }), { maxTokenAge: 60 }), 'ERR_JWT_EXPIRED')
  assert.ok(decode(encode({ iat: NOW - 60 }), { maxTokenAge: 60 }))
})

test('audience: string or list, required when given, refused when not asked for', () => {
  assert.ok(decode(encode({ aud: 'api' }), { audience: 'api' }))
  assert.ok(decode(encode({ aud: ['x', 'api'] }), { audience: 'api' }))
  assert.ok(decode(encode({ aud: 'api' }), { audience: ['web', 'api'] }))
  throwsCode(() => decode(encode({ aud: 'web' }), { audience: 'api' }), 'ERR_JWT_AUDIENCE_INVALID')
  throwsCode(() => decode(encode({ aud: [] }), { audience: 'api' }), 'ERR_JWT_AUDIENCE_INVALID')
  // python-jose issue 407: a missing aud must not pass when an audience is expected.
  throwsCode(
    () => decode(encode({}), { audience: 'api' }),
    'ERR_JWT_CLAIM_MISSING',
    errors.MissingClaimError,
  )
  // As python-jose: a token for an audience is refused by a caller who names none.
  throwsCode(() => decode(encode({ aud: 'api' })), 'ERR_JWT_AUDIENCE_INVALID')
  assert.ok(decode(encode({ aud: 'api' }), { options: { verifyAud: false } }))
  throwsCode(() => decode(signRaw({ aud: 7 }), { audience: 'api' }), 'ERR_JWT_CLAIMS_INVALID')
  throwsCode(
    () => decode(signRaw({ aud: ['api', 7] }), { audience: 'api' }),
    'ERR_JWT_CLAIMS_INVALID',
  )
  throwsCode(() => decode(encode({}), { audience: [] }), 'ERR_JWT_INVALID')
  throwsCode(() => decode(encode({}), { audience: 7 as never }), 'ERR_JWT_INVALID')
})

test('issuer and subject are required when given', () => {
  assert.ok(decode(encode({ iss: 'a' }), { issuer: ['a', 'b'] }))
  throwsCode(() => decode(encode({ iss: 'c' }), { issuer: ['a', 'b'] }), 'ERR_JWT_ISSUER_INVALID')
  throwsCode(() => decode(encode({}), { issuer: 'a' }), 'ERR_JWT_CLAIM_MISSING')
  throwsCode(() => decode(signRaw({ iss: 1 })), 'ERR_JWT_CLAIMS_INVALID')
  assert.ok(decode(encode({ sub: 'u' }), { subject: 'u' }))
  throwsCode(() => decode(encode({ sub: 'v' }), { subject: 'u' }), 'ERR_JWT_SUBJECT_INVALID')
  throwsCode(() => decode(encode({}), { subject: 'u' }), 'ERR_JWT_CLAIM_MISSING')
  throwsCode(() => decode(signRaw({ sub: 1 })), 'ERR_JWT_CLAIMS_INVALID')
  throwsCode(() => decode(signRaw({ jti: 1 })), 'ERR_JWT_CLAIMS_INVALID')
  assert.ok(decode(signRaw({ jti: 1 }), { options: { verifyJti: false } }))
})

test('require switches make claims mandatory', () => {
  for (const claim of ['aud', 'iat', 'exp', 'nbf', 'iss', 'sub', 'jti', 'at_hash']) {
    const name = `require${claim === 'at_hash' ? 'AtHash' : claim[0]!.toUpperCase() + claim.slice(1)}`
    const err = throwsCode(
      () => decode(encode({}), { options: { [name]: true } }),
      'ERR_JWT_CLAIM_MISSING',
    ) as errors.MissingClaimError
    assert.equal(err.claim, claim)
  }
  throwsCode(
    () => decode(encode({}), { options: { requireExp: 'yes' as never } }),
    'ERR_JWT_INVALID',
  )
})

test('at_hash is checked against the access token, per algorithm', () => {
  const accessToken = 'an-access-token'
  for (const alg of ['HS256', 'RS384', 'ES512', 'EdDSA', 'Ed448']) {
    const token = jwt.encode({ sub: 'u' }, keyFor(alg), { accessToken })
    const options = { algorithms: [alg], now: NOW }
    assert.ok(jwt.decode(token, verifyKeyFor(alg), { ...options, accessToken }), alg)
    throwsCode(
      () => jwt.decode(token, verifyKeyFor(alg), { ...options, accessToken: 'another' }),
      'ERR_JWT_CLAIMS_INVALID',
    )
    throwsCode(() => jwt.decode(token, verifyKeyFor(alg), options), 'ERR_JWT_CLAIMS_INVALID')
  }
  // The OpenID Connect example: at_hash for RS256 is the left half of SHA-256.
  const known = jwt.encode({}, keyFor('RS256'), {
    accessToken: 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y',
  })
  assert.equal(jwt.getUnverifiedClaims(known).at_hash, '77QmUPtjPfzWtF2AnpK9RQ')
  assert.ok(decode(encode({}), { accessToken: 'unused' }))
})

test('typ is compared as RFC 7515 says', () => {
  const token = encode({}, { typ: 'at+jwt' })
  assert.ok(decode(token, { typ: 'at+jwt' }))
  assert.ok(decode(token, { typ: 'application/AT+JWT' }))
  throwsCode(() => decode(token, { typ: 'JWT' }), 'ERR_JWT_MALFORMED')
  throwsCode(() => decode(encode({}, { typ: undefined }), { typ: 'JWT' }), 'ERR_JWT_MALFORMED')
  // Case-insensitive in ASCII only: U+212A KELVIN SIGN lower-cases to "k" in Unicode, not here.
  const kelvin = encode({}, { typ: '\u212Ab+jwt' })
  throwsCode(() => decode(kelvin, { typ: 'kb+jwt' }), 'ERR_JWT_MALFORMED')
  assert.ok(decode(kelvin, { typ: '\u212Ab+JWT' }))
  assert.ok(decode(encode({}, { typ: 'KB+JWT' }), { typ: 'kb+jwt' }))
  throwsCode(() => decode(token, { typ: 42 as never }), 'ERR_JWT_INVALID')
})

test('verifySignature: false reads claims without a key', () => {
  const token = encode({ sub: 'u', exp: NOW + 5 })
  assert.equal(
    jwt.decode(token, undefined as never, { now: NOW, options: { verifySignature: false } }).sub,
    'u',
  )
  throwsCode(
    () =>
      jwt.decode(token, undefined as never, { now: NOW + 10, options: { verifySignature: false } }),
    'ERR_JWT_EXPIRED',
  )
})

test('verifySignature: false still never accepts alg none', () => {
  const unsecured = jwt.encodeUnsecured({ sub: 'admin' })
  const shouting = `${b64({ alg: 'NONE' })}.${b64({ sub: 'admin' })}.`
  for (const token of [unsecured, shouting]) {
    for (const key of ['k'.repeat(32), undefined, null, '']) {
      for (const algorithms of [undefined, ['HS256']]) {
        throwsCode(
          () =>
            jwt.decode(token, key as never, { algorithms, options: { verifySignature: false } }),
          'ERR_JWT_ALGORITHM_NOT_ALLOWED',
        )
      }
    }
  }
  assert.equal(jwt.decodeUnsecured(unsecured).sub, 'admin')
})

test('the payload must be a JSON object within the limits', () => {
  for (const payload of ['[1]', '"text"', '42', 'null', '{bad']) {
    throwsCode(() => decode(signRaw(payload)), 'ERR_JWT_MALFORMED', errors.InvalidTokenError)
  }
  let deep: unknown = 1
  for (let i = 0; i < 25; i++) deep = [deep]
  throwsCode(() => decode(encode({ deep })), 'ERR_JWT_MALFORMED')
  assert.ok(decode(encode({ deep }), { limits: { maxJsonDepth: 40 } }))
})

test('everything decode throws is a JWTError', () => {
  const token = encode({ a: 1 })
  const attempts: (() => unknown)[] = [
    () => jwt.decode('garbage', key, { algorithms: ['HS256'] }),
    () => jwt.decode(token, key.toJWK({ private: true }).k as string, {}),
    () => jwt.decode(token, key, { algorithms: ['RS256'] }),
    () => jwt.decode(token, 'wrong-secret-wrong-secret-wrong-secret!', { algorithms: ['HS256'] }),
    () => jwt.decode(token, 'short', { algorithms: ['HS256'] }),
    () => jwt.decode(token, { kty: 'oct' }, { algorithms: ['HS256'] }),
    () => jwt.decode(token, keyFor('RS256').publicKey(), { algorithms: ['HS256'] }),
    () => jwt.decode(token, key, { algorithms: ['HS256'], limits: { maxTokenLength: -1 } }),
    () => jwt.encode(null as never, key),
    () => jwt.encode({}, 'short'),
    () => jwt.encode({}, key, { algorithm: 'RS256' }),
    () => jwt.getUnverifiedClaims('x.y.z'),
    () => jwt.getUnverifiedHeader(42 as never),
  ]
  for (const attempt of attempts) {
    assert.throws(attempt, (err) => err instanceof errors.JWTError)
  }
})

test('null options mean no options, as python-jose takes None', () => {
  const token = encode({ a: 1 })
  assert.equal(jwt.decode(token, key, null as never).a, 1)
  assert.ok(jwt.encode({ a: 1 }, key, null as never))
  throwsCode(() => jwt.decode(token, key, 'fast' as never), 'ERR_JWT_INVALID')
})

test('a key bound to an algorithm supplies the allow-list', () => {
  const bound = jwk.construct(keyFor('ES384').toJWK(), 'ES384')
  const token = jwt.encode({ x: 1 }, keyFor('ES384'))
  assert.equal(jwt.decode(token, bound).x, 1)
  throwsCode(
    () => jwt.decode(token, keyFor('ES384').publicKey().toPEM()),
    'ERR_JWT_ALGORITHM_NOT_ALLOWED',
  )
})
