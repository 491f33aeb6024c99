import assert from 'node:assert/strict'
import { test } from 'node:test'
import { jwk } from '../../src/index.js'
import { keyFor, throwsCode } from '../fixtures.js'

const ec = () => ({ ...keyFor('ES256').toJWK() }) as Record<string, unknown>

test('JWK members must be strict base64url of the right length', () => {
  throwsCode(() => jwk.construct({ ...ec(), x: `${ec().x}=` } as never), 'ERR_JWK_INVALID')
  throwsCode(
    () => jwk.construct({ ...ec(), x: String(ec().x).slice(1) } as never),
    'ERR_JWK_INVALID',
  )
  throwsCode(() => jwk.construct({ ...ec(), x: 42 } as never), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.construct({ ...ec(), y: undefined } as never), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.construct({ kty: 'oct', k: 'a+b/' }), 'ERR_JWK_INVALID')
})

test('a point off the curve is refused', () => {
  const key = ec()
  const y = Buffer.from(String(key.y), 'base64url')
  y[31] = y[31]! ^ 1
  throwsCode(
    () => jwk.construct({ ...key, y: y.toString('base64url') } as never),
    'ERR_JWK_INVALID',
  )
})

test('a JWK may not carry the members of another key type', () => {
  const rsa = keyFor('RS256').toJWK()
  throwsCode(() => jwk.construct({ ...rsa, crv: 'P-256' }), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.construct({ ...ec(), n: rsa.n } as never), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.construct({ kty: 'oct', k: 'AAAA', x: 'AAAA' }), 'ERR_JWK_INVALID')
})

test('partial RSA private keys and multi-prime keys are refused', () => {
  const full = keyFor('RS256').toJWK({ private: true })
  const { p: _p, ...partial } = full
  throwsCode(() => jwk.construct(partial as never), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.construct({ ...full, oth: [] }), 'ERR_JWK_INVALID')
})

test('metadata is checked: kid, use, key_ops and alg', () => {
  throwsCode(() => jwk.construct({ ...ec(), kid: 7 } as never), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.construct({ ...ec(), key_ops: ['fly'] } as never), 'ERR_JWK_INVALID')
  throwsCode(
    () => jwk.construct({ ...ec(), key_ops: ['verify', 'verify'] } as never),
    'ERR_JWK_INVALID',
  )
  throwsCode(
    () => jwk.construct({ ...ec(), use: 'sig', key_ops: ['encrypt'] } as never),
    'ERR_JWK_INVALID',
  )
  throwsCode(
    () => jwk.construct({ ...ec(), use: 'enc', key_ops: ['verify'] } as never),
    'ERR_JWK_INVALID',
  )
  throwsCode(() => jwk.construct({ ...ec(), alg: 'ES521' } as never), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.construct({ ...ec(), alg: 'ES384' } as never), 'ERR_JWK_INVALID')
  // An encryption algorithm is a well-formed key that can never sign.
  const enc = jwk.construct({ ...ec(), alg: 'ECDH-ES' } as never)
  assert.equal(enc.alg, 'ECDH-ES')
  const unknown = { kty: 'EC', crv: 'P-192', x: 'AA', y: 'AA' }
  throwsCode(() => jwk.construct(unknown), 'ERR_JWK_INVALID')
})

test('OKP keys of every curve import from JWK', () => {
  for (const crv of ['Ed25519', 'Ed448', 'X25519', 'X448'] as const) {
    const key = jwk.generate({ kty: 'OKP', crv })
    const again = jwk.construct(key.toJWK({ private: true }))
    assert.equal(again.crv, crv)
    assert.equal(again.type, 'private')
    assert.equal(jwk.construct(key.toJWK()).type, 'public')
  }
})
