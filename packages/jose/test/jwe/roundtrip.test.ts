// Every key-management algorithm with every content encryption, and ECDH-ES on every curve: what
// jwe.encrypt makes, jwe.decrypt opens, with the header the algorithm needs.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  CONTENT_ENCRYPTION_ALGORITHMS,
  KEY_MANAGEMENT_ALGORITHMS,
  jwe,
  jwk,
  type Key,
} from '../../src/index.js'
import { throwsCode } from '../fixtures.js'
import { CURVES, PASSWORD, curveKey, encryptKeyFor, keyFor } from './keys.js'

const TEXT = 'It’s a dangerous business, Frodo, going out your door. ✓'

test('the python-jose example works as written', () => {
  const token = jwe.encrypt('This is sensitive information', 'asecret128bitkey', {
    algorithm: 'dir',
    encryption: 'A128GCM',
  })
  assert.equal(token.split('.')[1], '', 'dir has no encrypted key')
  assert.deepEqual(jwe.getUnverifiedHeader(token), { alg: 'dir', enc: 'A128GCM' })
  assert.equal(jwe.decrypt(token, 'asecret128bitkey').toString(), 'This is sensitive information')
})

test('every alg with every enc round-trips (RSA1_5 only decrypts), one-shot and compiled', () => {
  let count = 0
  for (const alg of KEY_MANAGEMENT_ALGORITHMS) {
    if (alg === 'RSA1_5') continue
    for (const enc of CONTENT_ENCRYPTION_ALGORITHMS) {
      const pbes2: boolean = alg.startsWith('PBES2')
      const key: Key | string = pbes2 ? PASSWORD : keyFor(alg, enc)
      const options: { algorithms: string[]; encryptions: string[] } = {
        algorithms: [alg],
        encryptions: [enc],
      }
      const sendKey = typeof key === 'string' ? key : encryptKeyFor(key)
      const token = jwe.encrypt(TEXT, sendKey, { algorithm: alg, encryption: enc, kid: 'k1' })
      const header = jwe.getUnverifiedHeader(token)
      assert.equal(header.alg, alg)
      assert.equal(header.enc, enc)
      assert.equal(header.kid, 'k1')
      assert.equal(jwe.decrypt(token, key, options).toString(), TEXT, `${alg} ${enc}`)
      // Bytes in, bytes out.
      const bytes = new Uint8Array([0, 1, 2, 255])
      const binary = jwe.encrypt(bytes, sendKey, { algorithm: alg, encryption: enc })
      assert.deepEqual([...jwe.decrypt(binary, key, options)], [...bytes])
      // The compiled path makes the one-shot path's header (per-token members differ in value
      // only), opens its tokens, and makes tokens it opens; twice, so that the second call of each
      // runs on what the first cached.
      const seal = jwe.createEncrypter({ key: sendKey, algorithm: alg, encryption: enc, kid: 'k1' })
      const open = jwe.createDecrypter({ key, ...options })
      for (let i = 0; i < 2; i++) {
        const compiled = seal(TEXT)
        assert.deepEqual(Object.keys(jwe.getUnverifiedHeader(compiled)), Object.keys(header))
        assert.equal(open(compiled).toString(), TEXT, `${alg} ${enc} compiled`)
        assert.equal(jwe.decrypt(compiled, key, options).toString(), TEXT)
        assert.equal(open(token).toString(), TEXT)
      }
      assert.deepEqual([...open(seal(bytes))], [...bytes])
      count += 1
    }
  }
  assert.equal(count, 18 * 6)
})

test('ECDH-ES and ECDH-ES+A*KW on P-256, P-384, P-521, X25519 and X448', () => {
  for (const { crv } of CURVES) {
    const key = curveKey(crv)
    for (const alg of ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW']) {
      for (const enc of CONTENT_ENCRYPTION_ALGORITHMS) {
        const token = jwe.encrypt(TEXT, key.publicKey(), { algorithm: alg, encryption: enc })
        const { epk } = jwe.getUnverifiedHeader(token) as { epk: Record<string, unknown> }
        assert.equal(epk.crv, crv)
        assert.equal(epk.d, undefined, 'the epk is public')
        const out = jwe.decrypt(token, key, { algorithms: [alg], encryptions: [enc] })
        assert.equal(out.toString(), TEXT, `${alg} ${enc} ${crv}`)
      }
    }
  }
})

test('apu and apv enter the key derivation', () => {
  const key = curveKey('P-256')
  const token = jwe.encrypt(TEXT, key.publicKey(), {
    algorithm: 'ECDH-ES',
    encryption: 'A128GCM',
    headers: { apu: 'QWxpY2U', apv: 'Qm9i' },
  })
  assert.equal(jwe.decrypt(token, key, { algorithms: ['ECDH-ES'] }).toString(), TEXT)
  const [header, ...rest] = token.split('.')
  const changed = { ...JSON.parse(Buffer.from(header!, 'base64url').toString()), apv: 'Qm9j' }
  const forged = [Buffer.from(JSON.stringify(changed)).toString('base64url'), ...rest].join('.')
  throwsCode(
    () => jwe.decrypt(forged, key, { algorithms: ['ECDH-ES'] }),
    'ERR_JWE_DECRYPTION_FAILED',
  )
})

test('defaults: the key decides alg and enc when the options do not', () => {
  const dirKey = jwk.generate('A128CBC-HS256')
  const token = jwe.encrypt(TEXT, dirKey)
  assert.deepEqual(jwe.getUnverifiedHeader(token), { alg: 'dir', enc: 'A128CBC-HS256' })
  assert.equal(jwe.decrypt(token, dirKey).toString(), TEXT)
  const kw = jwk.generate('A256KW', { kid: 'w1' })
  const wrapped = jwe.encrypt(TEXT, kw)
  assert.deepEqual(jwe.getUnverifiedHeader(wrapped), { alg: 'A256KW', enc: 'A256GCM', kid: 'w1' })
  assert.equal(jwe.decrypt(wrapped, kw).toString(), TEXT)
  // An unbound secret of 32 bytes: dir with A256GCM, python-jose's defaults.
  const secret = Buffer.alloc(32, 7)
  assert.equal(jwe.decrypt(jwe.encrypt(TEXT, secret), secret).toString(), TEXT)
})

test('key sets pick the key by kid, then by what can decrypt', () => {
  const a = jwk.generate('A128KW', { kid: 'a' })
  const b = jwk.generate('A128KW', { kid: 'b' })
  const set = new jwk.KeySet([a, b])
  assert.equal(jwe.decrypt(jwe.encrypt(TEXT, b), set).toString(), TEXT)
  const noKid = jwe.encrypt(TEXT, b, { kid: undefined, headers: {} })
  assert.equal(jwe.decrypt(noKid, set).toString(), TEXT)
  const unknownKid = jwe.encrypt(TEXT, b, { kid: 'c' })
  throwsCode(() => jwe.decrypt(unknownKid, set), 'ERR_JWE_DECRYPTION_FAILED')
})

test('zip: DEF compresses, and the header says so', () => {
  const text = 'a'.repeat(10_000)
  const key = keyFor('A128KW')
  const token = jwe.encrypt(text, key, { zip: 'DEF', cty: 'text/plain' })
  assert.deepEqual(jwe.getUnverifiedHeader(token), {
    alg: 'A128KW',
    enc: 'A256GCM',
    zip: 'DEF',
    cty: 'text/plain',
  })
  assert.ok(token.length < 1000, 'compressed')
  assert.equal(jwe.decrypt(token, key).toString(), text)
})
