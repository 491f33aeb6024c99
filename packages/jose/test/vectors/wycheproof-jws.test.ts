// Wycheproof JOSE vectors: json_web_signature_test.json, json_web_key_test.json and the JWS cases
// of json_web_crypto_test.json, run through jws.verify with the group's JWK or JWK Set (see
// /work/shared/vectors/README.md section 4.1 for the format and the policy-dependent cases).
//
// How each vector is run:
// - The key is the group's `public` member when present, else `private`: a single JWK
//   (json_web_signature), a JWK Set (json_web_key) or either (json_web_crypto).
// - `algorithms` is omitted when the key (every key of a set) names a registered signature `alg`:
//   the library then takes the allow-list from the key. Otherwise the test passes the algorithm the
//   group is about, derived from the key type and curve (RSA -> RS256, EC P-256 -> ES256, oct ->
//   HS256, ...), never from the token header. This is how the `rsa_encryption` and
//   `ec_key_for_encryption` groups (use "enc" / key_ops ["encrypt"], no alg) are refused: the
//   key cannot serve a signature algorithm at all.
// - `valid` must verify; `invalid` must be rejected with a JOSEError (any other error is a bug).
// - Each vector is also run through a second path that must agree: the same key inside a JWK Set
//   (kid selection). Valid single-key vectors are also checked on the raw Key.verify path (the
//   signing input and signature bytes, no JWS parsing), and invalid ones through jwt.decode,
//   which must reject them with a JWTError.
//
// Policy-dependent vectors that we pass as labelled (see the README): 332-340 (a PS512 key used
// under other algs: refused because the key's alg is bound), 353-356 (encryption keys: no
// signature algorithm can use them), 375 (non-canonical base64url payload: strict decoding). The
// defective and key-alg-inconsistent vectors are in KNOWN_EXCEPTIONS below.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import {
  SIGNATURE_ALGORITHMS,
  errors,
  jwk,
  jws,
  jwt,
  type JOSEErrorCode,
  type JWK,
  type JWKS,
} from '../../src/index.js'
import {
  Tally,
  attempt,
  describeOutcome,
  problem,
  readVectors,
  vectorTest,
  type Outcome,
  type WycheproofFile,
  type WycheproofResult,
  type WycheproofTest,
} from './load.js'

const SIGNATURE_FILE = 'wycheproof/json_web_signature_test.json'
const KEY_FILE = 'wycheproof/json_web_key_test.json'
const CRYPTO_FILE = 'wycheproof/json_web_crypto_test.json'

interface JoseTest extends WycheproofTest {
  /** Compact JWS text; in json_web_crypto_test also a JSON-serialization object. */
  jws?: unknown
  /** json_web_crypto_test only: a JWE case. */
  jwe?: unknown
}

interface JoseGroup {
  comment: string
  private: JWK | JWKS
  public?: JWK | JWKS
  tests: JoseTest[]
}

type JoseFile = WycheproofFile<JoseGroup>

/** What we do with a vector whose label we do not follow. */
interface KnownException {
  label: WycheproofResult
  /** `accept`, or the JOSEError code we reject with. */
  ours: 'accept' | JOSEErrorCode
  reason: string
}

