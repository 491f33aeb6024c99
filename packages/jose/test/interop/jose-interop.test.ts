// Interoperability with `jose` (v6, panva): every JWS algorithm and every JWE alg x enc pair both
// libraries implement, both ways. Tokens jose makes are verified and decrypted by Tessera (jwt.decode,
// jws.verify, the compiled jwt.createVerifier, jwe.decrypt, jwt.decrypt, jws.verifyJSON,
// jwe.decryptJSON); tokens Tessera makes are verified and decrypted by jose (jwtVerify,
// compactVerify, generalVerify, flattenedVerify, compactDecrypt, jwtDecrypt, generalDecrypt,
// flattenedDecrypt). Keys are made once with node:crypto: jose gets KeyObjects (and CryptoKeys in
// one test), Tessera JWKs or Keys built from them.
//
// What jose 6 does not implement is probed, not assumed: the test makes jose try, and skips (with
// the reason) only when jose refuses; should a later jose accept it, the interop runs instead.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { webcrypto } from 'node:crypto'
import { test, type TestContext } from 'node:test'
import {
  CompactEncrypt,
  CompactSign,
  EncryptJWT,
  FlattenedEncrypt,
  FlattenedSign,
  GeneralEncrypt,
  GeneralSign,
  SignJWT,
  compactDecrypt,
  compactVerify,
  decodeProtectedHeader,
  exportJWK,
  flattenedDecrypt,
  flattenedVerify,
  generalDecrypt,
  generalVerify,
  jwtDecrypt,
  jwtVerify,
  type CryptoKey,
  type FlattenedJWE,
  type FlattenedJWS,
  type GeneralJWE,
  type GeneralJWS,
} from 'jose'
import {
  CONTENT_ENCRYPTION_ALGORITHMS,
  KEY_MANAGEMENT_ALGORITHMS,
  SIGNATURE_ALGORITHMS,
  errors,
  jwe,
  jwk,
  jws,
  jwt,
  type JWK,
} from '../../src/index.js'
import { encryptionKey, password, rsa, signingKey, type Material } from './keys.js'

const NOW = Math.floor(Date.now() / 1000)
const ISSUER = 'https://id.interop.example'
const AUDIENCE = 'https://api.interop.example'
const CLAIMS = {
  iss: ISSUER,
  sub: 'user-42',
  aud: AUDIENCE,
  iat: NOW,
  exp: NOW + 600,
  jti: 'a3c1f7e0-5b1d-4c55-9a43-3d0c4b7a9e11',
  scope: 'read write',
  roles: ['admin', 'billing'],
  profile: { name: 'Zoë', locale: 'fr-CH' },
}
const CHECKS = { issuer: ISSUER, audience: AUDIENCE }
const TEXT = 'It’s a dangerous business, Frodo, going out your door. ✓ '.repeat(4)
const BYTES = new Uint8Array([0, 1, 2, 127, 128, 254, 255, 0x2e, 0x2e])
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8')

/** Flips one character in the middle of segment `index` of a compact token. */
function tamper(token: string, index: number): string {
  const segments = token.split('.')
  const segment = segments[index]!
  const at = segment.length >> 1
  segments[index] = segment.slice(0, at) + (segment[at] === 'A' ? 'B' : 'A') + segment.slice(at + 1)
  return segments.join('.')
}

/** Asserts that Tessera refuses with a JOSEError (a JWTError for the jwt functions). */
function refuses(fn: () => unknown, kind: new (...args: never[]) => Error = errors.JOSEError) {
  assert.throws(fn, kind)
}

/** Asserts that jose refuses (any error it throws). */
async function joseRefuses(promise: Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(promise, Error, `jose accepted ${what}`)
}

/**
 * Runs `attempt`; if jose refuses it and the feature is one jose 6 is known to lack, skips the test
 * with `reason` and returns false. If jose accepts it, returns true and the interop runs.
 */
async function joseImplements(
  t: TestContext,
  attempt: () => Promise<unknown>,
  reason: string,
): Promise<boolean> {
  try {
    await attempt()
    return true
  } catch (err) {
    t.skip(`${reason} (jose: ${(err as Error).message})`)
    return false
  }
}

const asJwk = (key: JWK | string): JWK => key as JWK

type WebKeyPair = webcrypto.CryptoKeyPair

/**
 * A WebCrypto key exported as a JWK for Tessera, the way a jose user publishes one: jose's
 * exportJWK, which leaves out WebCrypto's `ext`, `key_ops` and `alg`. (A raw WebCrypto export of an
 * ECDH public key says `key_ops: []`, which Tessera reads, as RFC 7517 section 4.3 says, as "no
 * operation", and refuses to encrypt to.)
 */
