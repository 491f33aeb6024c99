import assert from 'node:assert/strict'
import { test } from 'node:test'
import { jwk, jwt, KeySet } from '../../src/index.js'
import { keyFor, throwsCode } from '../fixtures.js'

test('a key set picks the key by kid, then by algorithm', () => {
  const a = jwk.generate('ES256', { kid: 'a' })
  const b = jwk.generate('ES256', { kid: 'b' })
  const r = jwk.generate('RS256', { kid: 'r' })
  const set = new jwk.KeySet({ keys: [a.toJWK(), b.toJWK(), r.toJWK()] })
  assert.equal(set.size, 3)
  for (const key of [a, b, r]) {
    const token = jwt.encode({ who: key.kid }, key)
    assert.equal(jwt.decode(token, set, { algorithms: ['ES256', 'RS256'] }).who, key.kid)
  }
  // Without a kid, each usable key is tried.
  const noKid = jwt.encode({ who: 'b' }, b, { headers: { kid: undefined } })
  assert.equal(jwt.getUnverifiedHeader(noKid).kid, undefined)
  assert.equal(jwt.decode(noKid, set, { algorithms: ['ES256'] }).who, 'b')
  // An unknown kid finds no key.
  const stranger = jwt.encode({ who: 'x' }, jwk.generate('ES256', { kid: 'x' }))
  throwsCode(
    () => jwt.decode(stranger, set, { algorithms: ['ES256'] }),
    'ERR_JWT_SIGNATURE_INVALID',
  )
  assert.equal(set.get('a').length, 1)
  assert.deepEqual(
    set.toJWKS().keys.map((k) => k.kid),
    ['a', 'b', 'r'],
  )
  assert.equal(set.toJWKS().keys[0]!.d, undefined)
})

test('algorithms default to the alg of every key in the set', () => {
  const a = jwk.generate('ES256', { kid: 'a' })
  const set = new KeySet({ keys: [a.toJWK()] })
  assert.equal(jwt.decode(jwt.encode({ x: 1 }, a), set).x, 1)
  const bare = new KeySet({ keys: [{ ...a.toJWK(), alg: undefined }] })
  throwsCode(() => jwt.decode(jwt.encode({ x: 1 }, a), bare), 'ERR_JWT_ALGORITHM_NOT_ALLOWED')
})

test('keys whose use or key_ops forbid verification are never chosen', () => {
  const a = jwk.generate('ES256', { kid: 'a' })
  const token = jwt.encode({ x: 1 }, a)
  for (const extra of [{ use: 'enc' }, { key_ops: ['encrypt'] }]) {
    const set = new KeySet({ keys: [{ ...a.toJWK(), alg: undefined, ...extra }] })
    throwsCode(() => jwt.decode(token, set, { algorithms: ['ES256'] }), 'ERR_JWT_SIGNATURE_INVALID')
  }
})

test('sets that invite confusion are refused', () => {
  const hs = jwk.generate('HS256', { kid: 'h' }).toJWK({ private: true })
  const es = keyFor('ES256').toJWK()
  throwsCode(() => new KeySet({ keys: [hs, es] }), 'ERR_JWK_INVALID')
  throwsCode(() => new KeySet({ keys: [hs, { ...hs }] }), 'ERR_JWK_INVALID')
  throwsCode(
    () => new KeySet({ keys: [es, { kty: 'EC', crv: 'P-256', x: 'bad' }] }),
    'ERR_JWK_INVALID',
  )
  throwsCode(() => new KeySet({ keys: 'nope' } as never), 'ERR_JWK_INVALID')
  throwsCode(() => new KeySet({ keys: Array(1001).fill(es) }), 'ERR_JWK_INVALID')
  // Keys of a type this library does not know are skipped, not fatal.
  const set = new KeySet({ keys: [es, { kty: 'AKP', alg: 'ML-DSA-44', pub: 'AA' }] })
  assert.equal(set.size, 1)
})
