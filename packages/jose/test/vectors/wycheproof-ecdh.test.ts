// Wycheproof ECDH vectors through the ECDH-ES path of this library: the private key imported as a
// Key (jwk.construct), the public key checked and agreed with by agreeWithEpk exactly as a received
// `epk` is. Files: ecdh_secp256r1/384r1/521r1_webcrypto_test.json (JWK keys) and
// x25519_jwk_test.json, x448_jwk_test.json.
// - `valid`: the shared secret must equal `shared`.
// - `invalid` (off-curve points, invalid-curve attacks, another curve, malformed JWKs): rejected
//   by agreeWithEpk (JWEError) or by the agreement (no secret).
// - `acceptable` (X25519/X448 only): twist points, non-canonical encodings, low-order points. Our
//   pinned behaviour: a key that yields a secret is accepted and the secret must equal `shared`;
//   an all-zero secret (every `ZeroSharedSecret` case) is refused, as RFC 7748 section 6.1 allows.
//   The summary says how many acceptable vectors went each way.
import { Buffer } from 'node:buffer'
import { errors, jwe, jwk, type JWK } from '../../src/index.js'
import { agreeWithEpk } from '../../src/jwe/epk.js'
import {
  Tally,
  attempt,
  describeOutcome,
  hex,
  readVectors,
  vectorTest,
  type WycheproofFile,
  type WycheproofTest,
} from './load.js'

interface EcdhTest extends WycheproofTest {
  public: JWK
  private: JWK
  shared: string
}

const FILES = [
  'ecdh_secp256r1_webcrypto_test.json',
  'ecdh_secp384r1_webcrypto_test.json',
  'ecdh_secp521r1_webcrypto_test.json',
  'x25519_jwk_test.json',
  'x448_jwk_test.json',
]

for (const name of FILES) {
  vectorTest(`wycheproof ${name} (ECDH-ES epk path)`, `wycheproof/${name}`, () => {
    const file = readVectors<WycheproofFile<{ tests: EcdhTest[] }>>(`wycheproof/${name}`)
    const tally = new Tally()
    let acceptedAcceptable = 0
    for (const t of file.testGroups.flatMap((group) => group.tests)) {
      const key = jwk.construct(t.private)
      let secret: Buffer | undefined
      const outcome = attempt(() => {
        secret = agreeWithEpk(t.public, key)
        return secret !== undefined
      })
      if (
        !outcome.accepted &&
        outcome.error !== undefined &&
        !(outcome.error instanceof errors.JWEError)
      ) {
        tally.record(t.result, t.tcId, `rejected with ${describeOutcome(outcome)}`)
        continue
      }
      const matches = outcome.accepted && secret!.equals(hex(t.shared))
      let issue: string | undefined
      if (t.result === 'valid')
        issue = matches ? undefined : `expected the shared secret, ${describeOutcome(outcome)}`
      else if (t.result === 'invalid')
        issue = outcome.accepted ? 'agreed with an invalid public key' : undefined
      else {
        if (outcome.accepted) acceptedAcceptable += 1
        if (outcome.accepted && !matches) issue = 'accepted, with the wrong shared secret'
        if (outcome.accepted && t.flags.includes('ZeroSharedSecret'))
          issue = 'accepted a zero secret'
      }
      tally.record(t.result, t.tcId, issue)
    }
    if (tally.byLabel.acceptable > 0) {
      tally.notes.push(
        `acceptable: ${acceptedAcceptable} agreed (twist and non-canonical points, correct secret), ${tally.byLabel.acceptable - acceptedAcceptable} refused (zero shared secret)`,
      )
    }
    tally.finish(`wycheproof ${name}`, file.numberOfTests)
  })
}

// The same invalid public keys, as the `epk` of a real JWE: each must be refused by jwe.decrypt
// (a JOSEError, never a decryption) before any key is agreed.
for (const name of FILES.slice(0, 3)) {
  vectorTest(`wycheproof ${name}: invalid public keys as a JWE epk`, `wycheproof/${name}`, () => {
    const file = readVectors<WycheproofFile<{ tests: EcdhTest[] }>>(`wycheproof/${name}`)
    const tally = new Tally()
    for (const t of file.testGroups.flatMap((group) => group.tests)) {
      if (t.result !== 'invalid') continue
      const key = jwk.construct(t.private)
      const token = jwe.encrypt('x', key.publicKey(), { algorithm: 'ECDH-ES+A128KW' })
      const [header, ...rest] = token.split('.')
      const forged = JSON.parse(Buffer.from(header!, 'base64url').toString())
      forged.epk = t.public
      const bad = [Buffer.from(JSON.stringify(forged)).toString('base64url'), ...rest].join('.')
      const outcome = attempt(() => jwe.decrypt(bad, key, { algorithms: ['ECDH-ES+A128KW'] }))
      const refused = !outcome.accepted && outcome.error instanceof errors.JOSEError
      tally.record('invalid', t.tcId, refused ? undefined : describeOutcome(outcome))
    }
    tally.finish(`wycheproof ${name} invalid keys as epk`)
  })
}
