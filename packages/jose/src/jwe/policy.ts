// jwe.decrypt's options compiled once into a policy: the allow-lists of `alg` and `enc`, the limits,
// the zip caps and the PBES2 bounds. A compiled or async decrypter can build it once and reuse it.
import { constants } from 'node:buffer'
import {
  CONTENT_ENCRYPTION_ALGORITHMS,
  KEY_MANAGEMENT_ALGORITHMS,
  getContentEncryptionAlgorithm,
  getKeyManagementAlgorithm,
  type ContentEncryptionAlgorithm,
  type KeyManagementAlgorithm,
} from '../algorithms/registry.js'
import { InvalidOptionsError, JWEAlgorithmError } from '../errors.js'
import { shownName } from '../internal/options.js'
import { resolveLimits, type Limits, type ResolvedLimits } from '../internal/limits.js'
import { Key } from '../keys/key.js'
import type { KeySet } from '../keys/key-set.js'
import { understoodHeaderExtensions } from './header.js'
import { DEFAULT_MAX_ZIP_BYTES } from './zip.js'

/** Options for `jwe.decrypt` and `jwe.decryptJSON`. */
export interface JWEDecryptOptions {
  /**
   * The key-management algorithms (`alg`) accepted. When omitted: the key's own `alg` (every key of
   * a set must have one), else every algorithm except RSA1_5 and PBES2, which are off unless named.
   */
  algorithms?: string | readonly string[]
  /** The content-encryption algorithms (`enc`) accepted. When omitted: the key's, else all six. */
  encryptions?: string | readonly string[]
  /** Limits on the token's size and nesting (`maxTokenLength` also bounds JSON serializations). */
  limits?: Limits
  /** `zip`: the most bytes a plaintext may inflate to. Default 250,000. */
  maxInflatedBytes?: number
  /** `zip`: the longest compressed plaintext accepted. Default 250,000. */
  maxCompressedBytes?: number
  /** PBES2: the highest `p2c` (iteration count) accepted. Default 10,000. */
  maxPbes2Count?: number
  /** PBES2: the lowest `p2c` accepted. Default 1,000. */
  minPbes2Count?: number
  /** Header extensions (names in `crit`) that the caller processes itself. */
  crit?: readonly string[]
  /** Accept RSA keys under 2048 bits. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/** The compiled form of JWEDecryptOptions. */
export interface DecryptPolicy {
  readonly algorithms: ReadonlyMap<string, KeyManagementAlgorithm>
  readonly encryptions: ReadonlyMap<string, ContentEncryptionAlgorithm>
  readonly limits: ResolvedLimits
  readonly maxInflatedBytes: number
  readonly maxCompressedBytes: number
  readonly maxPbes2Count: number
  readonly minPbes2Count: number
  readonly crit: ReadonlySet<string>
  readonly insecureAllowWeakKeys: boolean
}

/**
 * Compiles decrypt options for `key`; throws InvalidOptionsError for options of the wrong shape and
 * JWEAlgorithmError for unknown names (or when a key names RSA1_5 or PBES2 that the caller did not).
 *
 * @example
 * ```ts
 * const policy = compileDecryptPolicy({ algorithms: ['A256KW'] }, resolveKey(key))
 * ```
 */
export function compileDecryptPolicy(options: JWEDecryptOptions, key: Key | KeySet): DecryptPolicy {
  const bound = boundNames(key)
  const algorithms = new Map<string, KeyManagementAlgorithm>()
  for (const name of readList(options.algorithms, 'algorithms') ?? defaultAlgorithms(bound)) {
    const entry = getKeyManagementAlgorithm(name)
    if (entry === undefined) throw unknown('key-management', name)
    algorithms.set(entry.name, entry)
  }
  const encryptions = new Map<string, ContentEncryptionAlgorithm>()
  for (const name of readList(options.encryptions, 'encryptions') ?? defaultEncryptions(bound)) {
    const entry = getContentEncryptionAlgorithm(name)
    if (entry === undefined) throw unknown('content-encryption', name)
    encryptions.set(entry.name, entry)
  }
  const maxPbes2Count = readCount(options.maxPbes2Count, 'maxPbes2Count', 10_000)
  const minPbes2Count = readCount(options.minPbes2Count, 'minPbes2Count', 1_000)
  if (minPbes2Count > maxPbes2Count) {
    throw new InvalidOptionsError('minPbes2Count may not exceed maxPbes2Count')
  }
  const maxInflatedBytes = readCount(
    options.maxInflatedBytes,
    'maxInflatedBytes',
    DEFAULT_MAX_ZIP_BYTES,
  )
  // zlib cannot produce more than the largest Buffer: above it, every compressed token would fail.
  if (maxInflatedBytes > constants.MAX_LENGTH) {
    throw new InvalidOptionsError(
      `maxInflatedBytes may not exceed ${constants.MAX_LENGTH}, the largest Buffer`,
    )
  }
  if (options.crit !== undefined && !Array.isArray(options.crit)) {
    throw new InvalidOptionsError('crit must be an array of header names')
  }
  return Object.freeze({
    algorithms,
    encryptions,
    limits: resolveLimits(options.limits),
    maxInflatedBytes,
    maxCompressedBytes: readCount(
      options.maxCompressedBytes,
      'maxCompressedBytes',
      DEFAULT_MAX_ZIP_BYTES,
    ),
    maxPbes2Count,
    minPbes2Count,
    crit: understoodHeaderExtensions(options.crit),
    insecureAllowWeakKeys: options.insecureAllowWeakKeys === true,
  })
}

// The JWE names every key carries as its `alg`, or undefined when any key has none (or a JWS one).
function boundNames(key: Key | KeySet): string[] | undefined {
  const keys = key instanceof Key ? [key] : key.keys
  const names = keys.map((k) => k.alg)
  const isJwe = (name: string | undefined) =>
    getKeyManagementAlgorithm(name) !== undefined ||
    getContentEncryptionAlgorithm(name) !== undefined
  return names.length > 0 && names.every(isJwe) ? [...new Set(names as string[])] : undefined
}

function defaultAlgorithms(bound: string[] | undefined): string[] {
  if (bound === undefined) {
    return KEY_MANAGEMENT_ALGORITHMS.filter((name) => !getKeyManagementAlgorithm(name)!.optIn)
  }
  // A key bound to an `enc` is a dir key for that enc.
  const names = bound.map((name) => (getContentEncryptionAlgorithm(name) ? 'dir' : name))
  for (const name of names) {
    if (getKeyManagementAlgorithm(name)!.optIn) {
      throw new JWEAlgorithmError(
        `${name} is off unless named in algorithms, even for a key bound to it`,
      )
    }
  }
  return [...new Set(names)]
}

function defaultEncryptions(bound: string[] | undefined): readonly string[] {
  const encs = bound?.filter((name) => getContentEncryptionAlgorithm(name) !== undefined)
  return encs !== undefined && encs.length === bound!.length ? encs : CONTENT_ENCRYPTION_ALGORITHMS
}

function readList(value: unknown, what: string): readonly string[] | undefined {
  if (value === undefined) return undefined
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0) {
    throw new JWEAlgorithmError(`${what} must name at least one algorithm`)
  }
  return list as string[]
}

function readCount(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidOptionsError(`${name} must be a positive integer`)
  }
  return value
}

function unknown(kind: string, name: unknown): JWEAlgorithmError {
  return new JWEAlgorithmError(`unknown ${kind} algorithm ${shownName(name)}`)
}
