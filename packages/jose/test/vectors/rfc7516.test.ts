// RFC 7516 appendix A (values in rfc7516-appendix-a.ts): A.1 (RSA-OAEP + A256GCM) decrypts; A.2
// (RSA1_5) decrypts where PKCS#1 v1.5 is allowed and is ERR_JWE_UNSUPPORTED elsewhere (it also runs in
// rsa1_5-revert.test.ts); A.3 (A128KW + A128CBC-HS256) decrypts and is re-encrypted byte for byte
// from the RFC's CEK and IV; A.4 (general JSON, two recipients) and A.5 (flattened) decrypt.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { test } from 'node:test'
import { pkcs1DecryptionSupported } from '../../src/algorithms/rsa1_5.js'
import { errors, jwe } from '../../src/index.js'
import { withFixedValues } from '../../src/internal/jwe-fixed.js'
import { Tally, attempt, describeOutcome } from './load.js'
import { RFC7516_A1, RFC7516_A2, RFC7516_A3, RFC7516_A4, RFC7516_A5 } from './rfc7516-appendix-a.js'

function check(tally: Tally, id: string, fn: () => void): void {
  const outcome = attempt(fn)
  tally.record('valid', id, outcome.accepted ? undefined : describeOutcome(outcome))
}

test('RFC 7516 appendix A', () => {
  const tally = new Tally()
  check(tally, 'A.1 RSA-OAEP + A256GCM', () => {
    assert.equal(jwe.decrypt(RFC7516_A1.compact, RFC7516_A1.key).toString(), RFC7516_A1.plaintext)
  })
  check(tally, 'A.2 RSA1_5 + A128CBC-HS256', () => {
    const decrypt = () =>
      jwe.decrypt(RFC7516_A2.compact, RFC7516_A2.key, { algorithms: ['RSA1_5'] })
    if (pkcs1DecryptionSupported()) assert.equal(decrypt().toString(), RFC7516_A2.plaintext)
    else assert.throws(decrypt, errors.JWENotSupportedError)
  })
  check(tally, 'A.3 A128KW + A128CBC-HS256, decrypted and re-encrypted', () => {
    assert.equal(jwe.decrypt(RFC7516_A3.compact, RFC7516_A3.key).toString(), RFC7516_A3.plaintext)
    const fixed = { cek: Buffer.from(RFC7516_A3.cek), iv: Buffer.from(RFC7516_A3.iv) }
    const made = withFixedValues(fixed, () =>
      jwe.encrypt(RFC7516_A3.plaintext, RFC7516_A3.key, {
        algorithm: 'A128KW',
        encryption: 'A128CBC-HS256',
      }),
    )
    assert.equal(made, RFC7516_A3.compact)
  })
  check(tally, 'A.4 general JSON, the A128KW recipient', () => {
    const out = jwe.decryptJSON(RFC7516_A4, RFC7516_A3.key)
    assert.equal(out.plaintext.toString(), RFC7516_A3.plaintext)
    assert.equal(out.recipientIndex, 1)
    assert.deepEqual(out.unprotectedHeader, RFC7516_A4.unprotected)
  })
  check(tally, 'A.5 flattened JSON', () => {
    assert.equal(
      jwe.decryptJSON(RFC7516_A5, RFC7516_A3.key).plaintext.toString(),
      RFC7516_A3.plaintext,
    )
  })
  tally.finish('RFC 7516 appendix A')
})
