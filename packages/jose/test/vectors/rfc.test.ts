// RFC known answers, read from the shared vectors folder:
// - RFC 7520 section 3 (jose-cookbook/jwk/*.json): every JWK imports and exports back unchanged.
// - RFC 7520 section 4 (jose-cookbook/jws/*.json): the COMPACT outputs verify, with the example's
//   key and with the section 3 key; the deterministic ones (RS256, HS256) are reproduced exactly.
// - RFC 7520 section 4, the JSON serializations (`json`, `json_flat`) of 4_1 to 4_8 and the detached
//   content of 4_5 in all three forms: each verifies with the example's key(s), their public halves
//   and the section 3 keys (4_8: each key finds its own signature), and the deterministic ones are
//   reproduced exactly by jws.signJSON, except 4_7 (alg unprotected, which signJSON never writes).
// - RFC 7797 (jose-cookbook/rfc7797): hmac-sha2_b64_false.json verifies and is reproduced byte for
//   byte in all three forms; 4.2.hmac-sha2_b64_false.json (b64: false without crit) is refused.
// - RFC 7515 appendix A.1 (HS256 must verify) and A.5 (alg none: rejected by jws.verify and
//   jwt.decode, readable by jwt.decodeUnsecured), from rfc-examples/rfc_known_answers.json.
// - RFC 8037 appendix A.4 (jose-cookbook/curve25519/jws.json): EdDSA is deterministic, so signing
//   must reproduce the exact compact output (and, with jws.signJSON, the JSON forms); it must also
//   verify. RFC 8037 A.3 and RFC 7638 section 3.1 thumbprints.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
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
// RFC 7520 section 4: JWS, compact outputs (the JSON forms and 4_5 follow).

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
    tally.notes.push(
      `${reproduced} deterministic outputs reproduced exactly (4_1 RS256, 4_4 HS256)`,
    )
    tally.finish('jose-cookbook jws (RFC 7520 section 4, compact)')
  },
)

// ---------------------------------------------------------------------------------------------
// RFC 7520 section 4: the JSON serializations, and detached content (4_5) in every form.

interface SigningStep {
  protected?: Record<string, unknown>
  unprotected?: Record<string, unknown>
}

interface CookbookJsonJws {
  input: { payload: string; key: JWK | JWK[]; alg: string | string[] }
  signing: SigningStep | SigningStep[]
  output: { compact?: string; json?: jws.GeneralJWS; json_flat?: jws.FlattenedJWS }
}

interface CookbookJsonCase {
  file: string
  /** The section 3 key(s) that verify it, one per signature. */
  section3: string[]
  detached?: boolean
}

const RSA_PUBLIC = 'jwk/3_3.rsa_public_key.json'
const EC_PUBLIC = 'jwk/3_1.ec_public_key.json'
const HMAC_KEY = 'jwk/3_5.symmetric_key_mac_computation.json'

const JSON_CASES: readonly CookbookJsonCase[] = [
  { file: 'jws/4_1.rsa_v15_signature.json', section3: [RSA_PUBLIC] },
  { file: 'jws/4_2.rsa-pss_signature.json', section3: [RSA_PUBLIC] },
  { file: 'jws/4_3.ecdsa_signature.json', section3: [EC_PUBLIC] },
  { file: 'jws/4_4.hmac-sha2_integrity_protection.json', section3: [HMAC_KEY] },
  { file: 'jws/4_5.signature_with_detached_content.json', section3: [HMAC_KEY], detached: true },
  { file: 'jws/4_6.protecting_specific_header_fields.json', section3: [HMAC_KEY] },
  { file: 'jws/4_7.protecting_content_only.json', section3: [HMAC_KEY] },
  { file: 'jws/4_8.multiple_signatures.json', section3: [RSA_PUBLIC, EC_PUBLIC, HMAC_KEY] },
]

// Algorithms whose signatures are deterministic, so that signing again must give the same bytes.
const DETERMINISTIC = new Set(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'EdDSA'])

/** The jws.signJSON signer that makes the signature an example describes in `signing`. */
function signerFor(key: JWK, alg: string, step: SigningStep): jws.JWSJSONSigner {
  return {
    key,
    algorithm: alg,
    protectedHeader: step.protected,
    unprotectedHeader: step.unprotected,
  }
}

