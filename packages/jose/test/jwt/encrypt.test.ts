// Encrypted JWTs: claims as a JWE, and signed-then-encrypted (nested, cty "JWT").
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errors, jwe, jwk, jws, jwt } from '../../src/index.js'
import { throwsCode } from '../fixtures.js'

const NOW = 1_700_000_000
const recipient = jwk.generate('RSA-OAEP-256')
const issuer = jwk.generate('ES256')
const claims = { sub: 'u1', aud: 'api', iss: 'https://id.example', exp: NOW + 60 }
const checks = { audience: 'api', issuer: 'https://id.example', now: NOW }

test('claims encrypted to a key come back after every claim check', () => {
  const token = jwt.encrypt(claims, recipient.publicKey(), { encryption: 'A256GCM' })
  assert.deepEqual(jwe.getUnverifiedHeader(token), {
    alg: 'RSA-OAEP-256',
    enc: 'A256GCM',
    typ: 'JWT',
    kid: recipient.kid,
  })
  const options = { algorithms: ['RSA-OAEP-256'], encryptions: ['A256GCM'], ...checks }
  assert.deepEqual(jwt.decrypt(token, recipient, options), claims)
  throwsCode(() => jwt.decrypt(token, recipient, { ...options, now: NOW + 61 }), 'ERR_JWT_EXPIRED')
  throwsCode(
    () => jwt.decrypt(token, recipient, { ...options, audience: 'other' }),
    'ERR_JWT_AUDIENCE_INVALID',
  )
  throwsCode(
    () => jwt.decrypt(token, recipient, { ...options, typ: 'at+jwt' }),
    'ERR_JWT_MALFORMED',
  )
  // Dates become NumericDates, as in jwt.encode.
  const dated = jwt.encrypt({ exp: new Date((NOW + 5) * 1000) }, 'asecret128bitkey', {
    algorithm: 'dir',
    encryption: 'A128GCM',
  })
  assert.equal(jwt.decrypt(dated, 'asecret128bitkey', { now: NOW }).exp, NOW + 5)
})

test('signed then encrypted: cty JWT outside, jwt.encode inside, verified with verifyWith', () => {
  const token = jwt.encrypt(claims, recipient.publicKey(), {
    encryption: 'A256GCM',
    zip: 'DEF',
    signWith: { key: issuer, algorithm: 'ES256', headers: { kid: 'iss-1' } },
  })
  const header = jwe.getUnverifiedHeader(token)
  assert.equal(header.cty, 'JWT')
  const inner = jwe.decrypt(token, recipient).toString()
  assert.equal(jws.getUnverifiedHeader(inner).kid, 'iss-1')
  const options = {
    algorithms: ['RSA-OAEP-256'],
    verifyWith: { key: issuer.publicKey(), algorithms: ['ES256'] },
    ...checks,
  }
  assert.deepEqual(jwt.decrypt(token, recipient, options), claims)
  // The inner token's claims are checked too, and its signature with the verifyWith key only.
  throwsCode(() => jwt.decrypt(token, recipient, { ...options, now: NOW + 61 }), 'ERR_JWT_EXPIRED')
  const stranger = jwk.generate('ES256').publicKey()
  throwsCode(
    () =>
      jwt.decrypt(token, recipient, {
        ...options,
        verifyWith: { key: stranger, algorithms: ['ES256'] },
      }),
    'ERR_JWT_SIGNATURE_INVALID',
  )
  throwsCode(
    () =>
      jwt.decrypt(token, recipient, {
        ...options,
        verifyWith: { key: issuer.publicKey(), algorithms: ['RS256'] },
      }),
    'ERR_JWT_ALGORITHM_NOT_ALLOWED',
  )
  // verifySignature: false never skips the inner signature.
  throwsCode(
    () =>
      jwt.decrypt(token, recipient, {
        ...options,
        verifyWith: { key: stranger, algorithms: ['ES256'] },
        options: { verifySignature: false },
      }),
    'ERR_JWT_SIGNATURE_INVALID',
  )
})