async function exportJwk(key: webcrypto.CryptoKey): Promise<JWK> {
  return (await exportJWK(key as CryptoKey)) as JWK
}

/** jose's and Tessera's JWE JSON types differ only in optionality; both are the RFC's shape. */
const asJWEJSON = (value: object): jwe.JWEJSON => value as unknown as jwe.JWEJSON

// ---------------------------------------------------------------------------------------------
// JWS: every signature algorithm.

interface SignatureCase {
  alg: string
  crv?: string
  /** Why jose 6 refuses it, when it does. */
  lacking?: string
}

const SIGNATURE_CASES: SignatureCase[] = [
  ...['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'].map(
    (alg) => ({ alg }),
  ),
  { alg: 'ES256' },
  { alg: 'ES384' },
  { alg: 'ES512' },
  { alg: 'EdDSA', crv: 'Ed25519' },
  { alg: 'Ed25519' },
  { alg: 'ES256K', lacking: 'jose 6 does not implement ES256K (secp256k1)' },
  { alg: 'EdDSA', crv: 'Ed448', lacking: 'jose 6 implements EdDSA on Ed25519 only' },
  { alg: 'Ed448', lacking: 'jose 6 does not implement Ed448' },
]

test('the JWS cases cover every signature algorithm Tessera implements', () => {
  assert.deepEqual(
    [...new Set(SIGNATURE_CASES.map((c) => c.alg))].sort(),
    [...SIGNATURE_ALGORITHMS].sort(),
  )
})

for (const { alg, crv, lacking } of SIGNATURE_CASES) {
  const label = crv === undefined ? alg : `${alg} (${crv})`
  test(`JWS ${label}: jose's tokens verify in Tessera, Tessera's in jose`, async (t) => {
    const m = signingKey(alg, crv)
    const publicJwk = asJwk(m.tesseraPublic)
    if (lacking !== undefined) {
      const probe = () => new CompactSign(BYTES).setProtectedHeader({ alg }).sign(m.josePrivate)
      if (!(await joseImplements(t, probe, lacking))) {
        // Tessera's side still works, so the skip is jose's alone.
        const token = jws.sign(BYTES, asJwk(m.tesseraPrivate), { algorithm: alg })
        assert.deepEqual([...jws.verify(token, publicJwk, [alg])], [...BYTES])
        return
      }
    }
    const signKey = jwk.construct(asJwk(m.tesseraPrivate), alg) // a Key bound to alg

    // jose -> Tessera: a JWT through jwt.decode, jws.verify and the compiled verifier.
    const fromJose = await new SignJWT(CLAIMS)
      .setProtectedHeader({ alg, typ: 'JWT', kid: 'jose-1' })
      .sign(m.josePrivate)
    assert.deepEqual(jwt.decode(fromJose, publicJwk, { algorithms: [alg], ...CHECKS }), CLAIMS)
    assert.deepEqual(JSON.parse(jws.verify(fromJose, publicJwk, [alg]).toString()), CLAIMS)
    const verify = jwt.createVerifier({
      key: { keys: [{ ...publicJwk, kid: 'jose-1' }] },
      algorithms: [alg],
      ...CHECKS,
    })
    assert.deepEqual({ ...verify(fromJose) }, CLAIMS)
    refuses(() => verify(tamper(fromJose, 2)), errors.JWTError)
    refuses(() => jwt.decode(fromJose, publicJwk, { algorithms: [alg], audience: 'other' }))
    // A binary payload (not JSON, with dots) through jws.verify.
    const compact = await new CompactSign(BYTES).setProtectedHeader({ alg }).sign(m.josePrivate)
    assert.deepEqual([...jws.verify(compact, publicJwk, [alg])], [...BYTES])
    refuses(() => jws.verify(tamper(compact, 2), publicJwk, [alg]), errors.JWSSignatureError)

    // Tessera -> jose: jwt.encode, the compiled signer and jws.sign.
    const encoded = jwt.encode(CLAIMS, signKey, { algorithm: alg, headers: { kid: 'tessera-1' } })
    const verified = await jwtVerify(encoded, m.josePublic, { algorithms: [alg], ...CHECKS })
    assert.deepEqual(verified.payload, CLAIMS)
    assert.deepEqual(verified.protectedHeader, { alg, typ: 'JWT', kid: 'tessera-1' })
    await joseRefuses(
      jwtVerify(tamper(encoded, 2), m.josePublic, { algorithms: [alg] }),
      `a tampered ${alg} JWT`,
    )
    const sign = jwt.createSigner({
      key: signKey,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: 600,
    })
    const compiled = await jwtVerify(sign({ sub: 'user-42', scope: 'read' }), m.josePublic, {
      algorithms: [alg],
      ...CHECKS,
      maxTokenAge: 60,
    })
    assert.equal(compiled.payload.sub, 'user-42')
    assert.equal(compiled.payload.exp! - compiled.payload.iat!, 600)
    const signed = jws.sign(BYTES, asJwk(m.tesseraPrivate), { algorithm: alg })
    const checked = await compactVerify(signed, m.josePublic, { algorithms: [alg] })
    assert.deepEqual([...checked.payload], [...BYTES])
  })
}

