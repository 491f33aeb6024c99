// RFC known answers, read from the shared vectors folder:
// - RFC 7520 section 3 (jose-cookbook/jwk/*.json): every JWK imports and exports back unchanged.
// - RFC 7520 section 4 (jose-cookbook/jws/*.json): the COMPACT outputs verify, with the example's
//   key and with the section 3 key; the deterministic ones (RS256, HS256) are reproduced exactly.
//   Out of scope here, registered as skipped tests so they stay visible: the JSON serializations
//   (`json`, `json_flat`, and 4_6, 4_7, 4_8, which have no compact form) are a later issue, and so
//   is 4_5 (detached content). Only compact outputs are run.
// - RFC 7515 appendix A.1 (HS256 must verify) and A.5 (alg none: rejected by jws.verify and
//   jwt.decode, readable by jwt.decodeUnsecured), from rfc-examples/rfc_known_answers.json.
// - RFC 8037 appendix A.4 (jose-cookbook/curve25519/jws.json): EdDSA is deterministic, so signing
//   must reproduce the exact compact output; it must also verify. RFC 8037 A.3 and RFC 7638
//   section 3.1 thumbprints.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { test } from 'node:test'
import { errors, jwk, jws, jwt, type JWK } from '../../src/index.js'
import { Tally, readVectors, vectorTest } from './load.js'

interface CookbookJws {
  title: string
  input: { payload: string; key: JWK | JWK[]; alg: string | string[] }
  signing: { protected_b64u?: string; 'sig-input'?: string; sig?: string }
  output: { compact?: string; json?: unknown; json_flat?: unknown }
}

interface KnownAnswers {
  jwkThumbprints: {
    source: string
    hash: string
    jwk: JWK
    canonicalMembers: string[]
    thumbprint: string
  }[]
  jws: {
    source: string
    key: JWK | null
    compact: string
    protectedHeaderUtf8: string
    payloadUtf8: string
    expected: string
  }[]
}

/** Runs a block of assertions as one example: a failure is recorded, not thrown at once. */
function check(tally: Tally, id: string, label: 'valid' | 'invalid', fn: () => void): void {
  try {
    fn()
    tally.record(label, id, undefined)
  } catch (err) {
    tally.record(label, id, err instanceof Error ? err.message : String(err))
  }
}

/** Members in a stable order, so exported JWKs compare regardless of member order. */
function sorted(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
}

/** The public members of a JWK: a private JWK without its private members. */
function publicJwk(key: JWK): JWK {
  const privateMembers = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi'])
  return Object.fromEntries(
    Object.entries(key).filter(([name]) => !privateMembers.has(name)),
  ) as JWK
}

// ---------------------------------------------------------------------------------------------
// RFC 7520 section 3: JWKs.

const COOKBOOK_JWKS = [
  'jwk/3_1.ec_public_key.json',
  'jwk/3_2.ec_private_key.json',
  'jwk/3_3.rsa_public_key.json',
  'jwk/3_4.rsa_private_key.json',
  'jwk/3_5.symmetric_key_mac_computation.json',
  'jwk/3_6.symmetric_key_encryption.json',
].map((name) => `jose-cookbook/${name}`)

