// The attacks JOSE libraries have shipped, each refused with a typed error: tag and IV tampering,
// key-wrap lengths, the header choosing algorithms or keys, RSA1_5, weak keys, crit, malformed input.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { generateKeyPairSync } from 'node:crypto'
import { errors, jwe, jwk } from '../../src/index.js'
import { aesWrap } from '../../src/algorithms/aes-kw.js'
import { throwsCode } from '../fixtures.js'
import { testBoth } from './implementations.js'
import { keyFor } from './keys.js'
import { flip, tamper } from './tamper.js'

const TEXT = 'attack at dawn'

testBoth(
  'AES-CBC-HMAC: a modified, truncated or padded tag is a wrong tag',
  ({ encrypt, decrypt }) => {
    for (const enc of ['A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512']) {
      const key = keyFor('dir', enc)
      const token = encrypt(TEXT, key)
      const cases = [
        tamper(token, (p) => (p.tag = flip(p.tag))),
        tamper(token, (p) => (p.tag = flip(p.tag, -1))),
        tamper(token, (p) => (p.tag = p.tag.subarray(0, p.tag.length - 1))),
        tamper(token, (p) => (p.tag = Buffer.concat([p.tag, Buffer.alloc(1)]))),
        tamper(token, (p) => (p.tag = Buffer.concat([p.tag, p.tag]))),
        tamper(token, (p) => (p.tag = Buffer.alloc(0))),
        tamper(token, (p) => (p.ciphertext = flip(p.ciphertext, -1))),
        tamper(token, (p) => (p.iv = flip(p.iv))),
        tamper(token, (p) => (p.header.kid = 'x')),
      ]
      const messages = new Set<string>()
      for (const forged of cases) {
        messages.add(throwsCode(() => decrypt(forged, key), 'ERR_JWE_DECRYPTION_FAILED').message)
      }
      assert.equal(messages.size, 1, 'every failure says the same thing')
    }
  },
)

testBoth('AES-GCM: the tag must be 128 bits and the IV 96 bits', ({ encrypt, decrypt }) => {
  const key = keyFor('dir', 'A256GCM')
  const token = encrypt(TEXT, key)
  for (const length of [0, 4, 8, 12, 15, 17, 32]) {
    const forged = tamper(token, (p) => (p.tag = Buffer.alloc(length, 1)))
    throwsCode(() => decrypt(forged, key), 'ERR_JWE_DECRYPTION_FAILED')
  }
  const truncated = tamper(token, (p) => (p.tag = p.tag.subarray(0, 12)))
  throwsCode(() => decrypt(truncated, key), 'ERR_JWE_DECRYPTION_FAILED')
  for (const length of [0, 8, 11, 13, 16]) {
    const forged = tamper(token, (p) => (p.iv = Buffer.alloc(length, 1)))
    throwsCode(() => decrypt(forged, key), 'ERR_JWE_INVALID')
  }
})

testBoth(
  'key wrap: an unwrapped CEK of the wrong length fails like a wrong tag',
  ({ encrypt, decrypt }) => {
    const key = keyFor('A128KW')
    const good = encrypt(TEXT, key, { encryption: 'A128GCM' })
    const wrongTag = tamper(good, (p) => (p.tag = flip(p.tag)))
    // A 32-byte CEK, properly wrapped, under a header that says A128GCM (16 bytes).
    const wrongLength = tamper(good, (p) => {
      p.encryptedKey = aesWrap(key.keyObject, Buffer.alloc(32, 9))
    })
    const a = throwsCode(() => decrypt(wrongTag, key), 'ERR_JWE_DECRYPTION_FAILED')
    const b = throwsCode(() => decrypt(wrongLength, key), 'ERR_JWE_DECRYPTION_FAILED')
    assert.equal(a.message, b.message)
    assert.equal(a.constructor, b.constructor)
    // Wrapped keys that cannot be: empty, short, not a multiple of 8.
    for (const length of [0, 8, 16, 23, 25]) {
      const forged = tamper(good, (p) => (p.encryptedKey = Buffer.alloc(length, 1)))
      throwsCode(() => decrypt(forged, key), 'ERR_JWE_DECRYPTION_FAILED')
    }
    // A dir key of the wrong length never decrypts.
    const dir = encrypt(TEXT, Buffer.alloc(16, 1), { encryption: 'A128GCM' })
    throwsCode(() => decrypt(dir, Buffer.alloc(32, 1)), 'ERR_JWE_DECRYPTION_FAILED')
    throwsCode(
      () => encrypt(TEXT, Buffer.alloc(32, 1), { encryption: 'A128GCM' }),
      'ERR_KEY_INVALID',
    )
  },
)

