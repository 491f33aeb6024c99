// A test hook, never exported from the package: known-answer tests (RFC 7520 section 5) must
// reproduce a JWE byte for byte, which needs the values the example chose at random. Inside
// withFixedValues, JWE encryption takes its CEK, IV, ephemeral key, PBES2 salt and GCM key-wrap IV
// from here, and orders the protected header as the example did. Outside it, nothing changes.
import type { Buffer } from 'node:buffer'
import type { KeyObject } from 'node:crypto'

/** The values a known-answer test fixes. Any left out are random as usual. */
export interface FixedValues {
  /** The content encryption key (ignored for dir and ECDH-ES, where it is not random). */
  cek?: Buffer
  /** The content encryption IV. */
  iv?: Buffer
  /** The ephemeral private key for ECDH-ES. */
  epk?: KeyObject
  /** The PBES2 salt (`p2s`). */
  p2s?: Buffer
  /** The A*GCMKW key-wrap IV. */
  wrapIv?: Buffer
  /** The order of the protected header's members. */
  headerOrder?: readonly string[]
  /** The DEFLATE output to use instead of compressing (zlib versions may differ in their output). */
  compressed?: Buffer
}

let current: FixedValues | undefined

/**
 * Runs `fn` with fixed "random" values; for tests only.
 *
 * @example
 * ```ts
 * const token = withFixedValues({ cek, iv }, () => jwe.encrypt(text, key, options))
 * ```
 */
export function withFixedValues<T>(values: FixedValues, fn: () => T): T {
  current = values
  try {
    return fn()
  } finally {
    current = undefined
  }
}

/**
 * The fixed values in force, if a test set any.
 *
 * @example
 * ```ts
 * const iv = fixedValues()?.iv ?? randomBytes(12)
 * ```
 */
export function fixedValues(): FixedValues | undefined {
  return current
}