// json_web_signature_test.json vectors handled against their label (README section 4.1,
// "Tests that need library policy, and defective vectors"). Each is counted separately in the
// summary, and our behaviour is asserted exactly.
const KNOWN_EXCEPTIONS: ReadonlyMap<number, KnownException> = new Map<number, KnownException>([
  [
    346,
    {
      label: 'valid',
      ours: 'ERR_JWS_ALGORITHM_NOT_ALLOWED',
      reason:
        'RFC 7520 Figure 20: the key says alg PS256, the header PS384. We bind the key alg to the header alg (which tcIds 332-340 and json_web_key_test tcId 19 require), so we reject.',
    },
  ],
  [
    350,
    {
      label: 'valid',
      ours: 'ERR_JWS_ALGORITHM_NOT_ALLOWED',
      reason: 'As 346, with key_ops ["verify"] instead of use: key alg PS256, header PS384.',
    },
  ],
  [
    347,
    {
      label: 'valid',
      ours: 'ERR_JWK_INVALID',
      reason:
        'RFC 7520 Figure 27: the key says alg "ES521", which is not a registered name (the header says ES512). The key is refused at import.',
    },
  ],
  [
    351,
    {
      label: 'valid',
      ours: 'ERR_JWK_INVALID',
      reason: 'As 347, with key_ops ["verify"]: key alg "ES521" is refused at import.',
    },
  ],
  [
    367,
    {
      label: 'invalid',
      ours: 'accept',
      reason:
        'Defective (C2SP/wycheproof#236): byte-identical to tcId 357 (ValidMac, valid); the padding it was meant to test was lost upstream. We accept it, as we must accept 357.',
    },
  ],
  [
    370,
    {
      label: 'invalid',
      ours: 'accept',
      reason: 'Defective, as 367: byte-identical to tcId 357. We accept it.',
    },
  ],
  [
    372,
    {
      label: 'valid',
      ours: 'ERR_JWS_INVALID',
      reason:
        'Defective: "?" inserted in the header segment, but the MAC is that of the unmodified input (tcId 357); no RFC 7515 verifier can accept it. Strict base64url rejects it.',
    },
  ],
  [
    373,
    {
      label: 'valid',
      ours: 'ERR_JWS_INVALID',
      reason: 'Defective, as 372, with "?" in the payload segment. Strict base64url rejects it.',
    },
  ],
])

const DERIVED_EC_ALGORITHMS: Readonly<Record<string, string>> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
  secp256k1: 'ES256K',
}

function isRegistered(alg: unknown): alg is string {
  return typeof alg === 'string' && (SIGNATURE_ALGORITHMS as readonly string[]).includes(alg)
}

/** The signature algorithm a key without a usable `alg` is meant for, from its type and curve. */
function derivedAlgorithm(key: JWK): string {
  switch (key.kty) {
    case 'RSA':
      return 'RS256'
    case 'EC':
      return DERIVED_EC_ALGORITHMS[String(key.crv)] ?? 'ES256'
    case 'OKP':
      return 'EdDSA'
    default:
      return 'HS256'
  }
}

function isKeySet(key: JWK | JWKS): key is JWKS {
  return Array.isArray((key as JWKS).keys)
}

/**
 * The `algorithms` argument: undefined (take it from the key) when every key has a registered
 * signature `alg`, else the algorithms derived from the key types. Never read from a token.
 */
function algorithmsFor(key: JWK | JWKS): string[] | undefined {
  const keys = isKeySet(key) ? key.keys : [key]
  if (keys.length > 0 && keys.every((k) => isRegistered(k.alg))) return undefined
  return [...new Set(keys.map((k) => (isRegistered(k.alg) ? k.alg : derivedAlgorithm(k))))]
}

/** The group key as the README says: `public` when present, else `private`. */
function groupKey(group: JoseGroup): JWK | JWKS {
  return group.public ?? group.private
}

function errorCode(outcome: Outcome): string | undefined {
  if (outcome.accepted) return undefined
  return outcome.error instanceof errors.JOSEError ? outcome.error.code : undefined
}

/** Two outcomes agree when both accept, or both reject. */
function disagreement(name: string, first: Outcome, second: Outcome): string | undefined {
  return first.accepted === second.accepted
    ? undefined
    : `jws.verify with the key ${describeOutcome(first)}, but ${name} ${describeOutcome(second)}`
}

/** Valid single-key vectors: the raw signature over the signing input must verify with Key.verify. */
function rawKeyProblem(
  token: string,
  key: JWK,
  algorithms: string[] | undefined,
): string | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return 'a valid vector is not a three-segment compact JWS'
  const [header, payload, signature] = parts as [string, string, string]
  const alg = algorithms?.[0] ?? key.alg
  const outcome = attempt(() =>
    jwk.construct(key, alg).verify(`${header}.${payload}`, Buffer.from(signature, 'base64url')),
  )
  return outcome.accepted
    ? undefined
    : `Key.verify on the raw signature ${describeOutcome(outcome)}`
}

