// Wycheproof signature and MAC primitive vectors, run through our own key import and verify path:
// each group key is imported with jwk.construct(<form>, alg) in every form the file offers (JWK,
// PEM, SPKI DER and, for RSA, PKCS#1 DER), and each vector is checked with the Key's
// verify(message, signature) on raw bytes. All import forms must agree.
//
// `valid` must verify; `invalid` must return false or throw a JOSEError. `acceptable` vectors are
// decided in ACCEPTABLE_DECISIONS below, and our behaviour is pinned.
import { errors, jwk, type JWK, type Key } from '../../src/index.js'
import {
  Tally,
  attempt,
  describeOutcome,
  hex,
  problem,
  readVectors,
  vectorTest,
  type Outcome,
  type WycheproofFile,
  type WycheproofTest,
} from './load.js'

interface SignatureTest extends WycheproofTest {
  msg: string
  sig: string
}

interface SignatureGroup {
  type: string
  sha?: string
  sLen?: number
  mgfSha?: string
  publicKeyJwk?: JWK
  /** The RSA PKCS#1 v1.5 files name it keyJwk. */
  keyJwk?: JWK
  publicKeyPem?: string
  publicKeyDer?: string
  /** RSA: the PKCS#1 RSAPublicKey DER. */
  publicKeyAsn?: string
  tests: SignatureTest[]
}

interface MacTest extends WycheproofTest {
  key: string
  msg: string
  tag: string
}

interface MacGroup {
  keySize: number
  tagSize: number
  tests: MacTest[]
}

/** How we decide an `acceptable` vector, by flag. */
interface AcceptableDecision {
  accept: boolean
  why: string
}

// Every `acceptable` vector in the files below, decided. A new acceptable flag fails the suite
// until it is decided here.
const ACCEPTABLE_DECISIONS: Readonly<Record<string, AcceptableDecision>> = {
  // rsa_signature_2048_sha{256,384,512}_test.json tcId 8: a DigestInfo whose AlgorithmIdentifier
  // omits the NULL parameters. We REJECT: RFC 8017 section 9.2 (note 2) and RFC 7518 section 3.3
  // signers always encode the NULL, node:crypto/OpenSSL verifies by comparing against that one
  // encoding, and accepting a second encoding of the same signature only widens what a verifier
  // accepts (signature malleability) for no interoperability gain in JOSE.
  MissingNull: {
    accept: false,
    why: 'DigestInfo without NULL is rejected (RFC 8017 9.2 encoding only; no malleable second form)',
  },
}

interface SignatureSuite {
  file: string
  alg: string
  /** Extra algorithm names that must give the same results with the JWK (fully specified EdDSA). */
  alsoAs?: string
  /** The group parameters this alg implies; a group with others would be a test bug. */
  sha: string
  pss?: { sLen: number; mgfSha: string }
}

const SIGNATURE_SUITES: readonly SignatureSuite[] = [
  { file: 'ecdsa_secp256r1_sha256_p1363_test.json', alg: 'ES256', sha: 'SHA-256' },
  { file: 'ecdsa_secp384r1_sha384_p1363_test.json', alg: 'ES384', sha: 'SHA-384' },
  { file: 'ecdsa_secp521r1_sha512_p1363_test.json', alg: 'ES512', sha: 'SHA-512' },
  { file: 'ecdsa_secp256k1_sha256_p1363_test.json', alg: 'ES256K', sha: 'SHA-256' },
  { file: 'ed25519_test.json', alg: 'EdDSA', alsoAs: 'Ed25519', sha: '' },
  { file: 'ed448_test.json', alg: 'EdDSA', alsoAs: 'Ed448', sha: '' },
  { file: 'rsa_signature_2048_sha256_test.json', alg: 'RS256', sha: 'SHA-256' },
  { file: 'rsa_signature_2048_sha384_test.json', alg: 'RS384', sha: 'SHA-384' },
  { file: 'rsa_signature_2048_sha512_test.json', alg: 'RS512', sha: 'SHA-512' },
  {
    file: 'rsa_pss_2048_sha256_mgf1_32_test.json',
    alg: 'PS256',
    sha: 'SHA-256',
    pss: { sLen: 32, mgfSha: 'SHA-256' },
  },
  {
    file: 'rsa_pss_2048_sha384_mgf1_48_test.json',
    alg: 'PS384',
    sha: 'SHA-384',
    pss: { sLen: 48, mgfSha: 'SHA-384' },
  },
  {
    file: 'rsa_pss_4096_sha512_mgf1_64_test.json',
    alg: 'PS512',
    sha: 'SHA-512',
    pss: { sLen: 64, mgfSha: 'SHA-512' },
  },
]