test('JWS with CryptoKeys on jose’s side (WebCrypto-generated keys, exported as JWK for Tessera)', async () => {
  const { subtle } = webcrypto
  const ec = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as WebKeyPair
  const publicJwk = await exportJwk(ec.publicKey)
  const privateJwk = await exportJwk(ec.privateKey)
  const token = await new SignJWT(CLAIMS)
    .setProtectedHeader({ alg: 'ES256' })
    .sign(ec.privateKey as CryptoKey)
  assert.deepEqual(jwt.decode(token, publicJwk, { algorithms: ['ES256'], ...CHECKS }), CLAIMS)
  const back = jwt.encode(CLAIMS, privateJwk, { algorithm: 'ES256' })
  const { payload } = await jwtVerify(back, ec.publicKey as CryptoKey, CHECKS)
  assert.deepEqual(payload, CLAIMS)
})

test('JWS unencoded payload (RFC 7797, b64: false) both ways', async () => {
  const m = signingKey('ES256')
  const payload = 'This is the payload string! $.02'
  const header = { alg: 'ES256', b64: false, crit: ['b64'] }
  const fromJose = await new FlattenedSign(utf8(payload))
    .setProtectedHeader(header)
    .sign(m.josePrivate)
  // jose 6 leaves an unencoded payload out (`payload: ""`) for the caller to attach, as its
  // flattenedVerify expects; attached, Tessera verifies it. Tessera's detached form omits the
  // member instead, and refuses a `payload` member next to `detachedPayload`, even an empty one.
  assert.equal(fromJose.payload, '')
  refuses(
    () => jws.verifyJSON(fromJose, asJwk(m.tesseraPublic), ['ES256'], { detachedPayload: payload }),
    errors.JWSError,
  )
  const attached = jws.verifyJSON({ ...fromJose, payload }, asJwk(m.tesseraPublic), ['ES256'])
  assert.equal(attached.payload.toString(), payload)
  const { payload: _empty, ...detached } = fromJose
  const result = jws.verifyJSON(detached, asJwk(m.tesseraPublic), ['ES256'], {
    detachedPayload: payload,
  })
  assert.equal(result.payload.toString(), payload)
  // jose 6 signs b64: false in the flattened form only, but verifies compact ones.
  const compact = jws.sign('no dots here', asJwk(m.tesseraPrivate), {
    algorithm: 'ES256',
    unencodedPayload: true,
  })
  const out = await compactVerify(compact, m.josePublic, { algorithms: ['ES256'] })
  assert.equal(text(out.payload), 'no dots here')
  const flattened = jws.signJSON(payload, [{ key: asJwk(m.tesseraPrivate), algorithm: 'ES256' }], {
    flattened: true,
    unencodedPayload: true,
  })
  const verified = await flattenedVerify(flattened as FlattenedJWS, m.josePublic)
  assert.equal(text(verified.payload), payload)
})

// ---------------------------------------------------------------------------------------------
// JWE: every alg x enc pair, compact and JWT, both ways.

const ENCS = [...CONTENT_ENCRYPTION_ALGORITHMS]
const ECDH_ALGS = ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW']
const ECDH_CURVES = ['P-256', 'P-384', 'P-521', 'X25519']

interface EncryptionCase {
  alg: string
  crv?: string
  lacking?: string
}

const ENCRYPTION_CASES: EncryptionCase[] = [
  ...[
    'dir',
    'A128KW',
    'A192KW',
    'A256KW',
    'A128GCMKW',
    'A192GCMKW',
    'A256GCMKW',
    'RSA-OAEP',
    'RSA-OAEP-256',
    'RSA-OAEP-384',
    'RSA-OAEP-512',
  ].map((alg) => ({ alg })),
  ...ECDH_ALGS.flatMap((alg) => ECDH_CURVES.map((crv) => ({ alg, crv }))),
  ...ECDH_ALGS.map((alg) => ({
    alg,
    crv: 'X448',
    lacking: 'jose 6 implements ECDH-ES on P-256, P-384, P-521 and X25519 only (no X448)',
  })),
  ...['PBES2-HS256+A128KW', 'PBES2-HS384+A192KW', 'PBES2-HS512+A256KW'].map((alg) => ({ alg })),
]

