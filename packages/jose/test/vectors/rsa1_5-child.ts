// The RSA1_5 vectors, run by rsa1_5-revert.test.ts in a child process started where node:crypto
// allows PKCS#1 v1.5 decryption. Run any other way (the test runner loads every file), it does
// nothing.
import { pkcs1DecryptionSupported } from '../../src/algorithms/rsa1_5.js'
import { Tally, readVectors } from './load.js'
import {
  PKCS1_FILE,
  runPkcs1Vectors,
  runRsa15Examples,
  runRsa15Jwes,
  type Pkcs1File,
} from './rsa1_5-cases.js'

if (process.env.TESSERA_RSA15_CHILD === '1') {
  if (!pkcs1DecryptionSupported()) {
    console.error('PKCS#1 v1.5 decryption is refused in this process too')
    process.exit(2)
  }
  const file = readVectors<Pkcs1File>(PKCS1_FILE)
  const primitives = new Tally()
  runPkcs1Vectors(file, primitives)
  primitives.finish(
    'wycheproof rsa_pkcs1_2048_test.json (RSA1_5, revert child)',
    file.numberOfTests,
  )
  const jwes = new Tally()
  runRsa15Jwes(jwes)
  jwes.finish('wycheproof json_web_encryption_test.json RSA1_5 vectors (revert child)')
  const examples = new Tally()
  runRsa15Examples(examples)
  examples.finish('RFC 7520 5.1, 5.13 and RFC 7516 A.2 (RSA1_5, revert child)')
}