/** The group key in every form the file gives, each imported through jwk.construct. */
function importForms(group: SignatureGroup, suite: SignatureSuite): [string, () => Key][] {
  const forms: [string, () => Key][] = []
  const jwkForm = group.publicKeyJwk ?? group.keyJwk
  if (jwkForm !== undefined) {
    forms.push(['JWK', () => jwk.construct(jwkForm, suite.alg)])
    const also = suite.alsoAs
    if (also !== undefined) forms.push([`JWK as ${also}`, () => jwk.construct(jwkForm, also)])
  }
  const { publicKeyPem: pem, publicKeyDer: der, publicKeyAsn: asn } = group
  if (pem !== undefined) forms.push(['PEM', () => jwk.construct(pem, suite.alg)])
  if (der !== undefined) forms.push(['SPKI DER', () => jwk.construct(hex(der), suite.alg)])
  if (asn !== undefined) forms.push(['PKCS#1 DER', () => jwk.construct(hex(asn), suite.alg)])
  return forms
}

/** Checks that the group parameters are the ones the JOSE algorithm fixes. */
function groupMismatch(group: SignatureGroup, suite: SignatureSuite): string | undefined {
  if (suite.sha !== '' && group.sha !== suite.sha) return `sha ${group.sha}, not ${suite.sha}`
  if (suite.pss !== undefined) {
    if (group.sLen !== suite.pss.sLen || group.mgfSha !== suite.pss.mgfSha) {
      return `PSS parameters sLen ${group.sLen} / MGF1 ${group.mgfSha} are not those of ${suite.alg}`
    }
  }
  return undefined
}

/** The one outcome all import forms agree on, or a description of the disagreement. */
function agreedOutcome(results: [string, Outcome][]): Outcome | string {
  const first = results[0]
  if (first === undefined) return 'the group has no key form we can import'
  const split = results.filter(([, outcome]) => outcome.accepted !== first[1].accepted)
  if (split.length === 0) {
    // Report a non-JOSE error from any form, not only the first.
    const foreign = results.find(
      ([, outcome]) =>
        !outcome.accepted &&
        outcome.error !== undefined &&
        !(outcome.error instanceof errors.JOSEError),
    )
    return foreign?.[1] ?? first[1]
  }
  return `import forms disagree: ${results.map(([name, o]) => `${name} ${describeOutcome(o)}`).join(', ')}`
}

for (const suite of SIGNATURE_SUITES) {
  const path = `wycheproof/${suite.file}`
  vectorTest(`wycheproof ${suite.file} (${suite.alg})`, path, () => {
    const data = readVectors<WycheproofFile<SignatureGroup>>(path)
    const tally = new Tally()
    const acceptableSeen = new Map<string, number>()
    for (const group of data.testGroups) {
      const mismatch = groupMismatch(group, suite)
      // Import each form once per group; a refused key shows up as a rejection of every vector.
      const keys = importForms(group, suite).map(
        ([name, make]) => [name, attemptKey(make)] as [string, Key | Outcome],
      )
      for (const test of group.tests) {
        if (mismatch !== undefined) {
          tally.record(test.result, test.tcId, `group parameters do not match: ${mismatch}`)
          continue
        }
        const message = hex(test.msg)
        const signature = hex(test.sig)
        const results = keys.map(
          ([name, key]) =>
            [name, isKey(key) ? attempt(() => key.verify(message, signature)) : key] as [
              string,
              Outcome,
            ],
        )
        const outcome = agreedOutcome(results)
        if (typeof outcome === 'string') {
          tally.record(test.result, test.tcId, outcome)
          continue
        }
        if (test.result === 'acceptable') {
          const flag = test.flags.find((name) => ACCEPTABLE_DECISIONS[name] !== undefined)
          const decision = flag === undefined ? undefined : ACCEPTABLE_DECISIONS[flag]
          if (flag === undefined || decision === undefined) {
            tally.record(
              test.result,
              test.tcId,
              `undecided acceptable vector (flags ${test.flags.join(', ')})`,
            )
            continue
          }
          acceptableSeen.set(flag, (acceptableSeen.get(flag) ?? 0) + 1)
          const issue = problem(decision.accept, outcome)
          tally.record(
            test.result,
            test.tcId,
            issue === undefined ? undefined : `pinned ${flag}: ${issue}`,
          )
          continue
        }
        tally.record(test.result, test.tcId, problem(test.result === 'valid', outcome))
      }
    }
    for (const [flag, count] of acceptableSeen) {
      const decision = ACCEPTABLE_DECISIONS[flag]!
      tally.notes.push(
        `acceptable ${flag} x${count}: ${decision.accept ? 'accepted' : 'rejected'} (${decision.why})`,
      )
    }
    tally.finish(`wycheproof ${suite.file}`, data.numberOfTests)
  })
}