test('a nested JWT without verifyWith is refused: unverified claims are never returned', () => {
  const token = jwt.encrypt(claims, recipient.publicKey(), {
    signWith: { key: issuer, algorithm: 'ES256' },
  })
  throwsCode(() => jwt.decrypt(token, recipient, checks), 'ERR_JWT_MALFORMED')
  // And a JWE that merely holds a JWS without saying so is not a claims object.
  const sneaky = jwe.encrypt(jwt.encode(claims, issuer), recipient.publicKey())
  throwsCode(() => jwt.decrypt(sneaky, recipient, checks), 'ERR_JWT_MALFORMED')
  // verifyWith on a JWE that holds claims is refused too.
  const plain = jwt.encrypt(claims, recipient.publicKey())
  throwsCode(
    () =>
      jwt.decrypt(plain, recipient, {
        ...checks,
        verifyWith: { key: issuer.publicKey(), algorithms: ['ES256'] },
      }),
    'ERR_JWT_MALFORMED',
  )
  throwsCode(
    () => jwt.encrypt(claims, recipient.publicKey(), { headers: { cty: 'JWT' } }),
    'ERR_JWT_INVALID',
  )
})

test('everything jwt.decrypt and jwt.encrypt throw is a JWTError, re-typed from the JWE layer', () => {
  const key = jwk.generate('A256KW')
  const token = jwt.encrypt(claims, key)
  const [h, k, iv, c, t] = token.split('.') as [string, string, string, string, string]
  const flipped = `${h}.${k}.${iv}.${c}.${t.startsWith('A') ? 'B' : 'A'}${t.slice(1)}`
  const cases: [() => unknown, string, typeof errors.JWTError][] = [
    [
      () => jwt.decrypt(flipped, key, checks),
      'ERR_JWT_DECRYPTION_FAILED',
      errors.JWTDecryptionError,
    ],
    [
      () => jwt.decrypt(token, key, { ...checks, algorithms: ['A128KW'] }),
      'ERR_JWT_ALGORITHM_NOT_ALLOWED',
      errors.InvalidAlgorithmError,
    ],
    [() => jwt.decrypt('a.b.c', key), 'ERR_JWT_MALFORMED', errors.InvalidTokenError],
    [() => jwt.decrypt(token, '', checks), 'ERR_JWT_KEY_INVALID', errors.JWTKeyError],
    [() => jwt.decrypt(token, key, { maxPbes2Count: -1 }), 'ERR_JWT_INVALID', errors.JWTError],
    [
      () => jwt.encrypt(claims, key, { algorithm: 'RSA1_5' }),
      'ERR_JWT_KEY_INVALID',
      errors.JWTKeyError,
    ],
    [() => jwt.encrypt({ exp: 'soon' }, key), 'ERR_JWT_CLAIMS_INVALID', errors.JWTClaimsError],
    [
      () => jwt.encrypt(claims, key, { algorithm: 'nope' }),
      'ERR_JWT_ALGORITHM_NOT_ALLOWED',
      errors.InvalidAlgorithmError,
    ],
  ]
  for (const [fn, code, kind] of cases) throwsCode(fn, code, kind)
  const rsa15 = jwt.encrypt(claims, recipient.publicKey())
  const asRsa15 = rsa15.replace(
    rsa15.split('.')[0]!,
    Buffer.from(JSON.stringify({ alg: 'RSA1_5', enc: 'A256GCM' })).toString('base64url'),
  )
  const err = (() => {
    try {
      jwt.decrypt(asRsa15, jwk.generate({ kty: 'RSA' }), { algorithms: ['RSA1_5'] })
    } catch (e) {
      return e
    }
    return undefined
  })()
  assert.ok(err instanceof errors.JWTError)
  assert.ok(
    ['ERR_JWT_UNSUPPORTED', 'ERR_JWT_DECRYPTION_FAILED'].includes((err as errors.JWTError).code),
  )
})