test('the JWE cases cover every key-management algorithm Tessera encrypts with', () => {
  const covered = new Set(ENCRYPTION_CASES.map((c) => c.alg))
  // RSA1_5 only decrypts in Tessera, and jose 6 has none: there is nothing to exchange (see below).
  assert.deepEqual(
    [...KEY_MANAGEMENT_ALGORITHMS].filter((alg) => !covered.has(alg)),
    ['RSA1_5'],
  )
})

test('RSA1_5: Tessera only decrypts it, and jose 6 does not implement it', async (t) => {
  const m = rsa('enc')
  const probe = () =>
    new CompactEncrypt(utf8(TEXT))
      .setProtectedHeader({ alg: 'RSA1_5', enc: 'A128GCM' })
      .encrypt(m.josePublic)
  if (
    !(await joseImplements(t, probe, 'jose 6 has no RSA1_5, and Tessera never encrypts with it'))
  ) {
    return
  }
  assert.fail('jose encrypts RSA1_5 again: add jose -> Tessera RSA1_5 interop (opt-in algorithms)')
})

/** PBES2 needs naming on both sides; everything else is named too, as a careful caller does. */
function joseDecryptOptions(alg: string, enc: string) {
  return { keyManagementAlgorithms: [alg], contentEncryptionAlgorithms: [enc] }
}

for (const { alg, crv, lacking } of ENCRYPTION_CASES) {
  const label = crv === undefined ? alg : `${alg} on ${crv}`
  test(`JWE ${label} with every enc: compact and JWT, both ways`, async (t) => {
    const pbes2 = alg.startsWith('PBES2')
    if (lacking !== undefined) {
      const m = encryptionKey(alg, 'A256GCM', crv)
      const probe = () =>
        new CompactEncrypt(utf8(TEXT))
          .setProtectedHeader({ alg, enc: 'A256GCM' })
          .encrypt(m.josePublic)
      if (!(await joseImplements(t, probe, lacking))) {
        const token = jwe.encrypt(TEXT, m.tesseraPublic, { algorithm: alg })
        assert.equal(jwe.decrypt(token, m.tesseraPrivate, { algorithms: [alg] }).toString(), TEXT)
        return
      }
    }
    for (const enc of ENCS) {
      const m: Material = encryptionKey(alg, enc, crv)
      const where = `${label} ${enc}`
      const tesseraOptions = { algorithms: [alg], encryptions: [enc] }
      // Tessera decrypts with a Key bound to alg for one form and the JWK for the other.
      const privateKey =
        typeof m.tesseraPrivate === 'string' || alg === 'dir'
          ? m.tesseraPrivate
          : jwk.construct(m.tesseraPrivate, alg)

      // jose -> Tessera, compact (PBES2 at Tessera's lowest accepted count).
      const encrypt = new CompactEncrypt(utf8(TEXT)).setProtectedHeader({ alg, enc, kid: 'j1' })
      if (pbes2) encrypt.setKeyManagementParameters({ p2c: 1000 })
      const fromJose = await encrypt.encrypt(m.josePublic)
      assert.equal(jwe.decrypt(fromJose, privateKey, tesseraOptions).toString(), TEXT, where)
      assert.equal(
        jwe.decrypt(fromJose, m.tesseraPrivate, tesseraOptions).toString(),
        TEXT,
        `${where} (JWK)`,
      )
      refuses(() => jwe.decrypt(tamper(fromJose, 4), privateKey, tesseraOptions))

      // jose -> Tessera, an encrypted JWT (PBES2 at jose's default count).
      const jwtFromJose = await new EncryptJWT(CLAIMS)
        .setProtectedHeader({ alg, enc, typ: 'JWT' })
        .encrypt(m.josePublic)
      assert.deepEqual(
        jwt.decrypt(jwtFromJose, m.tesseraPrivate, { ...tesseraOptions, ...CHECKS }),
        CLAIMS,
        where,
      )

      // Tessera -> jose, compact (PBES2 at Tessera's default count, 10,000: jose's maximum).
      const token = jwe.encrypt(TEXT, m.tesseraPublic, { algorithm: alg, encryption: enc })
      const opened = await compactDecrypt(token, m.josePrivate, joseDecryptOptions(alg, enc))
      assert.equal(text(opened.plaintext), TEXT, where)
      assert.equal(opened.protectedHeader.alg, alg)
      assert.equal(opened.protectedHeader.enc, enc)
      const binary = jwe.encrypt(BYTES, m.tesseraPublic, { algorithm: alg, encryption: enc })
      const bytes = await compactDecrypt(binary, m.josePrivate, joseDecryptOptions(alg, enc))
      assert.deepEqual([...bytes.plaintext], [...BYTES], where)
      await joseRefuses(
        compactDecrypt(tamper(token, 3), m.josePrivate, joseDecryptOptions(alg, enc)),
        `a tampered ${where} JWE`,
      )

      // Tessera -> jose, an encrypted JWT.
      const claimsToken = jwt.encrypt(CLAIMS, m.tesseraPublic, {
        algorithm: alg,
        encryption: enc,
        ...(pbes2 ? { p2c: 2048 } : {}),
      })
      const decrypted = await jwtDecrypt(claimsToken, m.josePrivate, {
        ...joseDecryptOptions(alg, enc),
        ...CHECKS,
      })
      assert.deepEqual(decrypted.payload, CLAIMS, where)
      assert.equal(decrypted.protectedHeader.typ, 'JWT')
    }
  })
}

