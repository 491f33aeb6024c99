// No input, however malformed, makes JWE decryption throw anything but a JOSEError (jwt.decrypt:
// a JWTError), and no modified token ever decrypts.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { test } from 'node:test'
import fc from 'fast-check'
import { errors, jwe, jwt, type Key } from '../../src/index.js'
import { oddValue } from '../fixtures.js'
import { PASSWORD, curveKey, keyFor } from './keys.js'

const RUNS = Math.ceil(Number(process.env.TESSERA_PROPERTY_RUNS ?? 1500) / 3)
const CLAIMS = { sub: 'u', aud: 'api', exp: 2_000_000_000 }

/** The kinds of token under test: an encryption key, a decryption key and the options. */
const KINDS: { alg: string; enc: string; send: Key | string; open: Key | string }[] = [
  { alg: 'dir', enc: 'A128GCM', send: keyFor('dir', 'A128GCM'), open: keyFor('dir', 'A128GCM') },
  { alg: 'A128KW', enc: 'A128CBC-HS256', send: keyFor('A128KW'), open: keyFor('A128KW') },
  { alg: 'A256GCMKW', enc: 'A256GCM', send: keyFor('A256GCMKW'), open: keyFor('A256GCMKW') },
  { alg: 'ECDH-ES', enc: 'A256GCM', send: curveKey('P-256').publicKey(), open: curveKey('P-256') },
  {
    alg: 'ECDH-ES+A128KW',
    enc: 'A192GCM',
    send: curveKey('X25519').publicKey(),
    open: curveKey('X25519'),
  },
  {
    alg: 'RSA-OAEP-256',
    enc: 'A256CBC-HS512',
    send: keyFor('RSA-OAEP-256').publicKey(),
    open: keyFor('RSA-OAEP-256'),
  },
  { alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', send: PASSWORD, open: PASSWORD },
]
const ALL_ALGS = KINDS.map((kind) => kind.alg)

const validTokens = KINDS.map(({ alg, enc, send }) =>
  jwt.encrypt(CLAIMS, send, { algorithm: alg, encryption: enc, zip: 'DEF', p2c: 1000 }),
)
const validJson = KINDS.map(({ alg, enc, send }) =>
  jwe.encryptJSON('plaintext', [{ key: send, algorithm: alg }], {
    encryption: enc,
    aad: 'a',
    p2c: 1000,
  }),
)

const chars = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u200b\u00ff',
)

const mutatedToken = fc
  .tuple(
    fc.nat({ max: validTokens.length - 1 }),
    fc.array(
      fc.tuple(fc.constantFrom('replace', 'insert', 'delete', 'truncate', 'swap'), fc.nat(), chars),
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
    return { token, index }
  })

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url')
const headerValue = fc.oneof(fc.jsonValue(), fc.string(), fc.integer(), fc.base64String())
const assembledHeader = fc.record(
  {
    alg: fc.constantFrom(...ALL_ALGS, 'RSA1_5', 'none', 'A999KW', ''),
    enc: fc.constantFrom('A128GCM', 'A256GCM', 'A128CBC-HS256', 'A256CBC-HS512', 'X'),
    zip: fc.constantFrom('DEF', 'GZIP', 1),
    epk: fc.oneof(
      headerValue,
      fc.record({
        kty: fc.constantFrom('EC', 'OKP', 'RSA'),
        crv: fc.constantFrom('P-256', 'X25519', 'P-384'),
        x: fc.base64String(),
        y: fc.base64String(),
      }),
    ),
    p2c: fc.oneof(fc.integer({ min: -5, max: 12_000 }), headerValue),
    p2s: fc.oneof(fc.base64String(), headerValue),
    iv: headerValue,
    tag: headerValue,
    apu: headerValue,
    crit: fc.array(fc.string()),
    kid: headerValue,
    cty: fc.constantFrom('JWT', 'jwt', 'application/jwt', 'x'),
  },
  { requiredKeys: ['alg', 'enc'] },
)
const assembledToken = fc
  .tuple(
    fc.oneof(fc.jsonValue(), assembledHeader),
    fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 4, maxLength: 4 }),
  )
  .map(([header, parts]) =>
    [b64(header), ...parts.map((p) => Buffer.from(p).toString('base64url'))].join('.'),
  )

const anyToken = fc.oneof(
  mutatedToken.map((m) => m.token),
  assembledToken,
  fc.string(),
  fc.anything(),
)

const anyJson = fc.oneof(
  fc
    .tuple(
      fc.nat({ max: validJson.length - 1 }),
      fc.constantFrom(
        'protected',
        'unprotected',
        'recipients',
        'header',
        'encrypted_key',
        'aad',
        'iv',
        'ciphertext',
        'tag',
      ),
      fc.anything(),
    )
    .map(([index, member, value]) => ({ ...validJson[index], [member]: value })),
  fc.tuple(fc.nat({ max: validJson.length - 1 }), fc.anything()).map(([index, value]) => ({
    ...validJson[index],
    recipients: [{ header: value, encrypted_key: 'AAAA' }, ...(validJson[index]!.recipients ?? [])],
  })),
  fc.record({
    protected: fc.oneof(fc.string(), assembledHeader.map(b64)),
    unprotected: fc.oneof(fc.jsonValue(), assembledHeader),
    recipients: fc.array(
      fc.record({
        header: fc.oneof(fc.jsonValue(), assembledHeader),
        encrypted_key: fc.base64String(),
      }),
      { maxLength: 3 },
    ),
    iv: fc.base64String(),
    ciphertext: fc.base64String(),
    tag: fc.base64String(),
  }),
  fc.string(),
  fc.anything(),
)