vectorTest('RFC 7520 section 3 JWKs (jose-cookbook/jwk)', COOKBOOK_JWKS, () => {
  const tally = new Tally()
  const [ecPublic, ecPrivate, rsaPublic, rsaPrivate, hmacKey, aesKey] = COOKBOOK_JWKS.map((path) =>
    readVectors<JWK>(path),
  ) as [JWK, JWK, JWK, JWK, JWK, JWK]
  for (const [path, data] of [
    [COOKBOOK_JWKS[0]!, ecPublic],
    [COOKBOOK_JWKS[1]!, ecPrivate],
    [COOKBOOK_JWKS[2]!, rsaPublic],
    [COOKBOOK_JWKS[3]!, rsaPrivate],
    [COOKBOOK_JWKS[4]!, hmacKey],
    [COOKBOOK_JWKS[5]!, aesKey],
  ] as const) {
    check(tally, path, 'valid', () => {
      const key = jwk.construct(data)
      // Import, then export with every member (private ones too): the JWK comes back unchanged.
      const exported = key.toJWK({ private: key.type !== 'public' })
      assert.deepEqual(sorted(exported), sorted(data), `${path} exports back unchanged`)
    })
  }
  check(tally, 'public halves of 3_2 and 3_4 are 3_1 and 3_3', 'valid', () => {
    for (const [priv, pub] of [
      [ecPrivate, ecPublic],
      [rsaPrivate, rsaPublic],
    ] as const) {
      const key = jwk.construct(priv)
      assert.deepEqual(sorted(key.publicKey().toJWK()), sorted(pub))
      assert.equal(key.thumbprint(), jwk.construct(pub).thumbprint())
    }
  })
  check(tally, '3_5 is an HS256 key, 3_6 (alg A256GCM) signs and verifies nothing', 'valid', () => {
    const mac = jwk.construct(hmacKey)
    assert.equal(mac.alg, 'HS256')
    assert.ok(mac.verify('x', mac.sign('x')))
    const aes = jwk.construct(aesKey)
    assert.equal(aes.alg, 'A256GCM')
    assert.throws(() => aes.sign('x'), errors.JWKError)
    const token = jws.sign('x', mac)
    assert.throws(() => jws.verify(token, aesKey, ['HS256']), errors.JWSSignatureError)
  })
  tally.finish('jose-cookbook jwk (RFC 7520 section 3)', COOKBOOK_JWKS.length + 2)
})

// ---------------------------------------------------------------------------------------------
// RFC 7520 section 4: JWS. Compact outputs only (see the header comment).

interface CookbookJwsCase {
  file: string
  /** The section 3 key that verifies it (public key, or the shared secret). */
  section3: string
  /** Deterministic algorithms, whose compact output signing must reproduce exactly. */
  reproducible: boolean
}

const COMPACT_CASES: readonly CookbookJwsCase[] = [
  {
    file: 'jws/4_1.rsa_v15_signature.json',
    section3: 'jwk/3_3.rsa_public_key.json',
    reproducible: true,
  },
  {
    file: 'jws/4_2.rsa-pss_signature.json',
    section3: 'jwk/3_3.rsa_public_key.json',
    reproducible: false,
  },
  {
    file: 'jws/4_3.ecdsa_signature.json',
    section3: 'jwk/3_1.ec_public_key.json',
    reproducible: false,
  },
  {
    file: 'jws/4_4.hmac-sha2_integrity_protection.json',
    section3: 'jwk/3_5.symmetric_key_mac_computation.json',
    reproducible: true,
  },
]

// Out of scope for this suite, each a later issue. Registered as skipped tests.
const OUT_OF_SCOPE: readonly [string, string][] = [
  ['jws/4_1.rsa_v15_signature.json json, json_flat', 'JWS JSON Serialization is a later issue'],
  ['jws/4_2.rsa-pss_signature.json json, json_flat', 'JWS JSON Serialization is a later issue'],
  ['jws/4_3.ecdsa_signature.json json, json_flat', 'JWS JSON Serialization is a later issue'],
  [
    'jws/4_4.hmac-sha2_integrity_protection.json json, json_flat',
    'JWS JSON Serialization is a later issue',
  ],
  [
    'jws/4_5.signature_with_detached_content.json (all forms)',
    'detached content (RFC 7515 appendix F) is a later issue',
  ],
  [
    'jws/4_6.protecting_specific_header_fields.json json, json_flat',
    'JWS JSON Serialization (unprotected header) is a later issue',
  ],
  [
    'jws/4_7.protecting_content_only.json json, json_flat',
    'JWS JSON Serialization (no protected header) is a later issue',
  ],
  [
    'jws/4_8.multiple_signatures.json json',
    'JWS JSON Serialization (multiple signatures) is a later issue',
  ],
  ['curve25519/jws.json json, json_flat', 'JWS JSON Serialization is a later issue'],
]

