// One step shared by jws.verify, jwt.decode and the compiled verifier: find the key for a token and
// check its signature.
import type { Buffer } from 'node:buffer'
import type { SignatureAlgorithm } from '../algorithms/registry.js'
import { Key } from '../keys/key.js'
import type { KeySet } from '../keys/key-set.js'
import { JWSError, JWSSignatureError } from '../errors.js'

/**
 * Verifies `signature` over `signingInput` with the key, or with the keys of the set that match the
 * header's `kid` and can serve `alg`. Returns the key that verified; throws JWSSignatureError.
 */
export function verifySignature(
  key: Key | KeySet,
  alg: SignatureAlgorithm,
  header: Record<string, unknown>,
  signingInput: string | Buffer,
  signature: string,
  insecureAllowWeakKeys: boolean,
): Key {
  if (key instanceof Key) {
    if (key.verifierFor(alg, insecureAllowWeakKeys)(signingInput, signature)) return key
    throw new JWSSignatureError('the signature does not verify')
  }
  const kid = header.kid
  if (kid !== undefined && typeof kid !== 'string') throw new JWSError('"kid" must be a string')
  const candidates = key.candidates(alg, kid)
  if (candidates.length === 0) {
    throw new JWSSignatureError(`no key in the set can verify this ${alg.name} token`)
  }
  for (const candidate of candidates) {
    if (candidate.verifierFor(alg, insecureAllowWeakKeys)(signingInput, signature)) return candidate
  }
  throw new JWSSignatureError('the signature does not verify')
}
