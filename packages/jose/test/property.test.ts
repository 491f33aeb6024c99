// No input, however malformed, makes the library throw anything but a JOSEError.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { errors, jwk, jws, jwt, Key } from '../src/index.js'
import { keyFor, oddValue, verifyKeyFor } from './fixtures.js'

const ALGS = ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA'] as const
const RUNS = Number(process.env.TESSERA_PROPERTY_RUNS ?? 1500)

// Runs fn; passes if it returns or throws a JOSEError of `kind`, fails on any other throw. jwt.*
// re-types stray exceptions as a JWTError saying "internal error": that is a bug here too.
function onlyJoseErrors(fn: () => unknown, kind: typeof errors.JOSEError = errors.JOSEError): void {
  try {
    fn()
  } catch (err) {
    if (!(err instanceof kind) || err.message.startsWith('internal error')) throw err
  }
}

const validTokens = ALGS.map((alg) =>
  jwt.encode({ sub: 'u', aud: 'api', exp: 2_000_000_000, nested: { a: [1, 2] } }, keyFor(alg)),
)

const base64urlChars = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u200b\u00ff',
)

// A valid token, then a sequence of edits: replace, insert, delete, truncate, swap segments.
const mutatedToken = fc
  .tuple(
    fc.nat({ max: validTokens.length - 1 }),
    fc.array(
      fc.oneof(
        fc.tuple(fc.constant('replace'), fc.nat(), base64urlChars),
        fc.tuple(fc.constant('insert'), fc.nat(), base64urlChars),
        fc.tuple(fc.constant('delete'), fc.nat(), fc.constant('')),
        fc.tuple(fc.constant('truncate'), fc.nat(), fc.constant('')),
        fc.tuple(fc.constant('swap'), fc.nat(), fc.constant('')),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([index, edits]) => {
    let token = validTokens[index]!
    for (const [kind, at, char] of edits) {
      const i = token.length === 0 ? 0 : at % token.length
      if (kind === 'replace') token = token.slice(0, i) + char + token.slice(i + 1)
      else if (kind === 'insert') token = token.slice(0, i) + char + token.slice(i)
      else if (kind === 'delete') token = token.slice(0, i) + token.slice(i + 1)
      else if (kind === 'truncate') token = token.slice(0, i)
      else token = token.split('.').reverse().join('.')
    }
    return token
  })

// A token assembled from arbitrary JSON headers and payloads, with a random signature.
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url')
const assembledToken = fc
  .tuple(
    fc.oneof(
      fc.jsonValue(),
      fc.record({ alg: fc.constantFrom(...ALGS, 'none', 'HS999', ''), kid: fc.string() }),
      fc.record({ alg: fc.constantFrom(...ALGS), crit: fc.array(fc.string()), b64: fc.boolean() }),
    ),
    fc.oneof(
      fc.jsonValue(),
      fc.record({
        exp: fc.oneof(fc.integer(), fc.string(), fc.double()),
        aud: fc.oneof(fc.string(), fc.array(fc.oneof(fc.string(), fc.integer()))),
        at_hash: fc.string(),
      }),
    ),
    fc.uint8Array({ maxLength: 300 }),
  )
  .map(([header, payload, signature]) =>
    [b64(header), b64(payload), Buffer.from(signature).toString('base64url')].join('.'),
  )

const anyToken = fc.oneof(
  mutatedToken,
  assembledToken,
  fc.string(),
  fc.fullUnicodeString(),
  fc.anything(),
)

const verifiers = ALGS.map((alg) =>
  jwt.createVerifier({ key: verifyKeyFor(alg), algorithms: [alg], audience: 'api', cache: 50 }),
)

test('decoding any token throws only JOSEErrors (and JWTErrors from jwt.*)', () => {
  fc.assert(
    fc.property(anyToken, fc.nat({ max: ALGS.length - 1 }), (token, index) => {
      const alg = ALGS[index]!
      const key = verifyKeyFor(alg)
      const jwtOnly = (fn: () => unknown) => onlyJoseErrors(fn, errors.JWTError)
      jwtOnly(() => jwt.decode(token as string, key, { algorithms: [alg], audience: 'api' }))
      jwtOnly(() => jwt.decode(token as string, key, { algorithms: [...ALGS] }))
      jwtOnly(() => verifiers[index]!(token as string))
      jwtOnly(() => jwt.decodeUnsecured(token as string))
      jwtOnly(() => jwt.getUnverifiedClaims(token as string))
      jwtOnly(() => jwt.getUnverifiedHeader(token as string))
      onlyJoseErrors(() => jws.verify(token as string, key, [alg]))
      onlyJoseErrors(() => jws.getUnverifiedHeader(token as string))
      onlyJoseErrors(() => jws.getUnverifiedClaims(token as string))
    }),
    { numRuns: RUNS },
  )
})

test('a mutated token never verifies unless it is the original', () => {
  fc.assert(
    fc.property(mutatedToken, (token) => {
      for (const [index, alg] of ALGS.entries()) {
        let verified = true
        try {
          jwt.decode(token, verifyKeyFor(alg), { algorithms: [alg], audience: 'api' })
        } catch (err) {
          if (!(err instanceof errors.JWTError)) throw err
          verified = false
        }
        if (verified) assert.equal(token, validTokens[index], `a mutated ${alg} token verified`)
      }
    }),
    { numRuns: RUNS },
  )
})

// Arbitrary key material: random JWK-shaped objects, text, bytes and anything at all.
const member = fc.oneof(
  fc.base64String().map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')),
  fc.string(),
  fc.anything(),
)
const anyKey = fc.oneof(
  fc.record(
    {
      kty: fc.constantFrom('RSA', 'EC', 'OKP', 'oct', 'XYZ', ''),
      crv: fc.constantFrom('P-256', 'P-384', 'P-521', 'secp256k1', 'Ed25519', 'X448', 'P-1'),
      x: member,
      y: member,
      d: member,
      n: member,
      e: member,
      k: member,
      alg: fc.constantFrom(...ALGS, 'RSA-OAEP', 'none', 'X'),
      use: fc.constantFrom('sig', 'enc', 'other'),
      key_ops: fc.array(fc.constantFrom('sign', 'verify', 'encrypt', 'fly')),
      kid: member,
    },
    { requiredKeys: ['kty'] },
  ),
  fc.record({ keys: fc.array(fc.anything(), { maxLength: 3 }) }),
  fc.string(),
  fc.uint8Array({ maxLength: 200 }),
  fc.anything(),
)

test('any key material gives a Key or a JOSEError', () => {
  fc.assert(
    fc.property(anyKey, fc.constantFrom(undefined, ...ALGS), (keyData, alg) => {
      onlyJoseErrors(() => jwk.construct(keyData as never, alg))
      onlyJoseErrors(() => new jwk.KeySet(keyData as never))
      onlyJoseErrors(() => jwt.decode(validTokens[0]!, keyData as never, { algorithms: ['HS256'] }))
      onlyJoseErrors(() => jws.sign('payload', keyData as never, { algorithm: alg }))
      onlyJoseErrors(() => jwt.createVerifier({ key: keyData as never, algorithms: [...ALGS] }))
    }),
    { numRuns: RUNS },
  )
})

test('arbitrary options give a result or a JWTError', () => {
  fc.assert(
    fc.property(fc.anything(), fc.anything(), (options, claims) => {
      for (const fn of [
        () => jwt.decode(validTokens[0]!, verifyKeyFor('HS256'), options as never),
        () => jwt.encode(claims as never, keyFor('HS256'), options as never),
        () => jwt.createSigner({ key: keyFor('HS256'), ...(options as object) })(claims as never),
        () => jwt.createVerifier({ key: keyFor('HS256'), ...(options as object) })(validTokens[0]!),
      ]) {
        onlyJoseErrors(fn, errors.JWTError)
      }
    }),
    { numRuns: RUNS },
  )
})

const oddOptions = fc.dictionary(
  fc.constantFrom('limits', 'algorithms', 'algorithm', 'crit', 'options', 'audience', 'typ', 'kid'),
  oddValue,
)

test('odd option values and keys give a result or a JOSEError', () => {
  const key = keyFor('HS256')
  const signedJson = jws.signJSON('x', [{ key }])
  fc.assert(
    fc.property(oddOptions, oddValue, (options, value) => {
      const token = validTokens[0]!
      onlyJoseErrors(() => jws.verify(token, key, value as never, options as never))
      onlyJoseErrors(() => jws.verify(token, key, ['HS256'], options as never))
      onlyJoseErrors(() => jws.verifyJSON(signedJson, key, ['HS256'], options as never))
      onlyJoseErrors(() => jws.sign('x', key, options as never))
      onlyJoseErrors(() => jwt.decode(token, key, options as never), errors.JWTError)
      onlyJoseErrors(() => jwk.construct(key.toJWK({ private: true }), value as never))
      onlyJoseErrors(() => jwk.construct(value as never))
      onlyJoseErrors(() => jwk.generate(value as never))
      onlyJoseErrors(() => new Key(value as never))
      onlyJoseErrors(() => key.toJWK(value as never))
      onlyJoseErrors(() => keyFor('ES256').toPEM(value as never))
    }),
    { numRuns: Math.ceil(RUNS / 5) },
  )
})

test('the known odd shapes are typed errors', () => {
  const key = keyFor('HS256')
  const bound = jwk.construct('k'.repeat(32), 'HS256')
  const token = jws.sign('x', key, { algorithm: 'HS256' })
  const signedJson = jws.signJSON('x', [{ key }])
  const nullProto = Object.create(null) as never
  const codes: [() => unknown, string][] = [
    [
      () => jws.verify(token, key, ['HS256'], { limits: null as never }),
      'ERR_JOSE_INVALID_OPTIONS',
    ],
    [
      () => jws.verifyJSON(signedJson, key, ['HS256'], { limits: null as never }),
      'ERR_JOSE_INVALID_OPTIONS',
    ],
    [() => jwk.construct(bound.toJWK({ private: true }), nullProto), 'ERR_JWK_INVALID'],
    [() => jwk.generate(Symbol('x') as never), 'ERR_JWK_INVALID'],
    [() => new Key(null as never), 'ERR_KEY_INVALID'],
  ]
  for (const [fn, code] of codes) assert.throws(fn, { code })
  // null options mean no options, as everywhere else.
  assert.equal(keyFor('ES256').toJWK(null as never).kty, 'EC')
})

test('JSON nested past the call stack is a typed error, whatever maxJsonDepth allows', () => {
  const depth = 50_000
  const limits = { maxJsonDepth: 100_000, maxTokenLength: 1_000_000, maxHeaderLength: 1_000_000 }
  const deep = '['.repeat(depth) + ']'.repeat(depth)
  const doc = `{"payload":"e30","protected":"eyJhbGciOiJIUzI1NiJ9","signature":"AAAA","x":${deep}}`
  const key = 'k'.repeat(32)
  assert.throws(() => jws.verifyJSON(doc, key, ['HS256'], { limits }), {
    code: 'ERR_JWS_SIGNATURE_INVALID',
  })
  assert.throws(() => jws.verifyJSON(doc, key, ['HS256'], { limits: { maxTokenLength: 1e6 } }), {
    code: 'ERR_JWS_INVALID',
  })
  const header = Buffer.from(`{"alg":"HS256","x":${deep}}`).toString('base64url')
  assert.throws(() => jwt.decode(`${header}.e30.AAAA`, key, { algorithms: ['HS256'], limits }), {
    code: 'ERR_JWT_SIGNATURE_INVALID',
  })
})