/** jwt.decode must reject an invalid vector with a JWTError, never anything else. */
function jwtProblem(token: unknown, key: JWK | JWKS, algorithms: string[] | undefined) {
  const outcome = attempt(() => jwt.decode(token as string, key, { algorithms }))
  if (outcome.accepted) return 'jwt.decode accepted an invalid vector'
  return outcome.error instanceof errors.JWTError
    ? undefined
    : `jwt.decode rejected with something other than a JWTError: ${describeOutcome(outcome)}`
}

/** Runs one JWS vector through every path and returns what went wrong, if anything. */
function runJwsVector(test: JoseTest, key: JWK | JWKS, mustAccept: boolean): string | undefined {
  const algorithms = algorithmsFor(key)
  const token = test.jws as string
  const outcome = attempt(() => jws.verify(token, key, algorithms))
  let issue = problem(mustAccept, outcome)
  if (!isKeySet(key)) {
    const inSet = attempt(() => jws.verify(token, { keys: [key] }, algorithms))
    issue ??= problem(mustAccept, inSet) ?? disagreement('inside a JWK Set it', outcome, inSet)
    if (mustAccept) issue ??= rawKeyProblem(token, key, algorithms)
  } else {
    const asKeySet = attempt(() => jws.verify(token, new jwk.KeySet(key), algorithms))
    issue ??= problem(mustAccept, asKeySet) ?? disagreement('as a KeySet it', outcome, asKeySet)
  }
  if (!mustAccept) issue ??= jwtProblem(token, key, algorithms)
  return issue
}

/** Checks a known exception against our pinned behaviour. */
function exceptionProblem(
  test: JoseTest,
  exception: KnownException,
  outcome: Outcome,
): string | undefined {
  if (test.result !== exception.label) {
    return `the table says this vector is labelled ${exception.label}, the file says ${test.result}`
  }
  if (exception.ours === 'accept') {
    return outcome.accepted ? undefined : `pinned: accept; got ${describeOutcome(outcome)}`
  }
  const code = errorCode(outcome)
  return code === exception.ours
    ? undefined
    : `pinned: reject with ${exception.ours}; got ${describeOutcome(outcome)}`
}

function allTests(file: JoseFile): { test: JoseTest; key: JWK | JWKS }[] {
  return file.testGroups.flatMap((group) =>
    group.tests.map((test) => ({ test, key: groupKey(group) })),
  )
}

vectorTest('wycheproof json_web_signature_test.json', SIGNATURE_FILE, () => {
  const file = readVectors<JoseFile>(SIGNATURE_FILE)
  const tally = new Tally()
  const seen = new Set<number>()
  for (const { test, key } of allTests(file)) {
    const exception = KNOWN_EXCEPTIONS.get(test.tcId)
    if (exception !== undefined) {
      seen.add(test.tcId)
      // Known exceptions run through the same verify call; the JWK Set path must agree.
      const algorithms = algorithmsFor(key)
      const outcome = attempt(() => jws.verify(test.jws as string, key, algorithms))
      const inSet = attempt(() =>
        jws.verify(test.jws as string, { keys: [key as JWK] }, algorithms),
      )
      tally.exception(
        test.tcId,
        exceptionProblem(test, exception, outcome) ??
          exceptionProblem(test, exception, inSet) ??
          disagreement('inside a JWK Set it', outcome, inSet),
      )
      continue
    }
    // No acceptable vectors in this file; if one appears, it must be decided and documented.
    if (test.result === 'acceptable') {
      tally.record(test.result, test.tcId, 'undocumented acceptable vector: decide and pin it')
      continue
    }
    tally.record(test.result, test.tcId, runJwsVector(test, key, test.result === 'valid'))
  }
  for (const tcId of KNOWN_EXCEPTIONS.keys()) {
    if (!seen.has(tcId)) tally.failures.push(`known exception tcId ${tcId} is not in the file`)
  }
  tally.finish('wycheproof json_web_signature_test.json', file.numberOfTests)
})

