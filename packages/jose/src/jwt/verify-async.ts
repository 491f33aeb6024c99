// The signature step of the async paths (jwt.decodeAsync, jwt.createAsyncVerifier): the same key
// selection and key checks as verifySignature, with keys from a remote set, and asymmetric
// verification on the thread pool.
import type { SignatureAlgorithm } from '../algorithms/registry.js'
import { runsOnThreadPool, verifyOnThreadPool } from '../algorithms/thread-pool.js'
import { JWSAlgorithmError, JWSError, JWSSignatureError } from '../errors.js'
import { RemoteKeySet } from '../jwk/remote-key-set.js'
import { resolveKey, type KeyInput } from '../keys/import.js'
import { Key } from '../keys/key.js'
import { KeySet } from '../keys/key-set.js'
import { resolveAllowed, type AllowedAlgorithms } from '../jws/algorithms.js'
import { WeakCandidates } from '../jws/verify-signature.js'

/**
 * What the async paths verify with: anything `jwt.decode` takes, or a remote key set.
 *
 * @example
 * ```ts
 * const key: AsyncKeyInput = jwk.createRemoteKeySet('https://id.example/.well-known/jwks.json')
 * ```
 */
export type AsyncKeyInput = KeyInput | RemoteKeySet

/** A key input made ready: a Key, a KeySet, or a remote key set (imported as it arrives). */
export type KeySource = Key | KeySet | RemoteKeySet

const NO_KEYS = new KeySet([])

/** Imports a key input (cached, as jwt.decode does); a remote key set is taken as it is. */
export function resolveSource(input: unknown): KeySource {
  return input instanceof RemoteKeySet ? input : resolveKey(input)
}

/**
 * The allow-list, as jwt.decode makes it. With a remote key set, `algorithms` is required: what the
 * server publishes may change, and it should not widen what the caller accepts.
 */
export function allowedFor(algorithms: unknown, source: KeySource): AllowedAlgorithms {
  if (!(source instanceof RemoteKeySet)) return resolveAllowed(algorithms, source)
  if (algorithms === undefined) {
    throw new JWSAlgorithmError('algorithms is required with a remote key set')
  }
  return resolveAllowed(algorithms, NO_KEYS)
}

/**
 * Verifies `signature` over `signingInput` with the key, or with the keys of the set that match the
 * header's `kid` and can serve `alg` (fetching a remote set again if none does). Returns the key
 * that verified; throws JWSSignatureError, or a key or JWKS error.
 */
export async function verifySignatureAsync(
  source: KeySource,
  alg: SignatureAlgorithm,
  header: Record<string, unknown>,
  signingInput: string,
  signature: string,
  insecureAllowWeakKeys: boolean,
): Promise<Key> {
  if (source instanceof Key) {
    if (await verifyWith(source, alg, signingInput, signature, insecureAllowWeakKeys)) return source
    throw new JWSSignatureError('the signature does not verify')
  }
  const candidates = await candidatesFor(source, alg, header)
  if (candidates.length === 0) {
    throw new JWSSignatureError(`no key in the set can verify this ${alg.name} token`)
  }
  const weak = new WeakCandidates()
  for (const candidate of candidates) {
    if (weak.verifierOf(candidate, alg, insecureAllowWeakKeys) === undefined) continue
    if (await verifyWith(candidate, alg, signingInput, signature, insecureAllowWeakKeys)) {
      return candidate
    }
  }
  throw weak.failure()
}

function candidatesFor(
  source: KeySet | RemoteKeySet,
  alg: SignatureAlgorithm,
  header: Record<string, unknown>,
): Key[] | Promise<Key[]> {
  if (source instanceof RemoteKeySet) return source.resolve(header, alg)
  const kid = header.kid
  if (kid !== undefined && typeof kid !== 'string') throw new JWSError('"kid" must be a string')
  return source.candidates(alg, kid)
}

// The key checks are Key.verifierFor's (type, curve, alg, use, key_ops, strength), run once per
// key and algorithm; only the computation moves to the thread pool.
function verifyWith(
  key: Key,
  alg: SignatureAlgorithm,
  signingInput: string,
  signature: string,
  insecure: boolean,
): boolean | Promise<boolean> {
  const verify = key.verifierFor(alg, insecure)
  if (!runsOnThreadPool(alg)) return verify(signingInput, signature)
  return verifyOnThreadPool(alg, key.keyObject, signingInput, signature)
}
