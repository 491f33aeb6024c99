// RSA1_5 decryption, where a runtime allows it. Node 20 refuses PKCS#1 v1.5 private decryption
// (CVE-2023-46809) unless its OpenSSL does implicit rejection; the library then throws
// ERR_JWE_UNSUPPORTED (asserted by the other vector tests). To still test the RSA1_5 code path here,
// this test starts a child process with --security-revert=CVE-2023-46809, a flag for this test
// only (users are never asked for it), and runs every RSA1_5 vector there: the Wycheproof PKCS#1
// file, the Wycheproof RSA1_5 JWEs (bad padding must fail exactly like a wrong tag), RFC 7520 5.1
// and 5.13, RFC 7516 A.2. Where the runtime allows PKCS#1 v1.5 itself, they run in this process.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { pkcs1DecryptionSupported } from '../../src/algorithms/rsa1_5.js'
import { Tally, readVectors, vectorTest } from './load.js'
import {
  PKCS1_FILE,
  runPkcs1Vectors,
  runRsa15Examples,
  runRsa15Jwes,
  type Pkcs1File,
} from './rsa1_5-cases.js'

const FILES = [
  PKCS1_FILE,
  'wycheproof/json_web_encryption_test.json',
  'jose-cookbook/jwe/5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json',
  'jose-cookbook/jwe/5_13.encrypting_to_multiple_recipients.json',
]

vectorTest('RSA1_5 vectors where PKCS#1 v1.5 decryption is allowed', FILES, () => {
  if (pkcs1DecryptionSupported()) {
    const file = readVectors<Pkcs1File>(PKCS1_FILE)
    const tally = new Tally()
    runPkcs1Vectors(file, tally)
    tally.finish('wycheproof rsa_pkcs1_2048_test.json (RSA1_5)', file.numberOfTests)
    const jwes = new Tally()
    runRsa15Jwes(jwes)
    jwes.finish('wycheproof json_web_encryption_test.json RSA1_5 vectors')
    const examples = new Tally()
    runRsa15Examples(examples)
    examples.finish('RFC 7520 5.1, 5.13 and RFC 7516 A.2 (RSA1_5)')
    return
  }
  const child = fileURLToPath(new URL('./rsa1_5-child.js', import.meta.url))
  const result = spawnSync(process.execPath, ['--security-revert=CVE-2023-46809', child], {
    env: { ...process.env, TESSERA_RSA15_CHILD: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  })
  console.log(
    'RSA1_5: a child process started with --security-revert=CVE-2023-46809, for this test only',
  )
  for (const line of result.stdout.split('\n')) {
    if (line !== '' && !line.startsWith('SECURITY WARNING')) console.log(line)
  }
  if (result.status !== 0) {
    throw new Error(`the RSA1_5 child exited with ${result.status}:\n${result.stderr}`)
  }
})
