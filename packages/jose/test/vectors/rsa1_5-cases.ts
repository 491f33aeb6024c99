// The RSA1_5 vectors, shared by the in-process tests and the child process that rsa1_5-revert.test.ts
// starts where node:crypto allows PKCS#1 v1.5 decryption. Run only where it is allowed.
//
// - rsa_pkcs1_2048_test.json through pkcs1DecryptCek: `valid` must give `msg`; `invalid` (bad
//   padding) must not: it gives a random CEK of the requested length instead, never an error.
// - The valid RSA1_5 JWEs: Wycheproof JWE tcIds 100-105, 112 and 128, RFC 7520 section 5.1 (compact,
//   JSON, flattened), recipient 0 of RFC 7520 section 5.13, and RFC 7516 appendix A.2. The invalid
//   ones (113-120, bad padding) must fail exactly like a wrong tag: ERR_JWE_DECRYPTION_FAILED, with
//   the message of a wrong tag.
import type { Buffer } from 'node:buffer'
import { pkcs1DecryptCek } from '../../src/algorithms/rsa1_5.js'
import { CONTENT_ENCRYPTION_ALGORITHMS, errors, jwe, jwk, type JWK } from '../../src/index.js'
import { RFC7516_A2 } from './rfc7516-appendix-a.js'
import { attempt, describeOutcome, hex, readVectors } from './load.js'
import type { Tally, WycheproofFile, WycheproofTest } from './load.js'

/** The Wycheproof RSA PKCS#1 v1.5 decryption file. */
export const PKCS1_FILE = 'wycheproof/rsa_pkcs1_2048_test.json'

/** Its shape. */
export type Pkcs1File = WycheproofFile<{
  privateKeyJwk: JWK
  tests: (WycheproofTest & { msg: string; ct: string })[]
}>

const RSA15 = { algorithms: ['RSA1_5'], encryptions: [...CONTENT_ENCRYPTION_ALGORITHMS] }

/** Runs rsa_pkcs1_2048_test.json through pkcs1DecryptCek into `tally`. */
export function runPkcs1Vectors(file: Pkcs1File, tally: Tally): void {
  for (const group of file.testGroups) {
    const key = jwk.construct(group.privateKeyJwk).keyObject
    for (const t of group.tests) {
      const msg = hex(t.msg)
      let issue: string | undefined
      const outcome = attempt(() => {
        // A zero-length CEK is never requested in JOSE; ask for at least one byte.
        const out = pkcs1DecryptCek(key, hex(t.ct), Math.max(msg.length, 1))
        if (t.result === 'valid' && !out.equals(msg) && msg.length > 0) issue = 'not msg'
        if (t.result === 'invalid' && out.equals(msg)) issue = 'a lenient decoding leaked msg'
      })
      tally.record(t.result, t.tcId, outcome.accepted ? issue : describeOutcome(outcome))
    }
  }
}

interface JweGroup {
  private: JWK
  tests: (WycheproofTest & { jwe: string; pt?: string })[]
}

/** Runs the RSA1_5 JWEs into `tally`. */
export function runRsa15Jwes(tally: Tally): void {
  const file = readVectors<WycheproofFile<JweGroup>>('wycheproof/json_web_encryption_test.json')
  let wrongTagMessage: string | undefined
  for (const group of file.testGroups) {
    if (group.private.alg !== 'RSA1_5') continue
    for (const t of group.tests) {
      const outcome = attempt(() => jwe.decrypt(t.jwe, group.private, RSA15))
      if (t.result === 'valid') {
        const out = outcome.accepted ? jwe.decrypt(t.jwe, group.private, RSA15) : undefined
        const issue = out === undefined ? describeOutcome(outcome) : undefined
        tally.record(
          'valid',
          t.tcId,
          issue ?? (t.pt && !out!.equals(hex(t.pt)) ? 'wrong plaintext' : undefined),
        )
        // The same token with a modified tag: the reference failure.
        const [h, k, iv, c, tag] = t.jwe.split('.')
        const bad = `${h}.${k}.${iv}.${c}.${tag!.startsWith('A') ? 'B' : 'A'}${tag!.slice(1)}`
        const wrongTag = attempt(() => jwe.decrypt(bad, group.private, RSA15))
        if (!wrongTag.accepted) wrongTagMessage ??= (wrongTag.error as Error).message
        continue
      }
      const error = outcome.accepted ? undefined : outcome.error
      const same =
        error instanceof errors.JWEDecryptionError &&
        (wrongTagMessage === undefined || error.message === wrongTagMessage)
      tally.record(
        'invalid',
        t.tcId,
        same ? undefined : `not a wrong-tag failure: ${describeOutcome(outcome)}`,
      )
    }
  }
}

interface CookbookJwe {
  input: { plaintext: string; key: JWK | JWK[] }
  output: { compact?: string; json?: unknown; json_flat?: unknown }
}

/** Runs RFC 7520 sections 5.1 and 5.13 (recipient 0), and RFC 7516 A.2, into `tally`. */
export function runRsa15Examples(tally: Tally): void {
  const example = (
    id: string,
    expected: string,
    fn: () => { plaintext: Buffer; index?: number },
  ) => {
    const outcome = attempt(() => {
      const out = fn()
      return out.plaintext.toString('utf8') === expected && (out.index ?? 0) === 0
    })
    tally.record('valid', id, outcome.accepted ? undefined : describeOutcome(outcome))
  }
  const c51 = readVectors<CookbookJwe>(
    'jose-cookbook/jwe/5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json',
  )
  const key = c51.input.key as JWK
  const text = c51.input.plaintext
  example('RFC 7520 5.1 compact', text, () => ({
    plaintext: jwe.decrypt(c51.output.compact!, key, RSA15),
  }))
  for (const form of ['json', 'json_flat'] as const) {
    example(`RFC 7520 5.1 ${form}`, text, () =>
      jwe.decryptJSON(c51.output[form] as never, key, RSA15),
    )
  }
  const c513 = readVectors<CookbookJwe>(
    'jose-cookbook/jwe/5_13.encrypting_to_multiple_recipients.json',
  )
  example('RFC 7520 5.13 recipient 0', c513.input.plaintext, () => {
    const out = jwe.decryptJSON(c513.output.json as never, (c513.input.key as JWK[])[0]!, RSA15)
    return { plaintext: out.plaintext, index: out.recipientIndex }
  })
  example('RFC 7516 A.2', RFC7516_A2.plaintext, () => ({
    plaintext: jwe.decrypt(RFC7516_A2.compact, RFC7516_A2.key, RSA15),
  }))
}