vectorTest(
  'wycheproof json_web_signature_test.json: evidence for the known exceptions',
  SIGNATURE_FILE,
  () => {
    const file = readVectors<JoseFile>(SIGNATURE_FILE)
    const byId = new Map(allTests(file).map((entry) => [entry.test.tcId, entry]))
    const entry = (tcId: number) => {
      const found = byId.get(tcId)
      assert.ok(found, `tcId ${tcId} is in the file`)
      return found
    }
    // 367 and 370 are byte-identical to the valid 357: their label cannot be honoured.
    const valid357 = entry(357).test.jws
    for (const tcId of [367, 370]) assert.equal(entry(tcId).test.jws, valid357, `tcId ${tcId}`)
    // 372 and 373 are 357 with a "?" inserted: the MAC is for the input without it.
    for (const tcId of [372, 373]) {
      assert.equal(String(entry(tcId).test.jws).replace('?', ''), valid357, `tcId ${tcId}`)
    }
    // 346/350 and 347/351 are cryptographically sound: the same token verifies once the key's alg is
    // dropped and the header's algorithm is allowed explicitly. Our rejection is the alg binding.
    for (const [tcId, alg] of [
      [346, 'PS384'],
      [350, 'PS384'],
      [347, 'ES512'],
      [351, 'ES512'],
    ] as const) {
      const { test, key } = entry(tcId)
      const unbound: JWK = { ...(key as JWK) }
      delete unbound.alg
      assert.ok(jws.verify(test.jws as string, unbound, [alg]), `tcId ${tcId} with an unbound key`)
      // With the key's own alg, the header's algorithm is never allowed.
      assert.throws(
        () => jws.verify(test.jws as string, key, [alg]),
        (err: unknown) => err instanceof errors.JOSEError,
        `tcId ${tcId} with the key as given`,
      )
    }
  },
)

vectorTest('wycheproof json_web_key_test.json', KEY_FILE, () => {
  const file = readVectors<JoseFile>(KEY_FILE)
  const tally = new Tally()
  for (const { test, key } of allTests(file)) {
    if (test.result === 'acceptable') {
      tally.record(test.result, test.tcId, 'undocumented acceptable vector: decide and pin it')
      continue
    }
    tally.record(test.result, test.tcId, runJwsVector(test, key, test.result === 'valid'))
  }
  tally.notes.push(
    'tcId 4 (duplicate kid) is refused for its non-canonical "k" before the duplicate-kid rule; a separate test checks that rule',
  )
  tally.finish('wycheproof json_web_key_test.json', file.numberOfTests)
})

vectorTest(
  'wycheproof json_web_key_test.json: tcId 4 is refused by the duplicate-kid rule alone',
  KEY_FILE,
  () => {
    const file = readVectors<JoseFile>(KEY_FILE)
    const entry = allTests(file).find(({ test }) => test.tcId === 4)
    assert.ok(entry, 'tcId 4 is in the file')
    const set = entry.key as JWKS
    // Re-encode each k canonically: only the duplicate kid is left to object to.
    const canonical: JWKS = {
      keys: set.keys.map((key) => ({
        ...key,
        k: Buffer.from(String(key.k), 'base64url').toString('base64url'),
      })),
    }
    assert.equal(new Set(canonical.keys.map((key) => key.kid)).size, 1, 'both keys share one kid')
    assert.throws(
      () => jws.verify(entry.test.jws as string, canonical),
      (err: unknown) => err instanceof errors.JWKError && /share a kid/.test(err.message),
    )
  },
)

vectorTest('wycheproof json_web_crypto_test.json (JWS cases)', CRYPTO_FILE, () => {
  const file = readVectors<JoseFile>(CRYPTO_FILE)
  const tally = new Tally()
  for (const { test, key } of allTests(file)) {
    if (test.jws === undefined) {
      tally.skip('JWE cases (run in wycheproof-jwe.test.ts)')
      continue
    }
    if (test.result === 'acceptable') {
      tally.record(test.result, test.tcId, 'undocumented acceptable vector: decide and pin it')
      continue
    }
    // tcId 17 is a JSON serialization object: compact only, so it must be rejected (JWSError).
    tally.record(test.result, test.tcId, runJwsVector(test, key, test.result === 'valid'))
  }
  tally.finish('wycheproof json_web_crypto_test.json', file.numberOfTests)
})
