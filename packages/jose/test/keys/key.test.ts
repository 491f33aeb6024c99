import assert from 'node:assert/strict'
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  type RSAPSSKeyPairKeyObjectOptions,
} from 'node:crypto'
import { test } from 'node:test'
import { errors, jwe, jwk, jws, jwt, Key } from '../../src/index.js'
import { ALGORITHMS, keyFor, rsaPair, throwsCode } from '../fixtures.js'

test('Key.sign and Key.verify work for every algorithm, and refuse a changed message', () => {
  for (const alg of ALGORITHMS) {
    const key = keyFor(alg)
    const signature = key.sign('message')
    const verifier = key.type === 'secret' ? key : key.publicKey()
    assert.equal(verifier.verify('message', signature), true, alg)
    assert.equal(verifier.verify('messagf', signature), false, alg)
    assert.equal(verifier.verify(Buffer.from('message'), signature), true, alg)
    assert.equal(verifier.verify('message', signature.subarray(1)), false, alg)
  }
})

test('an RSA signature must be exactly as long as the modulus: no leading zero stripped', async () => {
  for (const alg of ['RS256', 'PS256'] as const) {
    const key = keyFor(alg)
    // Find a message whose signature starts with a zero byte (1 in 256), which OpenSSL would
    // still accept with that byte removed.
    let message = ''
    let signature: Buffer = Buffer.alloc(0)
    for (let i = 0; signature[0] !== 0; i++) {
      message = `message ${i}`
      signature = key.sign(message)
    }
    const stripped = signature.subarray(1)
    assert.equal(key.publicKey().verify(message, signature), true, alg)
    assert.equal(key.publicKey().verify(message, stripped), false, alg)
    const token = jws.sign(message, key, { algorithm: alg })
    const [header, payload] = token.split('.')
    const forged = `${header}.${payload}.${stripped.toString('base64url')}`
    throwsCode(() => jws.verify(forged, key.publicKey(), [alg]), 'ERR_JWS_SIGNATURE_INVALID')
  }
})

test('a public key cannot sign, and a key without alg says how to bind one', () => {
  throwsCode(() => keyFor('ES256').publicKey().sign('m'), 'ERR_KEY_INVALID')
  const unbound = new Key(generateKeyPairSync('ed25519').privateKey)
  throwsCode(() => unbound.sign('m'), 'ERR_JWK_INVALID')
  assert.equal(
    jwk.construct(unbound, 'EdDSA').verify('m', jwk.construct(unbound, 'EdDSA').sign('m')),
    true,
  )
})

test('toJWK leaves private members out unless asked', () => {
  const key = keyFor('ES256')
  const pub = key.toJWK()
  assert.equal(pub.d, undefined)
  assert.equal(pub.kty, 'EC')
  assert.equal(pub.alg, 'ES256')
  assert.equal(pub.kid, key.kid)
  assert.equal(typeof key.toJWK({ private: true }).d, 'string')
  const rsa = keyFor('RS256').toJWK()
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(rsa[member], undefined)
  throwsCode(() => keyFor('HS256').toJWK(), 'ERR_JWK_INVALID')
  assert.equal(keyFor('HS256').toJWK({ private: true }).kty, 'oct')
})

test('toPEM gives SPKI, or PKCS#8 only when asked', () => {
  const key = keyFor('PS256')
  assert.match(key.toPEM(), /^-----BEGIN PUBLIC KEY-----/)
  assert.match(key.toPEM({ private: true }), /^-----BEGIN PRIVATE KEY-----/)
  assert.match(key.publicKey().toPEM({ private: true }), /^-----BEGIN PUBLIC KEY-----/)
  throwsCode(() => keyFor('HS256').toPEM(), 'ERR_JWK_INVALID')
})

test('round trips: JWK and PEM exports import to the same key', () => {
  for (const alg of ['RS256', 'ES384', 'ES256K', 'EdDSA', 'Ed448']) {
    const key = keyFor(alg)
    const again = jwk.construct(key.toJWK({ private: true }), alg)
    assert.equal(again.thumbprint(), key.thumbprint(), alg)
    assert.equal(jwk.construct(key.toPEM(), alg).thumbprint(), key.thumbprint(), alg)
  }
})

