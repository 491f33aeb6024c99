// jwk.generate for JWE names, and Key for encryption: X25519 and X448 keys, and the checks of
// Key.unusableForEncryption.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { jwe, jwk } from '../../src/index.js'
import {
  getContentEncryptionAlgorithm,
  getKeyManagementAlgorithm,
} from '../../src/algorithms/registry.js'
import { throwsCode } from '../fixtures.js'

test('jwk.generate makes the key each JWE name needs, bound to it', () => {
  const sizes: [string, number][] = [
    ['A128GCM', 128],
    ['A192GCM', 192],
    ['A256GCM', 256],
    ['A128CBC-HS256', 256],
    ['A192CBC-HS384', 384],
    ['A256CBC-HS512', 512],
    ['A128KW', 128],
    ['A192KW', 192],
    ['A256KW', 256],
    ['A128GCMKW', 128],
    ['A256GCMKW', 256],
  ]
  for (const [name, bits] of sizes) {
    const key = jwk.generate(name as 'A128KW')
    assert.equal(key.kty, 'oct', name)
    assert.equal(key.size, bits, name)
    assert.equal(key.alg, name)
  }
  for (const name of ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW'] as const) {
    const key = jwk.generate(name)
    assert.equal(key.crv, 'P-256')
    assert.equal(key.alg, name)
    assert.equal(key.kid, key.thumbprint())
  }
  const rsa = jwk.generate('RSA-OAEP-256')
  assert.equal(rsa.size, 2048)
  assert.equal(rsa.alg, 'RSA-OAEP-256')
  for (const name of ['dir', 'RSA1_5', 'PBES2-HS256+A128KW']) {
    throwsCode(() => jwk.generate(name as 'A128KW'), 'ERR_JWK_INVALID')
  }
})

test('X25519 and X448 keys import, export, and encrypt', () => {
  for (const crv of ['X25519', 'X448'] as const) {
    const key = jwk.generate({ kty: 'OKP', crv })
    assert.equal(key.kty, 'OKP')
    assert.equal(key.crv, crv)
    const publicJwk = key.publicKey().toJWK()
    assert.deepEqual(Object.keys(publicJwk).sort(), ['crv', 'kid', 'kty', 'x'])
    const again = jwk.construct(key.toJWK({ private: true }))
    assert.equal(again.thumbprint(), key.thumbprint())
    const token = jwe.encrypt('hi', publicJwk, { algorithm: 'ECDH-ES+A256KW' })
    assert.equal(jwe.decrypt(token, again, { algorithms: ['ECDH-ES+A256KW'] }).toString(), 'hi')
    // Never a signing key.
    throwsCode(() => jwk.construct(publicJwk, 'EdDSA'), 'ERR_JWK_INVALID')
  }
})

test('Key.unusableForEncryption says why a key cannot serve an algorithm', () => {
  const alg = (name: string) => getKeyManagementAlgorithm(name)!
  const enc = (name: string) => getContentEncryptionAlgorithm(name)!
  const a128 = jwk.construct({ kty: 'oct', k: Buffer.alloc(16).toString('base64url') })
  assert.equal(a128.unusableForEncryption(alg('A128KW'), enc('A256GCM'), 'decrypt'), undefined)
  assert.match(a128.unusableForEncryption(alg('A256KW'), enc('A256GCM'), 'decrypt')!, /32-byte/)
  assert.match(a128.unusableForEncryption(alg('dir'), enc('A256GCM'), 'decrypt')!, /32-byte/)
  assert.equal(a128.unusableForEncryption(alg('dir'), enc('A128GCM'), 'decrypt'), undefined)
  assert.match(a128.unusableForEncryption(alg('RSA-OAEP'), enc('A128GCM'), 'decrypt')!, /RSA/)
  const bound = jwk.generate('A128GCM')
  assert.equal(bound.unusableForEncryption(alg('dir'), enc('A128GCM'), 'encrypt'), undefined)
  assert.match(bound.unusableForEncryption(alg('A128KW'), enc('A128GCM'), 'encrypt')!, /bound/)
  const ec = jwk.generate('ECDH-ES')
  assert.match(
    ec.publicKey().unusableForEncryption(alg('ECDH-ES'), enc('A128GCM'), 'decrypt')!,
    /public/,
  )
  assert.match(
    jwk.generate('ES256').unusableForEncryption(alg('ECDH-ES'), enc('A128GCM'), 'encrypt')!,
    /bound/,
  )
  const ed = jwk.generate({ kty: 'OKP', crv: 'Ed25519' })
  assert.match(ed.unusableForEncryption(alg('ECDH-ES'), enc('A128GCM'), 'encrypt')!, /Ed25519/)
  const rsa = jwk.generate('RSA-OAEP')
  assert.match(rsa.unusableForEncryption(alg('RSA1_5'), enc('A128GCM'), 'decrypt')!, /bound/)
  const unboundRsa = jwk.construct(rsa.toPEM({ private: true }))
  assert.match(
    unboundRsa.unusableForEncryption(alg('RSA1_5'), enc('A128GCM'), 'encrypt')!,
    /legacy/,
  )
  const signing = jwk.construct({
    kty: 'oct',
    k: Buffer.alloc(16).toString('base64url'),
    use: 'sig',
  })
  assert.match(signing.unusableForEncryption(alg('A128KW'), enc('A128GCM'), 'encrypt')!, /use/)
  const ops = jwk.construct({
    kty: 'oct',
    k: Buffer.alloc(16).toString('base64url'),
    key_ops: ['unwrapKey'],
  })
  assert.equal(ops.unusableForEncryption(alg('A128KW'), enc('A128GCM'), 'decrypt'), undefined)
  assert.match(ops.unusableForEncryption(alg('A128KW'), enc('A128GCM'), 'encrypt')!, /key_ops/)
})