testBoth(
  'the header never chooses beyond the caller’s lists, nor the key',
  ({ encrypt, decrypt }) => {
    const key = keyFor('A128KW')
    const token = encrypt(TEXT, key, { encryption: 'A128GCM' })
    throwsCode(
      () => decrypt(token, key, { algorithms: ['A256KW'] }),
      'ERR_JWE_ALGORITHM_NOT_ALLOWED',
    )
    throwsCode(
      () => decrypt(token, key, { encryptions: ['A256GCM'] }),
      'ERR_JWE_ALGORITHM_NOT_ALLOWED',
    )
    for (const alg of ['none', 'A128kw', '', 'HS256', 'A128GCM']) {
      const forged = tamper(token, (p) => (p.header.alg = alg))
      throwsCode(() => decrypt(forged, key), 'ERR_JWE_ALGORITHM_NOT_ALLOWED')
    }
    throwsCode(() => decrypt(token, key, { algorithms: ['XYZ'] }), 'ERR_JWE_ALGORITHM_NOT_ALLOWED')
    throwsCode(() => decrypt(token, key, { algorithms: [] }), 'ERR_JWE_ALGORITHM_NOT_ALLOWED')
    // An attacker's key embedded in the header is never used.
    const attacker = jwk.generate('A128KW')
    const withJwk = encrypt(TEXT, attacker, {
      encryption: 'A128GCM',
      headers: { jwk: attacker.toJWK({ private: true }) },
    })
    throwsCode(() => decrypt(withJwk, key), 'ERR_JWE_DECRYPTION_FAILED')
    // The key's type is bound to the algorithm: an RSA key is never a dir secret.
    const rsa = keyFor('RSA-OAEP-256')
    const asDir = tamper(token, (p) => {
      p.header.alg = 'dir'
      p.encryptedKey = Buffer.alloc(0)
    })
    throwsCode(() => decrypt(asDir, rsa, { algorithms: ['dir'] }), 'ERR_JWE_DECRYPTION_FAILED')
    throwsCode(
      () => decrypt(asDir, rsa.toPEM({ private: true }), { algorithms: ['dir'] }),
      'ERR_JWE_DECRYPTION_FAILED',
    )
  },
)

testBoth(
  'a key bound to one algorithm refuses the others (Wycheproof WrongCipher, Pkcs15WithOaepKey)',
  ({ encrypt, decrypt }) => {
    const gcmkw = jwk.construct(
      { kty: 'oct', k: Buffer.alloc(16, 3).toString('base64url') },
      'A128GCMKW',
    )
    const asKw = encrypt(TEXT, Buffer.alloc(16, 3), { algorithm: 'A128KW' })
    throwsCode(
      () => decrypt(asKw, gcmkw, { algorithms: ['A128KW', 'A128GCMKW'] }),
      'ERR_JWE_DECRYPTION_FAILED',
    )
    const oaep = keyFor('RSA-OAEP')
    const pkcs1 = tamper(encrypt(TEXT, oaep.publicKey()), (p) => (p.header.alg = 'RSA1_5'))
    throwsCode(
      () => decrypt(pkcs1, oaep, { algorithms: ['RSA1_5', 'RSA-OAEP'] }),
      'ERR_JWE_DECRYPTION_FAILED',
    )
    // use and key_ops.
    const sig = jwk.construct({ kty: 'oct', k: Buffer.alloc(16).toString('base64url'), use: 'sig' })
    throwsCode(() => encrypt(TEXT, sig, { algorithm: 'A128KW' }), 'ERR_KEY_INVALID')
    const ops = jwk.construct({
      kty: 'oct',
      k: Buffer.alloc(16).toString('base64url'),
      key_ops: ['wrapKey'],
    })
    const wrapped = encrypt(TEXT, ops, { algorithm: 'A128KW' })
    throwsCode(() => decrypt(wrapped, ops), 'ERR_JWE_DECRYPTION_FAILED')
    // A public key cannot decrypt.
    const rsaToken = encrypt(TEXT, oaep.publicKey())
    throwsCode(() => decrypt(rsaToken, oaep.publicKey()), 'ERR_JWE_DECRYPTION_FAILED')
  },
)

