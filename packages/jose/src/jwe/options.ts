// Encryption options shared by jwe.encrypt, jwe.encryptJSON and jwt.encrypt: the choice of `alg` and
// `enc` (the caller's, else the key's, else python-jose's defaults), the PBES2 count, and the header
// members the library computes itself and a caller may not set.
import {
  getContentEncryptionAlgorithm,
  getKeyManagementAlgorithm,
  type ContentEncryptionAlgorithm,
  type KeyManagementAlgorithm,
} from '../algorithms/registry.js'
import { InvalidOptionsError, JWEAlgorithmError } from '../errors.js'
import { isJsonObject } from '../internal/json.js'
import { shownName } from '../internal/options.js'
import type { Key } from '../keys/key.js'

/** The PBES2 iteration count used when the caller names none. */
export const DEFAULT_P2C = 10_000

// Members computed by the library; `alg`, `enc` and `zip` have their own options.
const COMPUTED = ['alg', 'enc', 'zip', 'epk', 'iv', 'tag', 'p2s', 'p2c']

/**
 * The key-management algorithm to encrypt with: `name`, else the key's own `alg` (a key bound to an
 * `enc` is a dir key), else `dir` as in python-jose.
 *
 * @example
 * ```ts
 * const alg = chooseAlgorithm(options.algorithm, key)
 * ```
 */
export function chooseAlgorithm(name: unknown, key: Key): KeyManagementAlgorithm {
  const chosen =
    name ?? (getContentEncryptionAlgorithm(key.alg) !== undefined ? 'dir' : (key.alg ?? 'dir'))
  const entry = getKeyManagementAlgorithm(chosen)
  if (entry === undefined) {
    throw new JWEAlgorithmError(`cannot encrypt with the algorithm ${shownName(chosen)}`)
  }
  return entry
}

/**
 * The content-encryption algorithm: `name`, else the `enc` a dir key is bound to, else A256GCM as
 * in python-jose.
 *
 * @example
 * ```ts
 * const enc = chooseEncryption(options.encryption, key)
 * ```
 */
export function chooseEncryption(name: unknown, key: Key | undefined): ContentEncryptionAlgorithm {
  const bound = getContentEncryptionAlgorithm(key?.alg)
  const entry =
    name === undefined
      ? (bound ?? getContentEncryptionAlgorithm('A256GCM'))
      : getContentEncryptionAlgorithm(name)
  if (entry === undefined) {
    throw new JWEAlgorithmError(`cannot encrypt with the encryption ${shownName(name)}`)
  }
  return entry
}

/**
 * Reads the PBES2 iteration count: at least 1,000 (the default minimum decryption accepts).
 *
 * @example
 * ```ts
 * const p2c = readP2c(options.p2c)
 * ```
 */
export function readP2c(value: unknown): number {
  if (value === undefined) return DEFAULT_P2C
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1000 || value > 1e7) {
    throw new InvalidOptionsError('p2c must be an integer from 1,000 to 10,000,000')
  }
  return value
}

/**
 * Reads `zip`: absent, or `DEF`.
 *
 * @example
 * ```ts
 * const zip = readZip(options.zip)
 * ```
 */
export function readZip(value: unknown): boolean {
  if (value === undefined) return false
  if (value !== 'DEF') throw new InvalidOptionsError('zip must be "DEF"')
  return true
}

/**
 * Checks caller-supplied header members: a JSON object without the members the library computes
 * (but for those in `allowed`: the JSON serialization lets a caller place `alg` and `enc`).
 *
 * @example
 * ```ts
 * const extra = readHeaders(options.headers, 'headers')
 * ```
 */
export function readHeaders(
  value: unknown,
  what: string,
  allowed: readonly string[] = [],
): Record<string, unknown> | undefined {
  if (value === undefined) return undefined
  if (!isJsonObject(value)) throw new InvalidOptionsError(`${what} must be an object`)
  for (const name of COMPUTED) {
    if (allowed.includes(name)) continue
    if (Object.hasOwn(value, name)) {
      throw new InvalidOptionsError(
        `${what} may not set "${name}"; it is computed or has its own option`,
      )
    }
  }
  return value
}
