// One step shared by jws.verify, jwt.decode and the compiled verifier: find the key for a token and
// check its signature.
import type { Buffer } from 'node:buffer'
import type { SignatureAlgorithm } from '../algorithms/registry.js'
import type { VerifyFn } from '../algorithms/signer.js'
import { Key } from '../keys/key.js'
import type { KeySet } from '../keys/key-set.js'
import { InvalidKeyError, JWSError, JWSSignatureError } from '../errors.js'

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
  const weak = new WeakCandidates()
  for (const candidate of candidates) {
    const verify = weak.verifierOf(candidate, alg, insecureAllowWeakKeys)
    if (verify !== undefined && verify(signingInput, signature)) return candidate
  }
  throw weak.failure()
}

/**
 * The keys of a set that are too weak to use, skipped as candidates: a set that also holds an old
 * weak key (an RSA key under 2048 bits, say, still published by a server) must verify what its
 * strong keys signed, whatever their order. When every candidate was too weak, the failure is the
 * first one's InvalidKeyError, so that the caller learns why nothing could verify.
 *
 * @internal shared by the sync and async verification of sets
 */
export class WeakCandidates {
  #first: InvalidKeyError | undefined
  #usable = 0

  /** The candidate's verify function, or undefined when it is too weak (and then remembered). */
  verifierOf(candidate: Key, alg: SignatureAlgorithm, insecure: boolean): VerifyFn | undefined {
    try {
      const verify = candidate.verifierFor(alg, insecure)
      this.#usable++
      return verify
    } catch (err) {
      if (!(err instanceof InvalidKeyError)) throw err
      this.#first ??= err
      return undefined
    }
  }

  /** What to throw when no candidate verified. */
  failure(): Error {
    if (this.#usable === 0 && this.#first !== undefined) return this.#first
    return new JWSSignatureError('the signature does not verify')
  }
}