test('zip DEF both ways, compact and JWT, on every key-management family', async (t) => {
  // jose 6 compresses with CompressionStream('deflate-raw'); probe it like any other feature.
  const probe = () =>
    new CompactEncrypt(utf8(TEXT))
      .setProtectedHeader({ alg: 'dir', enc: 'A128GCM', zip: 'DEF' })
      .encrypt(encryptionKey('dir', 'A128GCM').josePublic)
  if (!(await joseImplements(t, probe, 'this jose does not implement zip DEF'))) return
  const long = `${TEXT}\n`.repeat(40) // compressible
  const cases: [string, string, string?][] = [
    ['dir', 'A128GCM'],
    ['A192KW', 'A192CBC-HS384'],
    ['A256GCMKW', 'A256GCM'],
    ['RSA-OAEP-256', 'A256CBC-HS512'],
    ['ECDH-ES', 'A128CBC-HS256', 'X25519'],
    ['ECDH-ES+A192KW', 'A192GCM', 'P-384'],
    ['PBES2-HS384+A192KW', 'A256GCM'],
  ]
  for (const [alg, enc, crv] of cases) {
    const m = encryptionKey(alg, enc, crv)
    const where = `${alg} ${enc} zip`
    const encrypt = new CompactEncrypt(utf8(long)).setProtectedHeader({ alg, enc, zip: 'DEF' })
    if (alg.startsWith('PBES2')) encrypt.setKeyManagementParameters({ p2c: 1000 })
    const fromJose = await encrypt.encrypt(m.josePublic)
    assert.ok(fromJose.length < long.length, `${where}: jose compressed`)
    const options = { algorithms: [alg], encryptions: [enc] }
    assert.equal(jwe.decrypt(fromJose, m.tesseraPrivate, options).toString(), long, where)

    const token = jwe.encrypt(long, m.tesseraPublic, {
      algorithm: alg,
      encryption: enc,
      zip: 'DEF',
    })
    assert.ok(token.length < long.length, `${where}: Tessera compressed`)
    const opened = await compactDecrypt(token, m.josePrivate, joseDecryptOptions(alg, enc))
    assert.equal(opened.protectedHeader.zip, 'DEF')
    assert.equal(text(opened.plaintext), long, where)

    const claims = { ...CLAIMS, note: long }
    const jwtToken = jwt.encrypt(claims, m.tesseraPublic, {
      algorithm: alg,
      encryption: enc,
      zip: 'DEF',
    })
    const { payload } = await jwtDecrypt(jwtToken, m.josePrivate, {
      ...joseDecryptOptions(alg, enc),
      ...CHECKS,
    })
    assert.deepEqual(payload, claims, where)
    const jwtFromJose = await new EncryptJWT(claims)
      .setProtectedHeader({ alg, enc, zip: 'DEF' })
      .setKeyManagementParameters(alg.startsWith('PBES2') ? { p2c: 1000 } : {})
      .encrypt(m.josePublic)
    assert.deepEqual(jwt.decrypt(jwtFromJose, m.tesseraPrivate, { ...options, ...CHECKS }), claims)
  }
})

