// The caller's allow-list. Verification looks the token's `alg` up here first; the header never
// chooses anything the caller did not name.
import { getSignatureAlgorithm, type SignatureAlgorithm } from '../algorithms/registry.js'
import { Key } from '../keys/key.js'
import type { KeySet } from '../keys/key-set.js'
import { JWSAlgorithmError } from '../errors.js'
import { LruCache } from '../internal/lru.js'

/** The algorithms a caller accepts, by name. */
export type AllowedAlgorithms = ReadonlyMap<string, SignatureAlgorithm>

/**
 * Turns `algorithms` (a name or a list) into the allow-list. When it is absent, the key's own `alg`
 * is used (for a set: the `alg` of every key, which must all have one). `none` is never allowed.
 */
export function resolveAllowed(algorithms: unknown, key: Key | KeySet): AllowedAlgorithms {
  // The list of the last call, when it is the same array with the same names (an options object
  // kept for every call): no key to build, no lookup.
  if (last !== undefined && algorithms === last.list && sameNames(algorithms, last.names)) {
    return last.allowed
  }
  // Callers pass the same few lists over and over, usually as fresh literals: reuse the checked
  // allow-list by content.
  const cacheKey = listKey(algorithms)
  const cached = cacheKey === undefined ? undefined : allowListCache.get(cacheKey)
  const allowed = cached ?? buildAllowed(algorithms, key)
  if (cacheKey !== undefined) {
    if (cached === undefined) allowListCache.set(cacheKey, allowed)
    // A copy of the names: an array edited in place no longer matches it.
    last = { list: algorithms, names: Array.isArray(algorithms) ? [...algorithms] : [], allowed }
  }
  return allowed
}

let last: { list: unknown; names: readonly unknown[]; allowed: AllowedAlgorithms } | undefined

// True when `list` (the array or name the last call passed) still holds `names`.
function sameNames(list: unknown, names: readonly unknown[]): boolean {
  if (!Array.isArray(list)) return true // a string: compared by value already
  if (list.length !== names.length) return false
  for (let i = 0; i < names.length; i++) if (list[i] !== names[i]) return false
  return true
}

const allowListCache = new LruCache<string, AllowedAlgorithms>(64)

// Names that can be cached: short, and made only of characters an algorithm name uses. The
// separator is not one of them, so two different lists never share a key ('HS256,RS256' as one
// name is not cached, and cannot hit the list ['HS256', 'RS256']).
const CACHEABLE_NAME = /^[A-Za-z0-9+_-]{1,32}$/

// A cache key for a list of names, or undefined when it is not a non-empty list of cacheable names.
function listKey(algorithms: unknown): string | undefined {
  if (typeof algorithms === 'string') {
    return CACHEABLE_NAME.test(algorithms) ? algorithms : undefined
  }
  if (!Array.isArray(algorithms) || algorithms.length === 0 || algorithms.length > 32)
    return undefined
  for (const name of algorithms) {
    if (typeof name !== 'string' || !CACHEABLE_NAME.test(name)) return undefined
  }
  return algorithms.join(',')
}

function buildAllowed(algorithms: unknown, key: Key | KeySet): AllowedAlgorithms {
  const names = algorithms === undefined ? algorithmsFromKey(key) : algorithms
  const list = typeof names === 'string' ? [names] : names
  if (!Array.isArray(list) || list.length === 0) {
    throw new JWSAlgorithmError('algorithms must name at least one algorithm')
  }
  const allowed = new Map<string, SignatureAlgorithm>()
  for (const name of list) {
    if (typeof name === 'string' && name.toLowerCase() === 'none') {
      throw new JWSAlgorithmError(
        '"none" is never accepted here; use jwt.decodeUnsecured for unsecured tokens',
      )
    }
    const entry = getSignatureAlgorithm(name)
    if (entry === undefined) {
      // Never String(name): an object whose toString is not a function would throw a TypeError.
      const shown = typeof name === 'string' ? `"${name.slice(0, 32)}"` : `(a ${typeof name})`
      throw new JWSAlgorithmError(`unknown signature algorithm ${shown}`)
    }
    allowed.set(entry.name, entry)
  }
  return allowed
}

function algorithmsFromKey(key: Key | KeySet): string[] {
  const keys = key instanceof Key ? [key] : key.keys
  const names = keys.map((k) => k.alg)
  if (names.length === 0 || names.some((name) => getSignatureAlgorithm(name) === undefined)) {
    throw new JWSAlgorithmError(
      'algorithms is required: name the algorithms you accept (or use keys whose "alg" is set)',
    )
  }
  return [...new Set(names as string[])]
}

/** Finds the token's algorithm in the allow-list, or throws JWSAlgorithmError. */
export function allowedAlgorithm(
  header: Record<string, unknown>,
  allowed: AllowedAlgorithms,
): SignatureAlgorithm {
  const alg = header.alg
  if (typeof alg !== 'string') throw new JWSAlgorithmError('the header has no "alg"')
  const entry = allowed.get(alg)
  if (entry === undefined) {
    throw new JWSAlgorithmError(`the algorithm "${alg.slice(0, 32)}" is not allowed`)
  }
  return entry
}
