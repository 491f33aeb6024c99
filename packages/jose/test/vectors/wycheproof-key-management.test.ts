// Wycheproof vectors for JWE key management, through this library's own primitives and key import:
// - rsa_oaep_2048_sha1_mgf1sha1_test.json and rsa_oaep_2048_sha256_mgf1sha256_test.json: the
//   private key imported from its JWK by jwk.construct, then oaepDecrypt (RSA-OAEP, RSA-OAEP-256).
//   JOSE uses an empty label; vectors with a label are skipped.
// - rsa_pkcs1_2048_test.json: pkcs1DecryptCek (RSA1_5), which returns a random CEK instead of
//   failing. Where this runtime refuses PKCS#1 v1.5 decryption, every vector must throw
//   ERR_JWE_UNSUPPORTED here, and rsa1_5-revert.test.ts runs them where it is allowed.
// - pbkdf2_hmacsha256/384/512_test.json: pbkdf2, the PBES2 key derivation.
import { oaepDecrypt } from '../../src/algorithms/rsa-oaep.js'
import { pbkdf2 } from '../../src/algorithms/pbes2.js'
import { pkcs1DecryptCek, pkcs1DecryptionSupported } from '../../src/algorithms/rsa1_5.js'
import { errors, jwk, type JWK } from '../../src/index.js'
import { runPkcs1Vectors, PKCS1_FILE, type Pkcs1File } from './rsa1_5-cases.js'
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

interface OaepTest extends WycheproofTest {
  msg: string
  ct: string
  label: string
}

interface OaepGroup {
  privateKeyJwk: JWK
  tests: OaepTest[]
}

interface PbkdfTest extends WycheproofTest {
  password: string
  salt: string
  iterationCount: number
  dkLen: number
  dk: string
}

for (const [name, hash] of [
  ['rsa_oaep_2048_sha1_mgf1sha1_test.json', 'sha1'],
  ['rsa_oaep_2048_sha256_mgf1sha256_test.json', 'sha256'],
] as const) {
  vectorTest(`wycheproof ${name}`, `wycheproof/${name}`, () => {
    const file = readVectors<WycheproofFile<OaepGroup>>(`wycheproof/${name}`)
    const tally = new Tally()
    for (const group of file.testGroups) {
      const key = jwk.construct(group.privateKeyJwk).keyObject
      for (const t of group.tests) {
        if (t.label !== '') {
          tally.skip('non-empty OAEP label (JOSE uses none)')
          continue
        }
        let issue: string | undefined
        const outcome = attempt(() => {
          const out = oaepDecrypt(hash, key, hex(t.ct))
          if (t.result === 'valid' && (out === undefined || !out.equals(hex(t.msg)))) {
            issue = 'did not decrypt to msg'
          }
          if (t.result === 'invalid' && out !== undefined) issue = 'decrypted an invalid vector'
        })
        tally.record(t.result, t.tcId, outcome.accepted ? issue : describeOutcome(outcome))
      }
    }
    tally.finish(`wycheproof ${name}`, file.numberOfTests)
  })
}

vectorTest('wycheproof rsa_pkcs1_2048_test.json (RSA1_5)', PKCS1_FILE, () => {
  const file = readVectors<Pkcs1File>(PKCS1_FILE)
  const tally = new Tally()
  if (pkcs1DecryptionSupported()) {
    runPkcs1Vectors(file, tally)
  } else {
    for (const group of file.testGroups) {
      const key = jwk.construct(group.privateKeyJwk).keyObject
      for (const t of group.tests) {
        const outcome = attempt(() => pkcs1DecryptCek(key, hex(t.ct), hex(t.msg).length))
        if (outcome.accepted || !(outcome.error instanceof errors.JWENotSupportedError)) {
          tally.failures.push(
            `tcId ${t.tcId}: expected ERR_JWE_UNSUPPORTED, ${describeOutcome(outcome)}`,
          )
        }
      }
      tally.skip(
        'ERR_JWE_UNSUPPORTED asserted: this runtime refuses PKCS#1 v1.5 decryption (CVE-2023-46809); rsa1_5-revert.test.ts runs them',
        group.tests.length,
      )
    }
  }
  tally.finish('wycheproof rsa_pkcs1_2048_test.json', file.numberOfTests)
})

for (const hash of ['sha256', 'sha384', 'sha512']) {
  const name = `pbkdf2_hmac${hash}_test.json`
  vectorTest(`wycheproof ${name} (PBES2 derivation)`, `wycheproof/${name}`, () => {
    const file = readVectors<WycheproofFile<{ tests: PbkdfTest[] }>>(`wycheproof/${name}`)
    const tally = new Tally()
    for (const t of file.testGroups.flatMap((group) => group.tests)) {
      const outcome = attempt(() =>
        pbkdf2(hash, hex(t.password), hex(t.salt), t.iterationCount, t.dkLen).equals(hex(t.dk)),
      )
      const issue = outcome.accepted ? undefined : describeOutcome(outcome)
      tally.record(t.result, t.tcId, issue ?? (t.result === 'valid' ? undefined : 'accepted'))
    }
    tally.finish(`wycheproof ${name}`, file.numberOfTests)
  })
}