vectorTest(
  'RFC 7520 section 4 JSON serializations and detached content (jose-cookbook/jws)',
  JSON_CASES.flatMap((c) => [
    `jose-cookbook/${c.file}`,
    ...c.section3.map((k) => `jose-cookbook/${k}`),
  ]),
  () => {
    const tally = new Tally()
    let reproduced = 0
    let wholeReproduced = 0
    let signaturesVerified = 0
    for (const { file, section3, detached } of JSON_CASES) {
      const example = readVectors<CookbookJsonJws>(`jose-cookbook/${file}`)
      const keys = [example.input.key].flat()
      const algs = [example.input.alg].flat()
      const steps = [example.signing].flat()
      const section3Keys = section3.map((path) => readVectors<JWK>(`jose-cookbook/${path}`))
      const expected = Buffer.from(example.input.payload, 'utf8')
      const options = detached ? { detachedPayload: example.input.payload } : {}
      const forms = (['json', 'json_flat'] as const).filter((form) => example.output[form])
      for (const form of forms) {
        check(tally, `${file} ${form}`, 'valid', () => {
          const output = example.output[form]!
          assert.equal('payload' in output, !detached, 'a payload member unless detached')
          for (const [index, alg] of algs.entries()) {
            const key = keys[index]!
            const verifiers: [string, JWK][] = [
              ['input.key', key],
              ['input.key public half', key.kty === 'oct' ? key : publicJwk(key)],
              [section3[index]!, section3Keys[index]!],
            ]
            for (const [name, verifier] of verifiers) {
              for (const input of [output, JSON.stringify(output)]) {
                const result = jws.verifyJSON(input, verifier, [alg], options)
                assert.deepEqual(result.payload, expected, `verify with ${name}`)
                assert.equal(result.signatureIndex, index, `the signature of ${name}`)
              }
              signaturesVerified += 1
            }
          }
          // Not vacuous: another payload verifies with none of the keys.
          for (const [index, alg] of algs.entries()) {
            const other = detached
              ? () => jws.verifyJSON(output, keys[index]!, [alg], { detachedPayload: 'x' })
              : () =>
                  jws.verifyJSON(
                    { ...output, payload: Buffer.from('x').toString('base64url') },
                    keys[index]!,
                    [alg],
                  )
            assert.throws(other, errors.JWSSignatureError)
          }
          // Signing again: every deterministic signature is reproduced exactly, and every one of
          // ours verifies. Signatures that protect nothing, not even alg (4_7, the ES512 one of
          // 4_8), are left out: signJSON always protects alg.
          const made = algs.flatMap((alg, index) =>
            steps[index]!.protected === undefined ? [] : [{ alg, index }],
          )
          if (made.length === 0) return
          const signed = jws.signJSON(
            example.input.payload,
            made.map(({ alg, index }) => signerFor(keys[index]!, alg, steps[index]!)),
            { flattened: form === 'json_flat' && made.length === 1, detached },
          )
          const ours = 'signatures' in signed ? signed.signatures : [signed]
          const theirs =
            'signatures' in output ? output.signatures : [output as jws.JWSJSONSignature]
          for (const [position, { alg, index }] of made.entries()) {
            const mine = ours[position]!
            assert.equal(mine.protected, theirs[index]!.protected, 'protected header')
            assert.deepEqual(mine.header, theirs[index]!.header, 'unprotected header')
            if (DETERMINISTIC.has(alg)) {
              assert.equal(mine.signature, theirs[index]!.signature, `${alg} reproduced`)
              reproduced += 1
            }
            const verified = jws.verifyJSON(signed, section3Keys[index]!, [alg], options)
            assert.equal(verified.signatureIndex, position)
          }
          if (made.length === algs.length && algs.every((alg) => DETERMINISTIC.has(alg))) {
            assert.equal(JSON.stringify(signed), JSON.stringify(output), 'the whole JWS, exactly')
            wholeReproduced += 1
          }
        })
      }
      if (detached) {
        check(tally, `${file} compact`, 'valid', () => {
          const compact = example.output.compact!
          assert.equal(compact.split('.')[1], '', 'an empty payload segment')
          for (const verifier of [keys[0]!, section3Keys[0]!]) {
            assert.deepEqual(jws.verify(compact, verifier, [algs[0]!], options), expected)
          }
          assert.throws(() => jws.verify(compact, keys[0]!, [algs[0]!]), errors.JWSSignatureError)
          assert.equal(
            jws.sign(example.input.payload, keys[0]!, { algorithm: algs[0], detached: true }),
            compact,
            'reproduced exactly',
          )
          reproduced += 1
        })
      }
    }
    // 4_8 with a key set: the kid and the key type choose among keys that share a kid.
    check(tally, 'jws/4_8 json with a JWK Set of the section 3 public keys', 'valid', () => {
      const example = readVectors<CookbookJsonJws>(`jose-cookbook/${JSON_CASES[7]!.file}`)
      const set = {
        keys: [RSA_PUBLIC, EC_PUBLIC].map((p) => readVectors<JWK>(`jose-cookbook/${p}`)),
      }
      assert.equal(jws.verifyJSON(example.output.json!, set, ['ES512']).signatureIndex, 1)
      assert.equal(jws.verifyJSON(example.output.json!, set, ['RS256', 'ES512']).signatureIndex, 0)
      assert.throws(
        () => jws.verifyJSON(example.output.json!, set, ['PS256']),
        errors.JWSAlgorithmError,
      )
    })
    tally.notes.push(
      `${signaturesVerified} signature verifications (each as an object and as text)`,
    )
    tally.notes.push(
      `${reproduced} deterministic signatures reproduced exactly (${wholeReproduced} whole JWSs byte for byte)`,
    )
    tally.finish('jose-cookbook jws (RFC 7520 section 4, JSON forms and detached content)', 17)
  },
)

