// jwe.createEncrypter and jwe.createDecrypter: the same tokens as jwe.encrypt, opened the same way
// as jwe.decrypt, with every per-key and per-option step done once. roundtrip.test.ts runs every
// alg and enc through both paths, and the attack tests (attacks-tokens, attacks-limits) run against
// both; these cover what only the compiled path has: reuse of one encrypter or decrypter, its
// header cache, and its errors at compile time.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { jwe, jwk, type Key } from '../../src/index.js'
import { withFixedValues } from '../../src/internal/jwe-fixed.js'
import { throwsCode } from '../fixtures.js'
import { CURVES, PASSWORD, curveKey, keyFor } from './keys.js'
import { flip, tamper } from './tamper.js'

const TEXT = 'It’s a dangerous business, Frodo, going out your door. ✓'

test('ECDH-ES on every curve, and zip', () => {
  for (const { crv } of CURVES) {
    const key = curveKey(crv)
    for (const alg of ['ECDH-ES', 'ECDH-ES+A256KW']) {
      const seal = jwe.createEncrypter({ key: key.publicKey(), algorithm: alg, zip: 'DEF' })
      const open = jwe.createDecrypter({ key, algorithms: [alg] })
      const first = seal(TEXT)
      const second = seal(TEXT)
      assert.notEqual(first.split('.')[0], second.split('.')[0], 'a new epk per token')
      assert.equal(jwe.getUnverifiedHeader(first).zip, 'DEF')
      assert.equal(open(first).toString(), TEXT)
      assert.equal(open(second).toString(), TEXT)
    }
  }
})

test('under fixed values the compiled encrypter makes jwe.encrypt’s tokens byte for byte', () => {
  // [key, options, CEK bytes, IV bytes]
  const cases: [Key | string, Record<string, unknown>, number, number][] = [
    [keyFor('dir', 'A256GCM'), { encryption: 'A256GCM' }, 32, 12],
    [keyFor('dir', 'A128CBC-HS256'), { encryption: 'A128CBC-HS256', cty: 'text/plain' }, 32, 16],
    [keyFor('A256KW'), { encryption: 'A256GCM', zip: 'DEF', headers: { typ: 'x' } }, 32, 12],
    [keyFor('A128GCMKW'), { encryption: 'A192GCM' }, 24, 12],
    [PASSWORD, { algorithm: 'PBES2-HS256+A128KW', p2c: 2000 }, 32, 12],
  ]
  for (const [key, options, cekBytes, ivBytes] of cases) {
    const fixedValues = {
      cek: randomBytes(cekBytes),
      iv: randomBytes(ivBytes),
      p2s: randomBytes(16),
      wrapIv: randomBytes(12),
    }
    const seal = jwe.createEncrypter({ key, ...options })
    const compiled = withFixedValues(fixedValues, () => seal(TEXT))
    const oneShot = withFixedValues(fixedValues, () => jwe.encrypt(TEXT, key, options))
    assert.equal(compiled, oneShot, JSON.stringify(options))
  }
})

test('a reused decrypter refuses forgeries that share the cached header', () => {
  const key = keyFor('dir', 'A256GCM')
  const open = jwe.createDecrypter({ key, algorithms: ['dir'], encryptions: ['A256GCM'] })
  const token = jwe.encrypt(TEXT, key)
  assert.equal(open(token).toString(), TEXT)
  const [h, k, iv, c, t] = token.split('.') as [string, string, string, string, string]
  const forged = [
    tamper(token, (p) => (p.tag = flip(p.tag))),
    tamper(token, (p) => (p.ciphertext = flip(p.ciphertext, -1))),
    tamper(token, (p) => (p.iv = flip(p.iv))),
    tamper(token, (p) => (p.tag = p.tag.subarray(0, 12))),
    `${h}.${k}.${iv}.${c}.${t}=`,
    `${h}.${k}.${iv}.${c}+.${t}`,
    `${h}.AAAA.${iv}.${c}.${t}`,
    `${h}.${k}.${iv}.${c}`,
    `${h}.${k}.${iv}.${c}.${t}.`,
  ]
  for (const bad of forged) {
    const err = assert.throws(() => open(bad))
    void err
    // And the header plan it reused still serves the good token.
    assert.equal(open(token).toString(), TEXT)
  }
  throwsCode(() => open(forged[0]!), 'ERR_JWE_DECRYPTION_FAILED')
  throwsCode(() => open(forged[5]!), 'ERR_JWE_INVALID')
  throwsCode(() => open(forged[6]!), 'ERR_JWE_INVALID')
  // A header the lists do not allow is refused every time, not only the first.
  const other = jwe.encrypt(TEXT, keyFor('dir', 'A128GCM'))
  for (let i = 0; i < 2; i++) throwsCode(() => open(other), 'ERR_JWE_ALGORITHM_NOT_ALLOWED')
})

