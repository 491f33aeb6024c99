// RSASSA-PSS with SHA-2 and MGF1 of the same hash, salt as long as the hash (RFC 7518 section 3.5).
import { constants, sign, verify, type KeyObject } from 'node:crypto'
import { decodeBase64url } from '../internal/base64url.js'
import type { SignatureAlgorithm } from './registry.js'
import { rsaSignatureBytes, signingBytes, type SignatureFamilyModule } from './signer.js'

const SALT_BYTES = { sha256: 32, sha384: 48, sha512: 64 } as const

/** The salt length of `alg`, in bytes: the length of its hash. */
export function pssSaltBytes(alg: SignatureAlgorithm): number {
  return SALT_BYTES[alg.hash!]
}

/** The key and padding options node:crypto needs for `alg` (also used by the async path). */
export function pssKeyOptions(alg: SignatureAlgorithm, key: KeyObject) {
  return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pssSaltBytes(alg) }
}

export const rsaPss: SignatureFamilyModule = {
  createSign(alg, key) {
    const hash = alg.hash!
    const options = pssKeyOptions(alg, key)
    return (input) => sign(hash, signingBytes(input), options).toString('base64url')
  },
  createVerify(alg, key) {
    const hash = alg.hash!
    const options = pssKeyOptions(alg, key)
    const length = rsaSignatureBytes(key)
    return (input, signature) => {
      const bytes = decodeBase64url(signature)
      if (bytes === undefined || bytes.length !== length) return false
      try {
        return verify(hash, signingBytes(input), options, bytes)
      } catch {
        return false
      }
    }
  },
}