testBoth('RSA1_5 is off by default, never encrypts, and fails closed', ({ encrypt, decrypt }) => {
  const rsa = jwk.generate({ kty: 'RSA' })
  const token = tamper(encrypt(TEXT, rsa.publicKey(), { algorithm: 'RSA-OAEP' }), (p) => {
    p.header.alg = 'RSA1_5'
  })
  throwsCode(() => decrypt(token, rsa), 'ERR_JWE_ALGORITHM_NOT_ALLOWED')
  throwsCode(() => encrypt(TEXT, rsa.publicKey(), { algorithm: 'RSA1_5' }), 'ERR_KEY_INVALID')
  // Named: either this runtime says it cannot (typed), or bad padding is a wrong tag.
  const err = attemptCode(() => decrypt(token, rsa, { algorithms: ['RSA1_5'] }))
  assert.ok(['ERR_JWE_UNSUPPORTED', 'ERR_JWE_DECRYPTION_FAILED'].includes(err), err)
})

testBoth('weak RSA keys are refused unless insecureAllowWeakKeys', ({ encrypt, decrypt }) => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
  throwsCode(() => encrypt(TEXT, publicKey, { algorithm: 'RSA-OAEP' }), 'ERR_KEY_INVALID')
  const token = encrypt(TEXT, publicKey, { algorithm: 'RSA-OAEP', insecureAllowWeakKeys: true })
  throwsCode(() => decrypt(token, privateKey), 'ERR_KEY_INVALID')
  assert.equal(decrypt(token, privateKey, { insecureAllowWeakKeys: true }).toString(), TEXT)
})

testBoth(
  'crit: only protected, only understood, never registered names',
  ({ encrypt, decrypt }) => {
    const key = keyFor('dir', 'A256GCM')
    const token = encrypt(TEXT, key, { headers: { crit: ['exp'], exp: 1 } })
    throwsCode(() => decrypt(token, key), 'ERR_JWE_INVALID')
    assert.equal(decrypt(token, key, { crit: ['exp'] }).toString(), TEXT)
    for (const crit of [[], ['enc'], ['missing'], 'exp', ['exp', 'exp']]) {
      const forged = tamper(token, (p) => (p.header.crit = crit))
      throwsCode(() => decrypt(forged, key, { crit: ['exp', 'missing'] }), 'ERR_JWE_INVALID')
    }
    throwsCode(() => decrypt(token, key, { crit: ['enc'] }), 'ERR_JOSE_INVALID_OPTIONS')
  },
)

testBoth('malformed compact tokens are JWEErrors', ({ encrypt, decrypt }) => {
  const key = keyFor('dir', 'A256GCM')
  const token = encrypt(TEXT, key)
  const [h, k, iv, c, t] = token.split('.')
  for (const bad of [
    '',
    'a.b.c',
    `${h}.${k}.${iv}.${c}`,
    `${token}.`,
    `${h}.${k}.${iv}.${c}.${t}=`,
    `${h}.${k}.${iv}.${c}.${t}+`,
    `e30.${k}.${iv}.${c}.${t}`,
    `.${k}.${iv}.${c}.${t}`,
    `${Buffer.from('[1]').toString('base64url')}.${k}.${iv}.${c}.${t}`,
    'x'.repeat(70_000),
    JSON.stringify({ protected: h, iv, ciphertext: c, tag: t }),
  ]) {
    assert.throws(() => decrypt(bad, key), errors.JWEError)
  }
  assert.throws(() => decrypt(42 as never, key), errors.JWEError)
  assert.throws(() => jwe.getUnverifiedHeader('a.b'), errors.JWEError)
})

testBoth('no error message carries the key, the plaintext or the token', ({ encrypt, decrypt }) => {
  const key = keyFor('A128KW')
  const secret = key.toJWK({ private: true }).k!
  const token = encrypt(TEXT, key)
  const segments = token.split('.').filter((s) => s.length > 8)
  const forged = [
    tamper(token, (p) => (p.tag = flip(p.tag))),
    tamper(token, (p) => (p.header.alg = 'A256KW')),
    tamper(token, (p) => (p.iv = Buffer.alloc(3))),
    token.slice(0, -3),
  ]
  for (const bad of forged) {
    try {
      decrypt(bad, key)
      assert.fail('decrypted a forged token')
    } catch (err) {
      const message = (err as Error).message
      for (const leak of [secret, TEXT, ...segments]) assert.ok(!message.includes(leak), message)
    }
  }
})

function attemptCode(fn: () => unknown): string {
  try {
    fn()
    return 'decrypted'
  } catch (err) {
    return String((err as { code?: string }).code)
  }
}