function onlyJoseErrors(fn: () => unknown, kind: typeof errors.JOSEError = errors.JOSEError): void {
  try {
    fn()
  } catch (err) {
    if (!(err instanceof kind) || err.message.startsWith('internal error')) throw err
  }
}

test('decrypting any token throws only JOSEErrors (and JWTErrors from jwt.decrypt)', () => {
  fc.assert(
    fc.property(anyToken, fc.nat({ max: KINDS.length - 1 }), (token, index) => {
      const { open } = KINDS[index]!
      const options = { algorithms: ALL_ALGS, audience: 'api' }
      onlyJoseErrors(() => jwe.decrypt(token as string, open, options))
      onlyJoseErrors(() => jwe.decrypt(token as string, open))
      onlyJoseErrors(() => jwe.getUnverifiedHeader(token as string))
      onlyJoseErrors(() => jwt.decrypt(token as string, open, options), errors.JWTError)
      onlyJoseErrors(
        () =>
          jwt.decrypt(token as string, open, {
            ...options,
            verifyWith: { key: open, algorithms: ['HS256'] },
          }),
        errors.JWTError,
      )
    }),
    { numRuns: RUNS },
  )
})

test('decrypting any JSON serialization throws only JOSEErrors', () => {
  fc.assert(
    fc.property(anyJson, fc.nat({ max: KINDS.length - 1 }), (json, index) => {
      onlyJoseErrors(() =>
        jwe.decryptJSON(json as never, KINDS[index]!.open, { algorithms: ALL_ALGS }),
      )
      onlyJoseErrors(() => jwe.decryptJSON(JSON.stringify(json) ?? '', KINDS[index]!.open))
    }),
    { numRuns: RUNS },
  )
})

test('a modified token never decrypts', () => {
  fc.assert(
    fc.property(mutatedToken, ({ token, index }) => {
      let decrypted = true
      try {
        jwt.decrypt(token, KINDS[index]!.open, { algorithms: ALL_ALGS, audience: 'api' })
      } catch (err) {
        if (!(err instanceof errors.JWTError)) throw err
        decrypted = false
      }
      if (decrypted) assert.equal(token, validTokens[index], 'a modified token decrypted')
    }),
    { numRuns: RUNS },
  )
})

test('arbitrary options and keys give a result or a JOSEError', () => {
  fc.assert(
    fc.property(
      fc.anything(),
      fc.anything(),
      fc.nat({ max: KINDS.length - 1 }),
      (options, key, index) => {
        const { open, send } = KINDS[index]!
        onlyJoseErrors(() => jwe.decrypt(validTokens[index]!, open, options as never))
        onlyJoseErrors(() => jwe.decrypt(validTokens[index]!, key as never))
        onlyJoseErrors(() => jwe.decryptJSON(validJson[index]!, open, options as never))
        onlyJoseErrors(() => jwe.encrypt('x', send, options as never))
        onlyJoseErrors(() => jwe.encryptJSON('x', [{ key: send, ...(options as object) }]))
        onlyJoseErrors(
          () => jwt.decrypt(validTokens[index]!, open, options as never),
          errors.JWTError,
        )
        onlyJoseErrors(() => jwt.encrypt(CLAIMS, send, options as never), errors.JWTError)
      },
    ),
    { numRuns: RUNS },
  )
})

const oddOptions = fc.dictionary(
  fc.constantFrom('limits', 'algorithms', 'encryptions', 'crit', 'algorithm', 'encryption', 'zip'),
  oddValue,
)

test('odd option values and sparse recipients give a result or a JOSEError', () => {
  fc.assert(
    fc.property(oddOptions, fc.nat({ max: KINDS.length - 1 }), (options, index) => {
      const { open, send } = KINDS[index]!
      const json = validJson[index]!
      onlyJoseErrors(() => jwe.decrypt(validTokens[index]!, open, options as never))
      onlyJoseErrors(() => jwe.decryptJSON(json, open, options as never))
      onlyJoseErrors(() => jwe.createDecrypter({ ...options, key: open } as never))
      onlyJoseErrors(() => jwe.encrypt('x', send, options as never))
      const recipients = json.recipients ?? [{ header: json.header, encrypted_key: 'AAAA' }]
      // eslint-disable-next-line no-sparse-arrays
      for (const sparse of [new Array(2), [, ...recipients], [...recipients, ,]]) {
        onlyJoseErrors(() => jwe.decryptJSON({ ...json, recipients: sparse } as never, open))
      }
    }),
    { numRuns: Math.ceil(RUNS / 5) },
  )
})
