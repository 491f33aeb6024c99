// ECDSA on P-256, P-384, P-521 and secp256k1; signatures are r || s (RFC 7518 section 3.4).
import { sign, verify } from 'node:crypto'
import { decodeBase64url } from '../internal/base64url.js'
import { signingBytes, type SignatureFamilyModule } from './signer.js'

export const ecdsa: SignatureFamilyModule = {
  createSign(alg, key) {
    const hash = alg.hash!
    const options = { key, dsaEncoding: 'ieee-p1363' as const }
    return (input) => sign(hash, signingBytes(input), options).toString('base64url')
  },
  createVerify(alg, key) {
    const hash = alg.hash!
    const length = alg.signatureBytes!
    const options = { key, dsaEncoding: 'ieee-p1363' as const }
    return (input, signature) => {
      const bytes = decodeBase64url(signature)
      // A DER signature or one of the wrong size is refused before it reaches OpenSSL.
      if (bytes === undefined || bytes.length !== length) return false
      try {
        return verify(hash, signingBytes(input), options, bytes)
      } catch {
        return false
      }
    }
  },
}