vectorTest(
  'RFC 7520 section 4 compact JWS (jose-cookbook/jws)',
  COMPACT_CASES.flatMap((c) => [`jose-cookbook/${c.file}`, `jose-cookbook/${c.section3}`]),
  () => {
    const tally = new Tally()
    let reproduced = 0
    for (const { file, section3, reproducible } of COMPACT_CASES) {
      const example = readVectors<CookbookJws>(`jose-cookbook/${file}`)
      const section3Key = readVectors<JWK>(`jose-cookbook/${section3}`)
      check(tally, file, 'valid', () => {
        const { compact } = example.output
        const { payload, key, alg } = example.input
        assert.ok(typeof compact === 'string' && typeof alg === 'string' && !Array.isArray(key))
        const [header, body, signature] = compact.split('.')
        // The intermediate values agree with the output.
        assert.equal(header, example.signing.protected_b64u, 'protected header')
        assert.equal(`${header}.${body}`, example.signing['sig-input'], 'signing input')
        assert.equal(signature, example.signing.sig, 'signature')
        const expected = Buffer.from(payload, 'utf8')
        // The key of the example (private or secret), its public half, and the section 3 key.
        const verifiers: [string, JWK][] = [
          ['input.key', key],
          ['input.key public half', key.kty === 'oct' ? key : publicJwk(key)],
          [section3, section3Key],
        ]
        for (const [name, verifier] of verifiers) {
          assert.deepEqual(jws.verify(compact, verifier, [alg]), expected, `verify with ${name}`)
        }
        // A tampered payload is refused (the verify above is not vacuous).
        const tampered = `${header}.${Buffer.from(`${payload}!`).toString('base64url')}.${signature}`
        assert.throws(() => jws.verify(tampered, section3Key, [alg]), errors.JWSSignatureError)
        const signed = jws.sign(payload, key, { algorithm: alg })
        if (reproducible) {
          assert.equal(signed, compact, 'deterministic signature reproduced exactly')
          reproduced += 1
        } else {
          assert.equal(signed.split('.')[0], header, 'our header matches the example')
          assert.deepEqual(
            jws.verify(signed, section3Key, [alg]),
            expected,
            'our signature verifies',
          )
        }
      })
    }
    const later = OUT_OF_SCOPE.filter(([name]) => name.startsWith('jws/')).length
    tally.skip(
      'examples or forms out of scope (JSON serialization, 4_5 detached content: later issues)',
      later,
    )
    tally.notes.push(
      `${reproduced} deterministic outputs reproduced exactly (4_1 RS256, 4_4 HS256)`,
    )
    tally.finish('jose-cookbook jws (RFC 7520 section 4, compact)')
  },
)

for (const [name, reason] of OUT_OF_SCOPE) {
  test(`RFC 7520 / RFC 8037 ${name}`, { skip: `out of scope: ${reason}` }, () => {})
}

// ---------------------------------------------------------------------------------------------
// RFC 7515 appendix A.1 and A.5; RFC 7638 section 3.1 and RFC 8037 appendix A.3 thumbprints.

const KNOWN_ANSWERS = 'rfc-examples/rfc_known_answers.json'