test('a reused decrypter applies the zip caps and the PBES2 bounds on every token', () => {
  const key = keyFor('A256KW')
  const open = jwe.createDecrypter({ key, maxInflatedBytes: 1000 })
  const seal = jwe.createEncrypter({ key, zip: 'DEF' })
  assert.equal(open(seal('x'.repeat(1000))).length, 1000)
  throwsCode(() => open(seal('x'.repeat(1001))), 'ERR_JWE_LIMIT_EXCEEDED')
  assert.equal(open(seal('x'.repeat(10))).length, 10)
  const pbes2 = jwe.createDecrypter({ key: PASSWORD, algorithms: ['PBES2-HS256+A128KW'] })
  const token = jwe.encrypt(TEXT, PASSWORD, { algorithm: 'PBES2-HS256+A128KW', p2c: 10_001 })
  throwsCode(() => pbes2(token), 'ERR_JWE_LIMIT_EXCEEDED')
  throwsCode(() => pbes2(token), 'ERR_JWE_LIMIT_EXCEEDED')
})

test('key sets: the kid of each header picks the key', () => {
  const a = jwk.generate('A128KW', { kid: 'a' })
  const b = jwk.generate('A128KW', { kid: 'b' })
  const open = jwe.createDecrypter({ key: new jwk.KeySet([a, b]) })
  assert.equal(open(jwe.createEncrypter({ key: a })(TEXT)).toString(), TEXT)
  assert.equal(open(jwe.createEncrypter({ key: b })(TEXT)).toString(), TEXT)
  const unknown = jwe.createEncrypter({ key: b, kid: 'c' })(TEXT)
  throwsCode(() => open(unknown), 'ERR_JWE_DECRYPTION_FAILED')
})

test('options and keys are checked when compiling, not per call', () => {
  const key = keyFor('A128KW')
  throwsCode(() => jwe.createEncrypter(null as never), 'ERR_JOSE_INVALID_OPTIONS')
  throwsCode(() => jwe.createDecrypter('key' as never), 'ERR_JOSE_INVALID_OPTIONS')
  throwsCode(() => jwe.createEncrypter({ key, zip: 'GZIP' as 'DEF' }), 'ERR_JOSE_INVALID_OPTIONS')
  throwsCode(() => jwe.createEncrypter({ key, headers: { crit: ['enc'] } }), 'ERR_JWE_INVALID')
  throwsCode(() => jwe.createEncrypter({ key, algorithm: 'A256KW' }), 'ERR_KEY_INVALID')
  throwsCode(
    () => jwe.createEncrypter({ key, encryption: 'A512GCM' }),
    'ERR_JWE_ALGORITHM_NOT_ALLOWED',
  )
  throwsCode(
    () => jwe.createEncrypter({ key: Buffer.alloc(16), algorithm: 'dir' }),
    'ERR_KEY_INVALID',
  )
  throwsCode(() => jwe.createDecrypter({ key, algorithms: [] }), 'ERR_JWE_ALGORITHM_NOT_ALLOWED')
  throwsCode(() => jwe.createDecrypter({ key, crit: ['enc'] }), 'ERR_JOSE_INVALID_OPTIONS')
  throwsCode(() => jwe.createDecrypter({ key, maxPbes2Count: 0 }), 'ERR_JOSE_INVALID_OPTIONS')
  const seal = jwe.createEncrypter({ key })
  throwsCode(() => seal(42 as never), 'ERR_JOSE_INVALID_OPTIONS')
  const open = jwe.createDecrypter({ key })
  throwsCode(() => open(42 as never), 'ERR_JWE_INVALID')
})