// ---------------------------------------------------------------------------------------------
// RFC 7797: unencoded payloads (jose-cookbook/rfc7797).

const RFC7797 = 'jose-cookbook/rfc7797/hmac-sha2_b64_false.json'
const RFC7797_NO_CRIT = 'jose-cookbook/rfc7797/4.2.hmac-sha2_b64_false.json'

vectorTest(
  'RFC 7797 unencoded payloads (jose-cookbook/rfc7797)',
  [RFC7797, RFC7797_NO_CRIT],
  () => {
    const tally = new Tally()
    const example = readVectors<CookbookJsonJws>(RFC7797)
    const { payload, alg } = example.input
    const key = example.input.key as JWK
    const expected = Buffer.from(payload, 'utf8')
    // The signing block of this file is inconsistent (see the vectors README, 5.4); output is right.
    const { compact, json, json_flat: flat } = example.output
    check(tally, `${RFC7797} compact`, 'valid', () => {
      assert.equal(compact!.split('.')[1], payload, 'the payload in clear')
      assert.deepEqual(jws.verify(compact!, key, [alg as string]), expected)
      assert.deepEqual(jws.getUnverifiedClaims(compact!), expected)
      assert.equal(
        jws.sign(payload, key, { unencodedPayload: true }),
        compact,
        'reproduced exactly',
      )
      const viaHeaders = jws.sign(payload, key, { headers: { b64: false, crit: ['b64'] } })
      assert.equal(viaHeaders, compact, 'reproduced exactly, b64 given as headers')
      // Never as a JWT (RFC 7797 section 7).
      assert.throws(
        () => jwt.decode(compact!, key, { algorithms: ['HS256'] }),
        errors.InvalidTokenError,
      )
    })
    for (const [form, output] of [
      ['json', json],
      ['json_flat', flat],
    ] as const) {
      check(tally, `${RFC7797} ${form}`, 'valid', () => {
        assert.deepEqual(jws.verifyJSON(output!, key, [alg as string]).payload, expected)
        const signed = jws.signJSON(payload, [{ key }], {
          unencodedPayload: true,
          flattened: form === 'json_flat',
        })
        assert.equal(JSON.stringify(signed), JSON.stringify(output), 'reproduced exactly')
      })
    }
    const noCrit = readVectors<CookbookJsonJws>(RFC7797_NO_CRIT)
    for (const form of ['json', 'json_flat'] as const) {
      check(tally, `${RFC7797_NO_CRIT} ${form}`, 'invalid', () => {
        const output = noCrit.output[form]!
        // The signature itself is right: what is refused is b64: false without crit (RFC 7797 6).
        const entry =
          'signatures' in output ? output.signatures[0]! : (output as jws.JWSJSONSignature)
        assert.deepEqual(JSON.parse(Buffer.from(entry.protected!, 'base64url').toString()), {
          alg: 'HS256',
          b64: false,
        })
        const mac = jwk.construct(noCrit.input.key as JWK)
        const input = `${entry.protected}.${noCrit.input.payload}`
        assert.ok(mac.verify(input, Buffer.from(entry.signature, 'base64url')), 'the MAC is right')
        assert.throws(
          () => jws.verifyJSON(output, noCrit.input.key as JWK, ['HS256']),
          (err) => err instanceof errors.JWSError && err.code === 'ERR_JWS_INVALID',
        )
      })
    }
    tally.finish('jose-cookbook rfc7797 (RFC 7797 b64: false)', 5)
  },
)

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
      // RFC 9278 section 3 gives the thumbprint URI of the RFC 7638 key.
      const uri = `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${entry.thumbprint}`
      assert.equal(key.thumbprintURI(), uri, 'RFC 9278 thumbprint URI')
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
    for (const form of ['json', 'json_flat'] as const) {
      check(tally, `RFC 8037 A.4 ${form}`, 'valid', () => {
        const output = (example.output as CookbookJsonJws['output'])[form]!
        const { payload } = example.input
        const key = example.input.key as JWK
        const expected = Buffer.from(payload, 'utf8')
        assert.deepEqual(jws.verifyJSON(output, publicJwk(key), ['EdDSA']).payload, expected)
        assert.deepEqual(jws.verifyJSON(JSON.stringify(output), key, ['EdDSA']).payload, expected)
        const signed = jws.signJSON(payload, [{ key, algorithm: 'EdDSA' }], {
          flattened: form === 'json_flat',
        })
        assert.equal(JSON.stringify(signed), JSON.stringify(output), 'jws.signJSON reproduces A.4')
      })
    }
    tally.finish('jose-cookbook curve25519/jws.json (RFC 8037 A.4, compact and JSON)', 3)
  },
)