test('thumbprints follow RFC 7638 and ignore kid and alg', () => {
  const rfc7638 = {
    kty: 'RSA',
    n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    e: 'AQAB',
    alg: 'RS256',
    kid: '2011-04-29',
  }
  assert.equal(jwk.construct(rfc7638).thumbprint(), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')
  const { kid: _kid, alg: _alg, ...bare } = rfc7638
  assert.equal(jwk.construct(bare).thumbprint(), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')
  assert.equal(jwk.construct(bare).thumbprint('sha512').length, 86)
  throwsCode(() => jwk.construct(bare).thumbprint('md5' as never), 'ERR_JWK_INVALID')
})

test('generate makes keys bound to and sized for their algorithm', () => {
  assert.equal(jwk.generate('HS256').size, 256)
  assert.equal(jwk.generate('HS512').size, 512)
  assert.equal(keyFor('RS256').size, 2048)
  assert.equal(keyFor('ES512').crv, 'P-521')
  assert.equal(keyFor('EdDSA').crv, 'Ed25519')
  assert.equal(keyFor('Ed448').crv, 'Ed448')
  assert.equal(jwk.generate({ kty: 'EC', crv: 'P-384' }).alg, undefined)
  assert.equal(jwk.generate({ kty: 'OKP', crv: 'X25519' }).crv, 'X25519')
  assert.equal(jwk.generate({ kty: 'oct', size: 384 }).size, 384)
  assert.equal(jwk.generate('ES256', { kid: 'k1' }).kid, 'k1')
  assert.equal(keyFor('ES256').kid, keyFor('ES256').thumbprint())
  throwsCode(() => jwk.generate({ kty: 'RSA', size: 1024 }), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.generate('none' as never), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.generate({ kty: 'EC', crv: 'P-192' as never }), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.generate(null as never), 'ERR_JWK_INVALID')
})

test('construct binds the algorithm and refuses keys of the wrong type', () => {
  const key = jwk.construct(keyFor('ES256').toJWK(), 'ES256')
  assert.equal(key.alg, 'ES256')
  throwsCode(() => jwk.construct(keyFor('ES256').toPEM(), 'ES384'), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.construct(keyFor('ES256').toPEM(), 'HS256'), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.construct(keyFor('ES256').toJWK(), 'RS256'), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.construct('x'.repeat(40), 'ES256'), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.construct(keyFor('ES256').toJWK(), 'ES999'), 'ERR_JWK_INVALID')
  throwsCode(() => jwk.construct({ keys: [] }), 'ERR_JWK_INVALID')
})

test('weak keys are refused with advice, unless the insecure opt-out is named', () => {
  const short = 'x'.repeat(31)
  const err = throwsCode(
    () => jwk.construct(short, 'HS256'),
    'ERR_KEY_INVALID',
    errors.InvalidKeyError,
  )
  assert.match(err.message, /jwk\.generate\('HS256'\)/)
  assert.doesNotMatch(err.message, /xxxx/)
  throwsCode(() => jws.sign('p', short, { algorithm: 'HS256' }), 'ERR_KEY_INVALID')
  throwsCode(() => jws.sign('p', 'x'.repeat(47), { algorithm: 'HS384' }), 'ERR_KEY_INVALID')
  const weak = jwk.construct(short, 'HS256', { insecureAllowWeakKeys: true })
  const token = jws.sign('p', weak)
  assert.equal(jws.verify(token, weak).toString(), 'p')
  throwsCode(() => jws.verify(token, short, ['HS256']), 'ERR_KEY_INVALID')
  assert.equal(jws.verify(token, short, ['HS256'], { insecureAllowWeakKeys: true }).toString(), 'p')

  const small = rsaPair(1024).privateKey
  const rsaErr = throwsCode(() => jwk.construct(small, 'RS256'), 'ERR_KEY_INVALID')
  assert.match(rsaErr.message, /2048/)
  const legacy = jwk.construct(small, 'RS256', { insecureAllowWeakKeys: true })
  assert.equal(legacy.publicKey().verify('m', legacy.sign('m')), true)
})

test('RSA keys with a bad public exponent and unsupported curves are refused', () => {
  const e1 = {
    kty: 'RSA',
    n: keyFor('RS256').toJWK().n,
    e: 'AQ',
  }
  assert.throws(
    () => jwk.construct(e1),
    (err) => err instanceof errors.JOSEError,
  )
  const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).publicKey
  throwsCode(() => new Key(dsa), 'ERR_KEY_INVALID')
  const p224 = generateKeyPairSync('ec', { namedCurve: 'secp224r1' }).publicKey
  throwsCode(() => new Key(p224), 'ERR_KEY_INVALID')
})

// The same RSA key labelled RSASSA-PSS (id-RSASSA-PSS, no parameters) instead of rsaEncryption: a
// plain key's SPKI or PKCS#8 DER with its algorithm identifier swapped, as a PEM tool would write it.
const RSA_ENCRYPTION = Buffer.from('300d06092a864886f70d0101010500', 'hex')
const RSASSA_PSS = Buffer.from('300b06092a864886f70d01010a', 'hex')
function asRsaPss(key: KeyObject): KeyObject {
  const type = key.type === 'private' ? 'pkcs8' : 'spki'
  const der = key.export({ format: 'der', type })
  // A 2048-bit key's SPKI and PKCS#8 are a SEQUENCE with a two-byte length.
  assert.equal(der.readUInt16BE(0), 0x3082)
  const at = der.indexOf(RSA_ENCRYPTION)
  const body = Buffer.concat([
    der.subarray(4, at),
    RSASSA_PSS,
    der.subarray(at + RSA_ENCRYPTION.length),
  ])
  const relabelled = Buffer.concat([Buffer.from([0x30, 0x82]), Buffer.alloc(2), body])
  relabelled.writeUInt16BE(body.length, 2)
  const pss =
    key.type === 'private'
      ? createPrivateKey({ key: relabelled, format: 'der', type: 'pkcs8' })
      : createPublicKey({ key: relabelled, format: 'der', type: 'spki' })
  assert.equal(pss.asymmetricKeyType, 'rsa-pss')
  return pss
}

test('RSA-PSS keys, from PEM or a KeyObject, make and check PS256 signatures', () => {
  const plain = keyFor('PS256')
  const pssPrivate = asRsaPss(plain.keyObject)
  const pssPublic = asRsaPss(plain.publicKey().keyObject)
  const pem = (key: KeyObject) =>
    key.export({ format: 'pem', type: key.type === 'private' ? 'pkcs8' : 'spki' }) as string
  const generated = generateKeyPairSync('rsa-pss', { modulusLength: 2048 })
  const pairs = [
    [pssPrivate, pssPublic],
    [pem(pssPrivate), pem(pssPublic)],
    [generated.privateKey, pem(generated.publicKey)],
  ] as const
  for (const [signWith, verifyWith] of pairs) {
    const token = jws.sign('payload', signWith, { algorithm: 'PS256' })
    assert.equal(jws.verify(token, verifyWith, ['PS256']).toString(), 'payload')
    const claims = jwt.encode({ sub: 'u1' }, signWith, { algorithm: 'PS256' })
    assert.equal(jwt.decode(claims, verifyWith, { algorithms: ['PS256'] }).sub, 'u1')
    const sign = jwt.createSigner({ key: signWith, algorithm: 'PS256' })
    const verify = jwt.createVerifier({ key: verifyWith, algorithms: ['PS256'] })
    assert.equal(verify(sign({ sub: 'u2' })).sub, 'u2')
  }
  // The same RSA key either way: each verifies what the other signed.
  const token = jws.sign('payload', pssPrivate, { algorithm: 'PS512' })
  assert.equal(jws.verify(token, plain.publicKey().keyObject, ['PS512']).toString(), 'payload')
  const byPlain = jws.sign('payload', plain, { algorithm: 'PS256' })
  assert.equal(jws.verify(byPlain, pssPublic, ['PS256']).toString(), 'payload')
  // An RSA-PSS key makes PSS signatures only, and never encrypts.
  throwsCode(() => jws.sign('p', pssPrivate, { algorithm: 'RS256' }), 'ERR_KEY_INVALID')
  throwsCode(() => jwe.encrypt('p', pssPublic, { algorithm: 'RSA-OAEP-256' }), 'ERR_KEY_INVALID')
})

test('an RSA-PSS key exports as the RSA key it holds: the same JWK and thumbprint', () => {
  const plain = new Key(keyFor('PS256').keyObject)
  const pssPrivate = new Key(asRsaPss(plain.keyObject))
  const pssPublic = new Key(asRsaPss(plain.publicKey().keyObject))
  assert.deepEqual(pssPrivate.toJWK({ private: true }), plain.toJWK({ private: true }))
  assert.deepEqual(pssPrivate.toJWK(), plain.toJWK())
  assert.deepEqual(pssPublic.toJWK(), plain.toJWK())
  assert.equal(pssPublic.toJWK().kty, 'RSA')
  for (const hash of ['sha256', 'sha512'] as const) {
    assert.equal(pssPrivate.thumbprint(hash), plain.thumbprint(hash))
    assert.equal(pssPublic.thumbprint(hash), plain.thumbprint(hash))
  }
  assert.equal(pssPublic.thumbprintURI(), plain.thumbprintURI())
  // Its private JWK imports as a plain RSA key again.
  const again = jwk.construct(pssPrivate.toJWK({ private: true }), 'PS256')
  assert.equal(again.thumbprint(), plain.thumbprint())
  // The ROCA check reads its modulus too: 65537^121 has the fingerprint of every flawed key.
  const n = (65537n ** 121n).toString(16)
  const roca = createPublicKey({
    key: {
      kty: 'RSA',
      n: Buffer.from(n.length % 2 === 1 ? `0${n}` : n, 'hex').toString('base64url'),
      e: 'AQAB',
    },
    format: 'jwk',
  })
  throwsCode(() => new Key(roca), 'ERR_KEY_INVALID')
  throwsCode(() => new Key(asRsaPss(roca)), 'ERR_KEY_INVALID', errors.InvalidKeyError)
})

// An RSA-PSS key pair restricted by its parameters (RFC 4055 section 3.1).
function restrictedPair(parameters: {
  hashAlgorithm: string
  mgf1HashAlgorithm?: string
  saltLength?: number
}) {
  // @types/node declares saltLength a string; node:crypto takes a number of bytes.
  const options = { modulusLength: 2048, ...parameters } as RSAPSSKeyPairKeyObjectOptions
  return generateKeyPairSync('rsa-pss', options)
}

test('an RSA-PSS key restricted by its parameters refuses the PS algorithms they exclude', () => {
  const restricted = restrictedPair({
    hashAlgorithm: 'sha256',
    mgf1HashAlgorithm: 'sha256',
    saltLength: 32,
  })
  const key = jwk.construct(restricted.privateKey)
  const token = jws.sign('p', key, { algorithm: 'PS256' })
  assert.equal(jws.verify(token, restricted.publicKey, ['PS256']).toString(), 'p')
  for (const alg of ['PS384', 'PS512'] as const) {
    const err = throwsCode(
      () => jws.sign('p', key, { algorithm: alg }),
      'ERR_KEY_INVALID',
      errors.InvalidKeyError,
    )
    assert.match(err.message, /sha256/)
    throwsCode(
      () => jwt.encode({ sub: 'u1' }, restricted.privateKey, { algorithm: alg }),
      'ERR_JWT_KEY_INVALID',
    )
    // A token that names the algorithm fails as a signature the key cannot check.
    const [, payload, signature] = token.split('.')
    const renamed = `${Buffer.from(JSON.stringify({ alg })).toString('base64url')}.${payload}.${signature}`
    throwsCode(
      () => jws.verify(renamed, restricted.publicKey, [alg]),
      'ERR_JWS_SIGNATURE_INVALID',
      errors.JWSSignatureError,
    )
  }
  // A minimum salt longer than the hash, or MGF1 with another hash: PS256 cannot be made.
  const salty = restrictedPair({ hashAlgorithm: 'sha256', saltLength: 40 })
  const mgf1 = restrictedPair({ hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha512' })
  for (const { privateKey } of [salty, mgf1]) {
    throwsCode(
      () => jws.sign('p', privateKey, { algorithm: 'PS256' }),
      'ERR_KEY_INVALID',
      errors.InvalidKeyError,
    )
  }
})
