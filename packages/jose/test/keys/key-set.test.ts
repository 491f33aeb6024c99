import assert from 'node:assert/strict'
import type { KeyObject } from 'node:crypto'
import { test } from 'node:test'
import { jwe, jwk, jws, jwt, KeySet, type JWK } from '../../src/index.js'
import { keyFor, rsaPair, throwsCode } from '../fixtures.js'

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

// An RSA key under 2048 bits, still in a set beside strong keys (a server that publishes an old key
// alongside its new one, say): skipped as a candidate, whatever the order, and named as the reason
// only when every candidate was too weak.
test('a key too weak to use is skipped in a set, whatever its place; alone, it is the reason', async () => {
  const weak = rsaPair(1024)
  const strong = rsaPair(2048)
  const jwkOf = (key: KeyObject) => key.export({ format: 'jwk' }) as JWK
  const token = jwt.encode({ sub: 'u1' }, strong.privateKey, { algorithm: 'RS256' })
  const signedWeak = jwt.encode({ sub: 'u2' }, weak.privateKey, {
    algorithm: 'RS256',
    insecureAllowWeakKeys: true,
  })
  for (const keys of [
    [jwkOf(weak.publicKey), jwkOf(strong.publicKey)],
    [jwkOf(strong.publicKey), jwkOf(weak.publicKey)],
  ]) {
    const set = { keys }
    const options = { algorithms: ['RS256'] }
    assert.equal(jwt.decode(token, set, options).sub, 'u1')
    assert.equal(jwt.createVerifier({ key: set, ...options })(token).sub, 'u1')
    assert.equal((await jwt.decodeAsync(token, set, options)).sub, 'u1')
    assert.equal(JSON.parse(jws.verify(token, set, ['RS256']).toString()).sub, 'u1')
    // The weak key signed this one: no usable key verifies it, a signature failure.
    throwsCode(() => jwt.decode(signedWeak, set, options), 'ERR_JWT_SIGNATURE_INVALID')
    // With the opt-out, the weak key is a candidate again.
    const insecure = { ...options, insecureAllowWeakKeys: true }
    assert.equal(jwt.decode(signedWeak, set, insecure).sub, 'u2')
  }
  const onlyWeak = { keys: [jwkOf(weak.publicKey)] }
  throwsCode(() => jwt.decode(token, onlyWeak, { algorithms: ['RS256'] }), 'ERR_JWT_KEY_INVALID')
  await assert.rejects(jwt.decodeAsync(token, onlyWeak, { algorithms: ['RS256'] }), {
    code: 'ERR_JWT_KEY_INVALID',
  })

  const sealed = jwe.encrypt('secret', strong.publicKey, {
    algorithm: 'RSA-OAEP-256',
    encryption: 'A256GCM',
  })
  for (const keys of [
    [jwkOf(weak.privateKey), jwkOf(strong.privateKey)],
    [jwkOf(strong.privateKey), jwkOf(weak.privateKey)],
  ]) {
    const options = { algorithms: ['RSA-OAEP-256'] }
    assert.equal(jwe.decrypt(sealed, { keys }, options).toString(), 'secret')
    assert.equal(
      jwe
        .createDecrypter({ key: { keys }, ...options })(sealed)
        .toString(),
      'secret',
    )
  }
  throwsCode(
    () => jwe.decrypt(sealed, { keys: [jwkOf(weak.privateKey)] }, { algorithms: ['RSA-OAEP-256'] }),
    'ERR_KEY_INVALID',
  )
})
