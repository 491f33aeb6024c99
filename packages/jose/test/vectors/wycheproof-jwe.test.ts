// Wycheproof JWE vectors: json_web_encryption_test.json and the JWE cases of
// json_web_crypto_test.json, run through jwe.decrypt (see /work/shared/vectors/README.md, 4.1).
//
// How each vector is run:
// - The key is the group's `private` JWK. Every algorithm is allowed (RSA1_5 and PBES2 named, all
//   six encryptions), so what refuses a vector is the token or the key, never a short list: the
//   key's own `alg` is binding, which is how tcIds 94-99, 106-111 and 122-127 (a key used with
//   another algorithm: WrongCipher, Pkcs15WithOaepKey) are refused.
// - `valid` must decrypt to `pt` (hex) when given; `invalid` must be rejected with a JOSEError, and
//   jwt.decrypt must reject it with a JWTError. The same key inside a JWK Set must agree.
// - RSA1_5: node:crypto refuses PKCS#1 v1.5 decryption on this runtime unless its OpenSSL does
//   implicit rejection (CVE-2023-46809). Where refused, the valid RSA1_5 vectors (100-105, 112,
//   128) are pinned to ERR_JWE_UNSUPPORTED and counted as known exceptions; rsa1_5-revert.test.ts
//   runs them in a child process where the runtime allows it, and they decrypt there.
// - tcId 22 and json_web_crypto tcId 66 are JSON serializations: jwe.decrypt (compact only)
//   refuses them; tcId 66 is also decrypted through jwe.decryptJSON, where it is valid.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import {
  CONTENT_ENCRYPTION_ALGORITHMS,
  KEY_MANAGEMENT_ALGORITHMS,
  errors,
  jwe,
  jwt,
  type JOSEErrorCode,
  type JWK,
} from '../../src/index.js'
import { pkcs1DecryptionSupported } from '../../src/algorithms/rsa1_5.js'
import {
  Tally,
  attempt,
  describeOutcome,
  hex,
  problem,
  readVectors,
  vectorTest,
  type WycheproofFile,
  type WycheproofTest,
} from './load.js'

const ENCRYPTION_FILE = 'wycheproof/json_web_encryption_test.json'
const CRYPTO_FILE = 'wycheproof/json_web_crypto_test.json'

interface JweTest extends WycheproofTest {
  jwe?: unknown
  jws?: unknown
  pt?: string
}

interface JweGroup {
  comment: string
  private: JWK
  public?: JWK
  tests: JweTest[]
}

/** Every name allowed: the key, not the list, must refuse what it cannot do. */
const EVERYTHING = {
  algorithms: [...KEY_MANAGEMENT_ALGORITHMS],
  encryptions: [...CONTENT_ENCRYPTION_ALGORITHMS],
}

/**
 * Codes we pin for some invalid vectors of json_web_encryption_test.json, to show the rejection is
 * for the stated reason.
 */
const PINNED: ReadonlyMap<number, JOSEErrorCode> = new Map<number, JOSEErrorCode>([
  [4, 'ERR_JWE_DECRYPTION_FAILED'], // tag too long
  [5, 'ERR_JWE_DECRYPTION_FAILED'], // truncated tag
  [16, 'ERR_JWE_DECRYPTION_FAILED'], // modified encrypted key
  [22, 'ERR_JWE_INVALID'], // JSON serialization to the compact parser
  [24, 'ERR_JWE_INVALID'], // GCM tag too long, in non-canonical base64url: strict decoding refuses it
  [51, 'ERR_JWE_INVALID'], // invalid-curve epk
  [106, 'ERR_JWE_DECRYPTION_FAILED'], // A128GCMKW key used with A128KW: the key refuses
  [107, 'ERR_JWE_DECRYPTION_FAILED'],
  [110, 'ERR_JWE_DECRYPTION_FAILED'], // RSA-OAEP key used with RSA1_5
  [111, 'ERR_JWE_DECRYPTION_FAILED'],
])

const RSA1_5_VALID = new Set([100, 101, 102, 103, 104, 105, 112, 128])

function code(error: unknown): string | undefined {
  return error instanceof errors.JOSEError ? error.code : undefined
}

function isRsa15(test: JweTest): boolean {
  if (typeof test.jwe !== 'string') return false
  try {
    return JSON.parse(Buffer.from(test.jwe.split('.')[0]!, 'base64url').toString()).alg === 'RSA1_5'
  } catch {
    return false
  }
}

