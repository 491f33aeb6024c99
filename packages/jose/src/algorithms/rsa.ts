// RSASSA-PKCS1-v1_5 with SHA-2 (RFC 7518 section 3.3).
import { sign, verify } from 'node:crypto'
import { decodeBase64url } from '../internal/base64url.js'
import { rsaSignatureBytes, signingBytes, type SignatureFamilyModule } from './signer.js'

export const rsa: SignatureFamilyModule = {
  createSign(alg, key) {
    const hash = alg.hash!
    return (input) => sign(hash, signingBytes(input), key).toString('base64url')
  },
  createVerify(alg, key) {
    const hash = alg.hash!
    const length = rsaSignatureBytes(key)
    return (input, signature) => {
      const bytes = decodeBase64url(signature)
      if (bytes === undefined || bytes.length !== length) return false
      try {
        return verify(hash, signingBytes(input), key, bytes)
      } catch {
        return false
      }
    }
  },
}
