// EdDSA with Ed25519 and Ed448 (RFC 8037); the primitive hashes the message itself.
import { sign, verify } from 'node:crypto'
import { decodeBase64url } from '../internal/base64url.js'
import { signingBytes, type SignatureFamilyModule } from './signer.js'

export const eddsa: SignatureFamilyModule = {
  createSign(_alg, key) {
    return (input) => sign(null, signingBytes(input), key).toString('base64url')
  },
  createVerify(_alg, key) {
    return (input, signature) => {
      const bytes = decodeBase64url(signature)
      if (bytes === undefined) return false
      try {
        return verify(null, signingBytes(input), key, bytes)
      } catch {
        return false
      }
    }
  },
}
