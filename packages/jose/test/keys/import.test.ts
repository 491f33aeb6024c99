import assert from 'node:assert/strict'
import { createHmac, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { errors, jwk, jws, jwt, Key, KeySet } from '../../src/index.js'
import { resolveKey } from '../../src/keys/import.js'
import { keyFor, throwsCode } from '../fixtures.js'

const SECRET = 'a-secret-that-is-long-enough-for-hs256!!'

test('every key form verifies the same token', () => {
  const key = keyFor('RS256')
  const token = jwt.encode({ sub: 'u1' }, key)
  const publicKey = key.publicKey()
  const pkcs1 = publicKey.keyObject.export({ type: 'pkcs1', format: 'pem' }) as string
  const forms: unknown[] = [
    publicKey,
    publicKey.toJWK(),
    JSON.stringify(publicKey.toJWK()),
    { keys: [publicKey.toJWK()] },
    new KeySet({ keys: [publicKey.toJWK()] }),
    publicKey.toPEM(),
    pkcs1,
    publicKey.keyObject,
    publicKey.keyObject.export({ type: 'spki', format: 'der' }),
    key.toPEM({ private: true }),
    key.keyObject,
  ]
  for (const form of forms) {
    assert.equal(jwt.decode(token, form as never, { algorithms: ['RS256'] }).sub, 'u1')
  }
})

test('an X.509 certificate is imported as its public key', () => {
  // A self-signed P-256 certificate and its key, made with openssl for this test only.
  const cert = `-----BEGIN CERTIFICATE-----
MIIBhjCCASugAwIBAgIUIV61ZDjdaQG/I1ffJIrdeiXuCjcwCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMdGVzc2VyYS10ZXN0MCAXDTI2MTEyMzA1MzIwN1oYDzIxMjYx
MDMwMDUzMjA3WjAXMRUwEwYDVQQDDAx0ZXNzZXJhLXRlc3QwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAAS7P8Y/zxcg8fd/JrQjicFIIxPX8vkHtd2fRYX5DN2LNzdU
6lpyDCVmo1XAjFCV6a8gCDyBcO9KjNsnuvgtcaQ6o1MwUTAdBgNVHQ4EFgQU+I34
LtPofutok6yWTCUSWqiJ2EgwHwYDVR0jBBgwFoAU+I34LtPofutok6yWTCUSWqiJ
2EgwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAkMTvm/ee0pQ6
0cW3eCRy+fJnlHFYmmfM/VtEk+fSFgMCIQDz+CzL/bG0cXlD/FlcxbMV8aBTBsG/
Hg/GZvo5iqjIzQ==
-----END CERTIFICATE-----`
  const privateKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjCgS5Lg4x1UjIzOZ
jPS+oyzSCU9RqVKVU1ijeuuiy6ChRANCAAS7P8Y/zxcg8fd/JrQjicFIIxPX8vkH
td2fRYX5DN2LNzdU6lpyDCVmo1XAjFCV6a8gCDyBcO9KjNsnuvgtcaQ6
-----END PRIVATE KEY-----`
  const key = jwk.construct(cert, 'ES256')
  assert.equal(key.kty, 'EC')
  assert.equal(key.type, 'public')
  const token = jwt.encode({ sub: 'c' }, privateKey, { algorithm: 'ES256' })
  assert.equal(jwt.decode(token, cert, { algorithms: ['ES256'] }).sub, 'c')
})

test('imports are cached: the same PEM text or JWK object parses once', () => {
  const pem = keyFor('ES256').publicKey().toPEM()
  const fromText = `${pem}`
  assert.equal(resolveKey(pem), resolveKey(fromText))
  const object = keyFor('ES256').publicKey().toJWK()
  assert.equal(resolveKey(object), resolveKey(object))
  const bytes = Buffer.from(SECRET)
  const first = resolveKey(bytes)
  assert.equal(resolveKey(bytes), first)
  bytes[0] = 0x41 // a changed buffer is imported again, never served stale
  assert.notEqual(resolveKey(bytes), first)
})

test('asymmetric material can never be an HMAC secret', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string
  const der = publicKey.export({ type: 'spki', format: 'der' })
  // Each of these holds the public key; none may become an HMAC key.
  const disguises: (string | Buffer)[] = [
    pem,
    `   ${pem}`,
    `\u200b\ufeff${pem}`,
    `junk before ${pem} junk after`,
    pem.replace(/\n/g, '\r\n'),
    Buffer.from(pem),
    Buffer.from(`\n\n${pem}`),
    der,
    `my secret is ${der.toString('base64')} honestly`,
    `my secret is ${der.toString('base64url')}`,
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9bGE5kNsKKGZqq4J3nK4JNpSNt6a0l1uVKbnHdC5qj user@host',
    'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBA== me',
  ]
  for (const disguise of disguises) {
    const label = String(disguise).slice(0, 30)
    let key: Key | KeySet
    try {
      key = resolveKey(disguise)
    } catch (err) {
      assert.ok(err instanceof errors.InvalidKeyError, `typed error for ${label}`)
      continue
    }
    assert.ok(key instanceof Key)
    assert.notEqual(key.type, 'secret', `${label} became a secret`)
  }
})

test('the HS256-with-public-key forgery fails for every disguise of the key', () => {
  const pem = keyFor('RS256').publicKey().toPEM()
  const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')
  const payload = Buffer.from('{"sub":"admin"}').toString('base64url')
  for (const keyText of [pem, ` ${pem}`, `\u200b${pem}`, pem.trimEnd(), `${pem}\n\n`]) {
    const mac = createHmac('sha256', keyText).update(`${header}.${payload}`).digest('base64url')
    const forged = `${header}.${payload}.${mac}`
    throwsCode(
      () => jwt.decode(forged, keyText, { algorithms: ['HS256', 'RS256'] }),
      'ERR_JWT_SIGNATURE_INVALID',
    )
    throwsCode(() => jws.verify(forged, keyText, ['HS256']), 'ERR_JWS_SIGNATURE_INVALID')
    throwsCode(
      () => jws.verify(forged, Buffer.from(keyText), ['HS256']),
      'ERR_JWS_SIGNATURE_INVALID',
    )
  }
})

test('empty and missing keys never verify', () => {
  const token = jwt.encode({ a: 1 }, keyFor('HS256'))
  for (const key of [
    '',
    Buffer.alloc(0),
    new Uint8Array(0),
    undefined,
    null,
    { kty: 'oct', k: '' },
  ]) {
    const err = throwsCode(
      () => jwt.decode(token, key as never, { algorithms: ['HS256'] }),
      'ERR_JWT_KEY_INVALID',
    )
    assert.ok(err instanceof errors.JWTError)
  }
  throwsCode(() => jws.verify(token, '', ['HS256']), 'ERR_KEY_INVALID')
  throwsCode(() => jwk.construct(''), 'ERR_KEY_INVALID')
})

test('unsupported inputs get typed errors', () => {
  for (const input of [42, true, Symbol('k'), () => 1, [], {}, { kty: 'XYZ' }, new Date()]) {
    assert.throws(
      () => resolveKey(input),
      (err) => err instanceof errors.InvalidKeyError || err instanceof errors.JWKError,
    )
  }
  throwsCode(
    () => resolveKey('-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----'),
    'ERR_KEY_INVALID',
  )
  throwsCode(() => resolveKey('-----BEGIN PUBLIC KEY----- unterminated'), 'ERR_KEY_INVALID')
  throwsCode(
    () =>
      resolveKey('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA\n-----END ENCRYPTED PRIVATE KEY-----'),
    'ERR_KEY_INVALID',
  )
})

test('text secrets are UTF-8 and JSON text may hold a JWK', () => {
  const key = resolveKey(SECRET) as Key
  assert.equal(key.type, 'secret')
  assert.equal(key.size, Buffer.byteLength(SECRET) * 8)
  const jwkText = JSON.stringify(keyFor('ES256').publicKey().toJWK())
  assert.equal((resolveKey(jwkText) as Key).kty, 'EC')
  // PEM text with a public key is public; a KeyObject keeps its type.
  assert.equal((resolveKey(keyFor('ES256').publicKey().toPEM()) as Key).type, 'public')
  assert.equal((resolveKey(createPublicKey(keyFor('ES256').keyObject)) as Key).type, 'public')
})

test('key material stays key material behind hidden characters, line breaks and glue', () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const der = publicKey.export({ type: 'spki', format: 'der' })
  const base64 = der.toString('base64')
  const body = base64.replace(/(.{64})/g, '$1\n')
  const jwkText = JSON.stringify({ ...publicKey.export({ format: 'jwk' }), kid: 'k1' })
  const jwksText = JSON.stringify({ keys: [JSON.parse(jwkText)] })
  const disguises: (string | Buffer)[] = [
    Buffer.concat([Buffer.from(' '), der]),
    Buffer.concat([Buffer.from('\n'), der]),
    Buffer.concat([Buffer.from('\ufeff'), der]),
    Buffer.concat([der, Buffer.from('\n')]),
    ` ${der.toString('latin1')}`,
    `\u2061${der.toString('latin1')}`,
    body,
    `\u200e${body}`,
    Buffer.from(body),
    base64.replace(/(.{10})/g, '$1\u200b'),
    `x${base64}`,
    `xyz${base64}abc`,
    `abcde${der.toString('base64url')}`,
    `!${base64}!`,
    `\u200e${jwkText}`,
    `\u2061${jwkText}`,
    `${jwkText};`,
    `${jwksText}\n%`,
    `[${jwkText}]`,
    Buffer.from(jwkText),
    Buffer.from(`${jwksText}\n`),
    '---\u200bBEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
  ]
  const header = Buffer.from('{"alg":"HS256","kid":"k1"}').toString('base64url')
  const payload = Buffer.from('{"sub":"admin"}').toString('base64url')
  for (const [index, disguise] of disguises.entries()) {
    let key: Key | KeySet | undefined
    try {
      key = resolveKey(disguise)
    } catch (err) {
      assert.ok(err instanceof errors.InvalidKeyError, `typed error for disguise ${index}`)
    }
    if (key instanceof Key) assert.notEqual(key.type, 'secret', `disguise ${index} became a secret`)
    const mac = createHmac('sha256', disguise).update(`${header}.${payload}`).digest('base64url')
    assert.throws(
      () => jwt.decode(`${header}.${payload}.${mac}`, disguise, { algorithms: ['HS256', 'RS256'] }),
      errors.JWTError,
      `disguise ${index} verified a forged HS256 token`,
    )
  }
})

test('genuine random secrets are still secrets', () => {
  const secrets: (string | Buffer)[] = [
    'correct horse battery staple, and a bit more!!',
    randomBytes(32).toString('hex'),
    randomBytes(48).toString('base64'),
    randomBytes(4096).toString('base64url'),
  ]
  for (let i = 0; i < 200; i++) secrets.push(randomBytes(32), randomBytes(64))
  for (const secret of secrets) {
    const key = resolveKey(secret) as Key
    assert.equal(key.type, 'secret')
    const token = jws.sign({ a: 1 }, secret, { algorithm: 'HS256' })
    assert.deepEqual(JSON.parse(jws.verify(token, secret, ['HS256']).toString()), { a: 1 })
  }
})

test('a JWK or JWK Set edited in place is imported again, so a removed key stops verifying', () => {
  const revoked = keyFor('ES256')
  const fresh = jwk.generate('ES256')
  const forged = jwt.encode({ sub: 'attacker' }, revoked, { algorithm: 'ES256' })
  const good = jwt.encode({ sub: 'user' }, fresh, { algorithm: 'ES256' })
  const decode = (token: string, key: unknown) =>
    jwt.decode(token, key as never, { algorithms: ['ES256'] })

  const replaced = { keys: [revoked.publicKey().toJWK()] }
  assert.equal(decode(forged, replaced).sub, 'attacker')
  replaced.keys = [fresh.publicKey().toJWK()]
  assert.throws(() => decode(forged, replaced), errors.JWTError)
  assert.equal(decode(good, replaced).sub, 'user')

  const edited = { keys: [revoked.publicKey().toJWK(), fresh.publicKey().toJWK()] }
  assert.equal(decode(forged, edited).sub, 'attacker')
  edited.keys.splice(0, 1)
  assert.throws(() => decode(forged, edited), errors.JWTError)

  const element = { keys: [revoked.publicKey().toJWK()] }
  assert.equal(decode(forged, element).sub, 'attacker')
  Object.assign(element.keys[0]!, fresh.publicKey().toJWK())
  assert.throws(() => decode(forged, element), errors.JWTError)
  assert.equal(decode(good, element).sub, 'user')

  const single = revoked.publicKey().toJWK()
  assert.equal(decode(forged, single).sub, 'attacker')
  Object.assign(single, fresh.publicKey().toJWK())
  assert.throws(() => decode(forged, single), errors.JWTError)
  assert.equal(decode(good, single).sub, 'user')

  const restricted = revoked.publicKey().toJWK()
  assert.equal(resolveKey(restricted), resolveKey(restricted))
  restricted.alg = 'ES384'
  assert.throws(() => decode(forged, restricted), errors.JWTError)
})
