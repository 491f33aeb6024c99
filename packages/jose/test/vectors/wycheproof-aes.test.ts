// Wycheproof AES vectors through this library's own primitives, the functions the JWE code calls:
// - aes_gcm_test.json: gcmEncrypt and gcmDecrypt (content encryption and A*GCMKW), for the 96-bit
//   IV and 128-bit tag that JOSE uses; other IV sizes are skipped (gcmDecrypt refuses them).
// - aes_cbc_pkcs5_test.json: cbcEncrypt and cbcDecrypt, the CBC half of A*CBC-HS*; `invalid`
//   means bad padding, which must come back as undefined, never a throw.
// - aes_wrap_test.json: aesWrap and aesUnwrap (A*KW). The 3 `acceptable` vectors wrap an 8-byte key
//   (a 16-byte wrapped key): aesUnwrap refuses every wrapped key under 24 bytes (no JOSE CEK is that
//   short), so they are pinned as rejected.
import { gcmDecrypt, gcmEncrypt } from '../../src/algorithms/aes-gcm.js'
import { cbcDecrypt, cbcEncrypt } from '../../src/algorithms/aes-cbc-hs.js'
import { aesUnwrap, aesWrap } from '../../src/algorithms/aes-kw.js'
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

interface AesTest extends WycheproofTest {
  key: string
  iv?: string
  aad?: string
  msg: string
  ct: string
  tag?: string
}

interface AesGroup {
  keySize: number
  ivSize?: number
  tagSize?: number
  tests: AesTest[]
}

type AesFile = WycheproofFile<AesGroup>

/** Runs `fn`; a throw is a problem (these functions report failure by returning undefined). */
function check(fn: () => string | undefined): string | undefined {
  let issue: string | undefined
  const outcome = attempt(() => {
    issue = fn()
  })
  return outcome.accepted ? issue : `threw: ${describeOutcome(outcome)}`
}

vectorTest('wycheproof aes_gcm_test.json (96-bit IVs)', 'wycheproof/aes_gcm_test.json', () => {
  const file = readVectors<AesFile>('wycheproof/aes_gcm_test.json')
  const tally = new Tally()
  for (const group of file.testGroups) {
    if (group.ivSize !== 96 || group.tagSize !== 128) {
      tally.skip('IV sizes other than 96 bits (JOSE uses only 96)', group.tests.length)
      continue
    }
    for (const t of group.tests) {
      const [key, iv, aad, msg, ct, tag] = [t.key, t.iv!, t.aad!, t.msg, t.ct, t.tag!].map(hex)
      const issue = check(() => {
        const opened = gcmDecrypt(key!, iv!, ct!, tag!, aad)
        if (t.result === 'valid') {
          if (opened === undefined || !opened.equals(msg!)) return 'did not decrypt to msg'
          const sealed = gcmEncrypt(key!, iv!, msg!, aad)
          if (!sealed.ciphertext.equals(ct!) || !sealed.tag.equals(tag!))
            return 'encrypts differently'
          return undefined
        }
        return opened === undefined ? undefined : 'decrypted an invalid vector'
      })
      tally.record(t.result, t.tcId, issue)
    }
  }
  tally.finish('wycheproof aes_gcm_test.json', file.numberOfTests)
})

vectorTest('wycheproof aes_cbc_pkcs5_test.json', 'wycheproof/aes_cbc_pkcs5_test.json', () => {
  const file = readVectors<AesFile>('wycheproof/aes_cbc_pkcs5_test.json')
  const tally = new Tally()
  for (const t of file.testGroups.flatMap((group) => group.tests)) {
    const [key, iv, msg, ct] = [t.key, t.iv!, t.msg, t.ct].map(hex)
    const issue = check(() => {
      const opened = cbcDecrypt(key!, iv!, ct!)
      if (t.result === 'valid') {
        if (opened === undefined || !opened.equals(msg!)) return 'did not decrypt to msg'
        return cbcEncrypt(key!, iv!, msg!).equals(ct!) ? undefined : 'encrypts differently'
      }
      return opened === undefined ? undefined : 'accepted bad padding'
    })
    tally.record(t.result, t.tcId, issue)
  }
  tally.finish('wycheproof aes_cbc_pkcs5_test.json', file.numberOfTests)
})

vectorTest('wycheproof aes_wrap_test.json', 'wycheproof/aes_wrap_test.json', () => {
  const file = readVectors<AesFile>('wycheproof/aes_wrap_test.json')
  const tally = new Tally()
  for (const t of file.testGroups.flatMap((group) => group.tests)) {
    const [key, msg, ct] = [t.key, t.msg, t.ct].map(hex)
    const issue = check(() => {
      const unwrapped = aesUnwrap(key!, ct!)
      if (t.result === 'valid') {
        if (unwrapped === undefined || !unwrapped.equals(msg!)) return 'did not unwrap to msg'
        return aesWrap(key!, msg!).equals(ct!) ? undefined : 'wraps differently'
      }
      // invalid, and acceptable (8-byte keys): pinned as rejected.
      return unwrapped === undefined ? undefined : 'unwrapped a vector we refuse'
    })
    tally.record(t.result, t.tcId, issue)
  }
  tally.notes.push('acceptable = 8-byte keys, pinned as rejected (wrapped keys under 24 bytes)')
  tally.finish('wycheproof aes_wrap_test.json', file.numberOfTests)
})
