// HMAC with SHA-2 (RFC 7518 section 3.2).
import { createHmac, timingSafeEqual } from 'node:crypto'
import { decodeBase64url } from '../internal/base64url.js'
import type { SignatureFamilyModule } from './signer.js'

export const hmac: SignatureFamilyModule = {
  createSign(alg, key) {
    const hash = alg.hash!
    // A signing input is ASCII, so latin1 is exact; it is also the cheapest way in.
    return (input) =>
      (typeof input === 'string'
        ? createHmac(hash, key).update(input, 'latin1')
        : createHmac(hash, key).update(input)
      ).digest('base64url')
  },
  createVerify(alg, key) {
    const hash = alg.hash!
    // The signature is decoded strictly, so the canonical base64url of the right MAC is the only
    // string accepted. The length of a MAC is public; its bytes are compared in constant time.
    return (input, signature) => {
      const given = decodeBase64url(signature)
      if (given === undefined) return false
      const expected = (
        typeof input === 'string'
          ? createHmac(hash, key).update(input, 'latin1')
          : createHmac(hash, key).update(input)
      ).digest()
      return given.length === expected.length && timingSafeEqual(given, expected)
    }
  },
}
