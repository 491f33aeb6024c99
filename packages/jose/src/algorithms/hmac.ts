// HMAC with SHA-2 (RFC 7518 section 3.2).
import { Buffer } from 'node:buffer'
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { SignatureFamilyModule } from './signer.js'

export const hmac: SignatureFamilyModule = {
  createSign(alg, key) {
    const hash = alg.hash!
    return (input) => createHmac(hash, key).update(input).digest('base64url')
  },
  createVerify(alg, key) {
    const hash = alg.hash!
    // Compare the encoded MACs: only the canonical base64url of the right MAC can be equal, so no
    // separate strict decode is needed. The length of a MAC is public; its bytes are compared in
    // constant time.
    return (input, signature) => {
      const expected = createHmac(hash, key).update(input).digest('base64url')
      return (
        signature.length === expected.length &&
        timingSafeEqual(Buffer.from(signature, 'latin1'), Buffer.from(expected, 'latin1'))
      )
    }
  },
}