test('JWE with CryptoKeys on jose’s side (RSA-OAEP-256, ECDH-ES+A128KW)', async () => {
  const { subtle } = webcrypto
  const oaep = (await subtle.generateKey(
    {
      name: 'RSA-OAEP',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'],
  )) as WebKeyPair
  const ecdh = (await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ])) as WebKeyPair
  const cases: [string, WebKeyPair][] = [
    ['RSA-OAEP-256', oaep],
    ['ECDH-ES+A128KW', ecdh],
  ]
  for (const [alg, pair] of cases) {
    const publicJwk = await exportJwk(pair.publicKey)
    const privateJwk = await exportJwk(pair.privateKey)
    const token = await new CompactEncrypt(utf8(TEXT))
      .setProtectedHeader({ alg, enc: 'A256GCM' })
      .encrypt(pair.publicKey as CryptoKey)
    assert.equal(jwe.decrypt(token, privateJwk, { algorithms: [alg] }).toString(), TEXT)
    const back = jwe.encrypt(TEXT, publicJwk, { algorithm: alg, encryption: 'A256GCM' })
    const { plaintext } = await compactDecrypt(back, pair.privateKey as CryptoKey)
    assert.equal(text(plaintext), TEXT)
  }
})

// ---------------------------------------------------------------------------------------------
// JSON serializations.

test('JWS JSON, general: jose GeneralSign -> jws.verifyJSON, jws.signJSON -> jose generalVerify', async () => {
  const signers = [
    { alg: 'RS256', m: signingKey('RS256'), kid: 'rsa' },
    { alg: 'ES384', m: signingKey('ES384'), kid: 'ec' },
    { alg: 'EdDSA', m: signingKey('EdDSA', 'Ed25519'), kid: 'ed' },
    { alg: 'HS512', m: signingKey('HS512'), kid: 'mac' },
    { alg: 'PS384', m: signingKey('PS384'), kid: 'pss' },
  ]
  const payload = utf8(JSON.stringify(CLAIMS))

  const general = new GeneralSign(payload)
  for (const { alg, m, kid } of signers) {
    general
      .addSignature(m.josePrivate)
      .setProtectedHeader({ alg, cty: 'json' })
      .setUnprotectedHeader({ kid })
  }
  const fromJose = await general.sign()
  for (const [index, { alg, m, kid }] of signers.entries()) {
    for (const form of [fromJose, JSON.stringify(fromJose)]) {
      const result = jws.verifyJSON(form, asJwk(m.tesseraPublic), [alg])
      assert.equal(result.signatureIndex, index, alg)
      assert.deepEqual(JSON.parse(result.payload.toString()), CLAIMS)
      assert.deepEqual(result.protectedHeader, { alg, cty: 'json' })
      assert.deepEqual(result.unprotectedHeader, { kid })
    }
  }
  // A tampered signature is skipped; the others still verify, and the tampered one's key finds none.
  const broken = structuredClone(fromJose) as GeneralJWS
  broken.signatures[1]!.signature = tamper(broken.signatures[1]!.signature, 0)
  refuses(() => jws.verifyJSON(broken, asJwk(signers[1]!.m.tesseraPublic), ['ES384']))
  assert.equal(
    jws.verifyJSON(broken, asJwk(signers[2]!.m.tesseraPublic), ['EdDSA']).signatureIndex,
    2,
  )

  const fromTessera = jws.signJSON(
    payload,
    signers.map(({ alg, m, kid }) => ({
      key: asJwk(m.tesseraPrivate),
      algorithm: alg,
      protectedHeader: { cty: 'json' },
      unprotectedHeader: { kid },
    })),
  )
  for (const { alg, m, kid } of signers) {
    const result = await generalVerify(fromTessera as GeneralJWS, m.josePublic, {
      algorithms: [alg],
    })
    assert.deepEqual(JSON.parse(text(result.payload)), CLAIMS, alg)
    assert.deepEqual(result.protectedHeader, { alg, cty: 'json' })
    assert.deepEqual(result.unprotectedHeader, { kid })
  }
})

test('JWS JSON, flattened, every signature algorithm jose implements, both ways', async () => {
  for (const { alg, crv, lacking } of SIGNATURE_CASES) {
    if (lacking !== undefined) continue
    const m = signingKey(alg, crv)
    const fromJose = await new FlattenedSign(BYTES)
      .setProtectedHeader({ alg })
      .setUnprotectedHeader({ kid: 'flat' })
      .sign(m.josePrivate)
    const result = jws.verifyJSON(fromJose, asJwk(m.tesseraPublic), [alg])
    assert.deepEqual([...result.payload], [...BYTES], alg)
    assert.deepEqual(result.unprotectedHeader, { kid: 'flat' })

    const flattened = jws.signJSON(
      BYTES,
      [{ key: asJwk(m.tesseraPrivate), algorithm: alg, unprotectedHeader: { kid: 'flat' } }],
      { flattened: true },
    )
    const verified = await flattenedVerify(flattened as FlattenedJWS, m.josePublic, {
      algorithms: [alg],
    })
    assert.deepEqual([...verified.payload], [...BYTES], alg)
    assert.deepEqual(verified.unprotectedHeader, { kid: 'flat' })
  }
})