/** Runs one vector through every path; returns what went wrong, if anything. */
function runVector(
  test: JweTest,
  key: JWK,
  pins: ReadonlyMap<number, JOSEErrorCode>,
): string | undefined {
  const mustAccept = test.result === 'valid'
  let plaintext: Buffer | undefined
  const outcome = attempt(() => {
    plaintext = jwe.decrypt(test.jwe as string, key, EVERYTHING)
  })
  let issue = problem(mustAccept, outcome)
  if (
    mustAccept &&
    issue === undefined &&
    test.pt !== undefined &&
    !plaintext!.equals(hex(test.pt))
  ) {
    issue = 'decrypted to the wrong plaintext'
  }
  const inSet = attempt(() => jwe.decrypt(test.jwe as string, { keys: [key] }, EVERYTHING))
  if (inSet.accepted !== outcome.accepted) {
    issue ??= `with the key ${describeOutcome(outcome)}, inside a JWK Set ${describeOutcome(inSet)}`
  }
  if (!mustAccept) {
    const pinned = pins.get(test.tcId)
    if (pinned !== undefined && !outcome.accepted && code(outcome.error) !== pinned) {
      issue ??= `expected ${pinned}, got ${describeOutcome(outcome)}`
    }
    const asJwt = attempt(() => jwt.decrypt(test.jwe as string, key, EVERYTHING))
    if (asJwt.accepted) issue ??= 'jwt.decrypt accepted an invalid vector'
    else if (!(asJwt.error instanceof errors.JWTError)) {
      issue ??= `jwt.decrypt rejected with ${describeOutcome(asJwt)}`
    }
  }
  return issue
}

/** Records a vector: the RSA1_5 ones that this runtime cannot decrypt are pinned exceptions. */
function record(
  tally: Tally,
  test: JweTest,
  key: JWK,
  pins: ReadonlyMap<number, JOSEErrorCode> = new Map(),
): void {
  if (test.result === 'acceptable') {
    tally.record(test.result, test.tcId, 'undocumented acceptable vector: decide and pin it')
    return
  }
  if (RSA1_5_VALID.has(test.tcId) && isRsa15(test) && !pkcs1DecryptionSupported()) {
    const outcome = attempt(() => jwe.decrypt(test.jwe as string, key, EVERYTHING))
    const got = outcome.accepted ? 'accepted' : code(outcome.error)
    tally.exception(
      test.tcId,
      got === 'ERR_JWE_UNSUPPORTED' ? undefined : `pinned ERR_JWE_UNSUPPORTED, got ${got}`,
    )
    return
  }
  tally.record(test.result, test.tcId, runVector(test, key, pins))
}

function allTests(file: WycheproofFile<JweGroup>) {
  return file.testGroups.flatMap((group) =>
    group.tests.map((test) => ({ test, key: group.private })),
  )
}

vectorTest('wycheproof json_web_encryption_test.json', ENCRYPTION_FILE, () => {
  const file = readVectors<WycheproofFile<JweGroup>>(ENCRYPTION_FILE)
  const tally = new Tally()
  for (const { test, key } of allTests(file)) record(tally, test, key, PINNED)
  if (!pkcs1DecryptionSupported()) {
    tally.notes.push(
      'the exceptions are valid RSA1_5 vectors, ERR_JWE_UNSUPPORTED here (CVE-2023-46809); they decrypt in rsa1_5-revert.test.ts',
    )
  }
  tally.finish('wycheproof json_web_encryption_test.json', file.numberOfTests)
})

vectorTest(
  'wycheproof json_web_encryption_test.json: the key-binding rejections are the binding',
  ENCRYPTION_FILE,
  () => {
    const file = readVectors<WycheproofFile<JweGroup>>(ENCRYPTION_FILE)
    const byId = new Map(allTests(file).map((entry) => [entry.test.tcId, entry]))
    // WrongCipher: sound ciphertexts, refused only because the key is bound to another algorithm.
    for (const tcId of [106, 107, 108, 109]) {
      const { test, key } = byId.get(tcId)!
      const unbound: JWK = { ...key }
      delete unbound.alg
      assert.ok(jwe.decrypt(test.jwe as string, unbound, EVERYTHING).length > 0, `tcId ${tcId}`)
      assert.throws(
        () => jwe.decrypt(test.jwe as string, key, EVERYTHING),
        errors.JWEDecryptionError,
      )
    }
    // RSA1_5 is off unless named: the valid RSA1_5 vectors are refused by default.
    for (const tcId of RSA1_5_VALID) {
      const { test, key } = byId.get(tcId)!
      assert.throws(
        () => jwe.decrypt(test.jwe as string, key),
        errors.JWEAlgorithmError,
        `tcId ${tcId}`,
      )
    }
  },
)

vectorTest('wycheproof json_web_crypto_test.json (JWE cases)', CRYPTO_FILE, () => {
  const file = readVectors<WycheproofFile<JweGroup>>(CRYPTO_FILE)
  const tally = new Tally()
  for (const { test, key } of allTests(file)) {
    if (test.jwe === undefined) {
      tally.skip('JWS cases (run in wycheproof-jws.test.ts)')
      continue
    }
    record(tally, test, key)
    if (typeof test.jwe === 'object') {
      // A JSON serialization object: refused by the compact parser, valid for decryptJSON.
      const out = attempt(() => jwe.decryptJSON(test.jwe as never, key, EVERYTHING))
      if (!out.accepted)
        tally.failures.push(`tcId ${test.tcId}: jwe.decryptJSON ${describeOutcome(out)}`)
      else
        tally.notes.push(
          `tcId ${test.tcId} (a JSON serialization) decrypts through jwe.decryptJSON`,
        )
    }
  }
  tally.finish('wycheproof json_web_crypto_test.json (JWE)', file.numberOfTests)
})