vectorTest('RFC 7515 A.1 / A.5 and RFC 7638 / RFC 8037 A.3 thumbprints', KNOWN_ANSWERS, () => {
  const answers = readVectors<KnownAnswers>(KNOWN_ANSWERS)
  const tally = new Tally()
  for (const entry of answers.jwkThumbprints) {
    check(tally, entry.source, 'valid', () => {
      assert.equal(entry.hash, 'SHA-256')
      const key = jwk.construct(entry.jwk)
      assert.equal(key.thumbprint(), entry.thumbprint, 'thumbprint')
      assert.equal(key.thumbprint('sha256'), entry.thumbprint, 'thumbprint, hash named')
      // Members outside the canonical set (alg and kid in RFC 7638) do not change it.
      const canonical = Object.fromEntries(entry.canonicalMembers.map((m) => [m, entry.jwk[m]]))
      assert.equal(jwk.construct(canonical as JWK).thumbprint(), entry.thumbprint, 'canonical only')
    })
  }
  const a1 = answers.jws.find((entry) => entry.source.includes('A.1'))
  const a5 = answers.jws.find((entry) => entry.source.includes('A.5'))
  assert.ok(a1?.key && a5, 'A.1 and A.5 are in the file')
  const key = a1.key
  // A.1 expires at 1300819380 (2011-03-22); claims are checked at a time just before that.
  const before = 1300819380 - 60
  check(tally, a1.source, 'valid', () => {
    const [header, payload, signature] = a1.compact.split('.') as [string, string, string]
    // The segments carry CR LF: we verify the exact bytes, never a re-serialization.
    assert.equal(Buffer.from(header, 'base64url').toString('utf8'), a1.protectedHeaderUtf8)
    assert.deepEqual(jws.verify(a1.compact, key, ['HS256']), Buffer.from(a1.payloadUtf8, 'utf8'))
    assert.deepEqual(
      jws.verify(a1.compact, { keys: [key] }, ['HS256']),
      Buffer.from(a1.payloadUtf8),
    )
    assert.ok(
      jwk
        .construct(key, 'HS256')
        .verify(`${header}.${payload}`, Buffer.from(signature, 'base64url')),
    )
    assert.deepEqual(
      jwt.decode(a1.compact, key, { algorithms: ['HS256'], now: before }),
      JSON.parse(a1.payloadUtf8),
    )
    // Pinned: at today's date the token has expired, and an unsecured read refuses a signed token.
    assert.throws(
      () => jwt.decode(a1.compact, key, { algorithms: ['HS256'] }),
      errors.ExpiredSignatureError,
    )
    assert.throws(
      () => jwt.decodeUnsecured(a1.compact, { now: before }),
      errors.InvalidAlgorithmError,
    )
    // The key has no alg: jws.verify needs the algorithms named.
    assert.throws(() => jws.verify(a1.compact, key), errors.JWSAlgorithmError)
  })
  check(tally, a5.source, 'invalid', () => {
    for (const algorithms of [['HS256'], ['none'], 'none', undefined]) {
      assert.throws(
        () => jws.verify(a5.compact, key, algorithms),
        errors.JWSAlgorithmError,
        `jws.verify with algorithms ${JSON.stringify(algorithms)}`,
      )
      assert.throws(
        () => jwt.decode(a5.compact, key, { algorithms, now: before }),
        errors.InvalidAlgorithmError,
        `jwt.decode with algorithms ${JSON.stringify(algorithms)}`,
      )
    }
    // Readable only through the explicitly unsecured path.
    assert.deepEqual(jwt.decodeUnsecured(a5.compact, { now: before }), JSON.parse(a5.payloadUtf8))
  })
  tally.finish('rfc-examples rfc_known_answers.json', answers.jwkThumbprints.length + 2)
})

// ---------------------------------------------------------------------------------------------
// RFC 8037 appendix A.4: Ed25519 (jose-cookbook/curve25519/jws.json).

const ED25519_JWS = 'jose-cookbook/curve25519/jws.json'

vectorTest(
  'RFC 8037 A.4 Ed25519 JWS (jose-cookbook/curve25519/jws.json)',
  [ED25519_JWS, KNOWN_ANSWERS],
  () => {
    const example = readVectors<CookbookJws>(ED25519_JWS)
    const answers = readVectors<KnownAnswers>(KNOWN_ANSWERS)
    const tally = new Tally()
    check(tally, 'RFC 8037 A.4 compact', 'valid', () => {
      const { compact } = example.output
      const { payload, key, alg } = example.input
      assert.ok(typeof compact === 'string' && alg === 'EdDSA' && !Array.isArray(key))
      // EdDSA is deterministic: our signature is the RFC's, byte for byte.
      assert.equal(
        jws.sign(payload, key, { algorithm: 'EdDSA' }),
        compact,
        'jws.sign reproduces A.4',
      )
      const [header, body, signature] = compact.split('.') as [string, string, string]
      assert.equal(
        jwk.construct(key, 'EdDSA').sign(`${header}.${body}`).toString('base64url'),
        signature,
      )
      const expected = Buffer.from(payload, 'utf8')
      assert.deepEqual(
        jws.verify(compact, publicJwk(key), ['EdDSA']),
        expected,
        'verify, public key',
      )
      assert.deepEqual(jws.verify(compact, key, ['EdDSA']), expected, 'verify, private key')
      // The key is the RFC 8037 A.3 key: same thumbprint.
      const a3 = answers.jwkThumbprints.find((entry) => entry.source.includes('8037'))
      assert.ok(a3, 'RFC 8037 A.3 is in the known answers')
      assert.equal(jwk.construct(key).thumbprint(), a3.thumbprint, 'A.3 thumbprint of the A.4 key')
      // A one-bit change in the signature is refused.
      const flipped = Buffer.from(signature, 'base64url')
      flipped[0] ^= 1
      assert.throws(
        () =>
          jws.verify(`${header}.${body}.${flipped.toString('base64url')}`, publicJwk(key), [
            'EdDSA',
          ]),
        errors.JWSSignatureError,
      )
    })
    tally.finish('jose-cookbook curve25519/jws.json (RFC 8037 A.4, compact)', 1)
  },
)