test('JWE JSON, general: jose GeneralEncrypt -> jwe.decryptJSON, jwe.encryptJSON -> jose generalDecrypt', async () => {
  // Every algorithm that can share a CEK with others (not dir, not ECDH-ES direct).
  const recipients = [
    { alg: 'RSA-OAEP-256', m: encryptionKey('RSA-OAEP-256', 'A256GCM'), kid: 'rsa' },
    { alg: 'A256KW', m: encryptionKey('A256KW', 'A256GCM'), kid: 'kw' },
    { alg: 'ECDH-ES+A128KW', m: encryptionKey('ECDH-ES+A128KW', 'A256GCM', 'X25519'), kid: 'x' },
    { alg: 'A128GCMKW', m: encryptionKey('A128GCMKW', 'A256GCM'), kid: 'gcmkw' },
    { alg: 'ECDH-ES+A256KW', m: encryptionKey('ECDH-ES+A256KW', 'A256GCM', 'P-521'), kid: 'p521' },
    { alg: 'PBES2-HS256+A128KW', m: password(), kid: 'pw' },
    { alg: 'RSA-OAEP', m: encryptionKey('RSA-OAEP', 'A256GCM'), kid: 'rsa1' },
  ]
  const aad = 'order 42 ✓'
  for (const enc of ['A256GCM', 'A128CBC-HS256']) {
    const general = new GeneralEncrypt(utf8(TEXT))
      .setProtectedHeader({ enc, cty: 'text/plain' })
      .setSharedUnprotectedHeader({ jku_hint: 'none' })
      .setAdditionalAuthenticatedData(utf8(aad))
    for (const { alg, m, kid } of recipients) {
      const recipient = general.addRecipient(m.josePublic).setUnprotectedHeader({ alg, kid })
      if (alg.startsWith('PBES2')) recipient.setKeyManagementParameters({ p2c: 1000 })
    }
    const fromJose = await general.encrypt()
    for (const [index, { alg, m, kid }] of recipients.entries()) {
      const options = { algorithms: [alg], encryptions: [enc] }
      for (const form of [asJWEJSON(fromJose), JSON.stringify(fromJose)]) {
        const out = jwe.decryptJSON(form, m.tesseraPrivate, options)
        assert.equal(out.plaintext.toString(), TEXT, `${alg} ${enc}`)
        assert.equal(out.recipientIndex, index)
        assert.equal(out.aad?.toString(), aad)
        assert.deepEqual(out.protectedHeader, { enc, cty: 'text/plain' })
        assert.deepEqual(out.unprotectedHeader, { jku_hint: 'none' })
        assert.equal(out.recipientHeader?.alg, alg)
        assert.equal(out.recipientHeader?.kid, kid)
      }
    }
    const tamperedAad = { ...fromJose, aad: Buffer.from('order 43').toString('base64url') }
    refuses(() =>
      jwe.decryptJSON(asJWEJSON(tamperedAad), recipients[1]!.m.tesseraPrivate, {
        algorithms: ['A256KW'],
      }),
    )

    const fromTessera = jwe.encryptJSON(
      TEXT,
      recipients.map(({ alg, m, kid }) => ({
        key: m.tesseraPublic,
        algorithm: alg,
        header: { kid },
      })),
      {
        encryption: enc,
        protectedHeader: { cty: 'text/plain' },
        unprotectedHeader: { jku_hint: 'none' },
        aad,
      },
    )
    for (const { alg, m, kid } of recipients) {
      const out = await generalDecrypt(fromTessera as GeneralJWE, m.josePrivate, {
        keyManagementAlgorithms: [alg],
        contentEncryptionAlgorithms: [enc],
      })
      assert.equal(text(out.plaintext), TEXT, `${alg} ${enc}`)
      assert.equal(text(out.additionalAuthenticatedData!), aad)
      assert.deepEqual(out.protectedHeader, { cty: 'text/plain', enc })
      assert.deepEqual(out.sharedUnprotectedHeader, { jku_hint: 'none' })
      assert.equal(out.unprotectedHeader?.alg, alg)
      assert.equal(out.unprotectedHeader?.kid, kid)
    }
  }
})