function attemptKey(make: () => Key): Key | Outcome {
  try {
    return make()
  } catch (error) {
    return { accepted: false, error }
  }
}

function isKey(value: Key | Outcome): value is Key {
  return !('accepted' in value)
}

// HMAC. JOSE uses untruncated tags only (RFC 7518 section 3.2), so groups with tagSize below the
// hash size are skipped and counted. Keys shorter than the hash output are below the RFC 7518
// section 3.2 minimum: we assert that jwk.construct refuses them (InvalidKeyError) by default, then
// run the MAC itself with { insecureAllowWeakKeys: true }.
const MAC_SUITES = [
  { file: 'hmac_sha256_test.json', alg: 'HS256', bits: 256 },
  { file: 'hmac_sha384_test.json', alg: 'HS384', bits: 384 },
  { file: 'hmac_sha512_test.json', alg: 'HS512', bits: 512 },
] as const

for (const suite of MAC_SUITES) {
  const path = `wycheproof/${suite.file}`
  vectorTest(`wycheproof ${suite.file} (${suite.alg})`, path, () => {
    const data = readVectors<WycheproofFile<MacGroup>>(path)
    const tally = new Tally()
    let weak = 0
    for (const group of data.testGroups) {
      if (group.tagSize !== suite.bits) {
        tally.skip(
          `tagSize ${group.tagSize} < ${suite.bits} (truncated MACs are not used by JOSE)`,
          group.tests.length,
        )
        continue
      }
      const isWeak = group.keySize < suite.bits
      for (const test of group.tests) {
        const secret = hex(test.key)
        const keyJwk: JWK = { kty: 'oct', k: secret.toString('base64url') }
        const options = { insecureAllowWeakKeys: isWeak }
        if (isWeak) {
          weak += 1
          const strict = attempt(() => jwk.construct(keyJwk, suite.alg))
          if (strict.accepted || !(strict.error instanceof errors.InvalidKeyError)) {
            tally.record(
              test.result,
              test.tcId,
              `a ${group.keySize}-bit key must be refused with InvalidKeyError by default; got ${describeOutcome(strict)}`,
            )
            continue
          }
        }
        const message = hex(test.msg)
        const tag = hex(test.tag)
        const outcome = agreedOutcome([
          ['JWK', attempt(() => jwk.construct(keyJwk, suite.alg, options).verify(message, tag))],
          ['bytes', attempt(() => jwk.construct(secret, suite.alg, options).verify(message, tag))],
        ])
        if (typeof outcome === 'string') {
          tally.record(test.result, test.tcId, outcome)
          continue
        }
        if (test.result === 'acceptable') {
          tally.record(test.result, test.tcId, 'undecided acceptable vector')
          continue
        }
        tally.record(test.result, test.tcId, problem(test.result === 'valid', outcome))
      }
    }
    tally.notes.push(
      `${weak} with keys shorter than the hash (refused by default with InvalidKeyError; MAC checked with insecureAllowWeakKeys)`,
    )
    tally.finish(`wycheproof ${suite.file}`, data.numberOfTests)
  })
}