test('JWE JSON, flattened, every alg jose implements, both ways', async () => {
  for (const { alg, crv, lacking } of ENCRYPTION_CASES) {
    if (lacking !== undefined) continue
    // One enc per alg, walking the six, so every enc meets the JSON form too.
    const enc = ENCS[ENCRYPTION_CASES.findIndex((c) => c.alg === alg && c.crv === crv) % 6]!
    const m = encryptionKey(alg, enc, crv)
    const where = `${alg}${crv === undefined ? '' : ` on ${crv}`} ${enc}`
    const options = { algorithms: [alg], encryptions: [enc] }
    const flat = new FlattenedEncrypt(BYTES)
      .setProtectedHeader({ enc })
      .setUnprotectedHeader({ alg, kid: 'flat' })
      .setAdditionalAuthenticatedData(utf8('context'))
    if (alg.startsWith('PBES2')) flat.setKeyManagementParameters({ p2c: 1000 })
    const fromJose = await flat.encrypt(m.josePublic)
    const out = jwe.decryptJSON(asJWEJSON(fromJose), m.tesseraPrivate, options)
    assert.deepEqual([...out.plaintext], [...BYTES], where)
    assert.equal(out.aad?.toString(), 'context')

    const flattened = jwe.encryptJSON(
      BYTES,
      [{ key: m.tesseraPublic, algorithm: alg, header: { kid: 'flat' } }],
      { encryption: enc, aad: 'context', flattened: true },
    )
    const opened = await flattenedDecrypt(flattened as FlattenedJWE, m.josePrivate, {
      keyManagementAlgorithms: [alg],
      contentEncryptionAlgorithms: [enc],
    })
    assert.deepEqual([...opened.plaintext], [...BYTES], where)
    assert.equal(text(opened.additionalAuthenticatedData!), 'context')
    assert.equal(opened.unprotectedHeader?.kid, 'flat')
  }
})

// ---------------------------------------------------------------------------------------------
// Nested: signed, then encrypted (cty "JWT").

const NESTED: { sig: string; crv?: string; alg: string; enc: string; ecdh?: string }[] = [
  { sig: 'ES256', alg: 'RSA-OAEP-256', enc: 'A256GCM' },
  { sig: 'EdDSA', crv: 'Ed25519', alg: 'ECDH-ES+A256KW', enc: 'A256CBC-HS512', ecdh: 'X25519' },
  { sig: 'PS256', alg: 'dir', enc: 'A128CBC-HS256' },
  { sig: 'HS256', alg: 'ECDH-ES', enc: 'A192GCM', ecdh: 'P-384' },
]

for (const { sig, crv, alg, enc, ecdh } of NESTED) {
  test(`nested JWT, ${sig} inside ${alg} ${enc}: both ways`, async () => {
    const signer = signingKey(sig, crv)
    const recipient = encryptionKey(alg, enc, ecdh)

    // jose: SignJWT, then CompactEncrypt of the JWS with cty "JWT".
    const inner = await new SignJWT(CLAIMS)
      .setProtectedHeader({ alg: sig, typ: 'JWT' })
      .sign(signer.josePrivate)
    const outer = await new CompactEncrypt(utf8(inner))
      .setProtectedHeader({ alg, enc, cty: 'JWT' })
      .encrypt(recipient.josePublic)
    const options = {
      algorithms: [alg],
      encryptions: [enc],
      verifyWith: { key: asJwk(signer.tesseraPublic), algorithms: [sig] },
      ...CHECKS,
    }
    assert.deepEqual(jwt.decrypt(outer, recipient.tesseraPrivate, options), CLAIMS)
    // Without verifyWith the inner token's claims are never returned.
    refuses(
      () => jwt.decrypt(outer, recipient.tesseraPrivate, { algorithms: [alg] }),
      errors.InvalidTokenError,
    )

    // Tessera: jwt.encrypt with signWith; jose decrypts, sees cty JWT, and verifies the inside.
    const nested = jwt.encrypt(CLAIMS, recipient.tesseraPublic, {
      algorithm: alg,
      encryption: enc,
      signWith: { key: asJwk(signer.tesseraPrivate), algorithm: sig },
    })
    const { plaintext, protectedHeader } = await compactDecrypt(
      nested,
      recipient.josePrivate,
      joseDecryptOptions(alg, enc),
    )
    assert.equal(protectedHeader.cty, 'JWT')
    assert.equal(protectedHeader.typ, 'JWT')
    const { payload, protectedHeader: innerHeader } = await jwtVerify(
      text(plaintext),
      signer.josePublic,
      { algorithms: [sig], ...CHECKS },
    )
    assert.deepEqual(payload, CLAIMS)
    assert.deepEqual(innerHeader, { alg: sig, typ: 'JWT' })
    assert.deepEqual(decodeProtectedHeader(nested), protectedHeader)
  })
}
