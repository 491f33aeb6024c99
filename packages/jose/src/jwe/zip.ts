// `zip: "DEF"` (RFC 7516 section 4.1.3): raw DEFLATE (RFC 1951). Inflation is where decompression
// bombs live (python-jose CVE-2024-33664, jose CVE-2024-28176, jwcrypto CVE-2024-28102), so the
// compressed input and the inflated output are both capped, the output while it is being produced.
import type { Buffer } from 'node:buffer'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { JWEError, JWELimitError } from '../errors.js'

/** The default cap on compressed input and on inflated output, in bytes (250 KB). */
export const DEFAULT_MAX_ZIP_BYTES = 250_000

/**
 * Compresses a plaintext with raw DEFLATE.
 *
 * @example
 * ```ts
 * const compressed = deflate(Buffer.from(json))
 * ```
 */
export function deflate(data: Buffer): Buffer {
  return deflateRawSync(data)
}

/**
 * Inflates raw DEFLATE, refusing input longer than `maxCompressedBytes` and stopping as soon as the
 * output would exceed `maxInflatedBytes`.
 *
 * @throws JWELimitError over either cap, JWEError for data that is not raw DEFLATE
 * @example
 * ```ts
 * const plaintext = inflate(compressed, 250_000, 250_000)
 * ```
 */
export function inflate(
  data: Buffer,
  maxCompressedBytes: number,
  maxInflatedBytes: number,
): Buffer {
  if (data.length > maxCompressedBytes) {
    throw new JWELimitError(`the compressed plaintext is longer than ${maxCompressedBytes} bytes`)
  }
  try {
    return inflateRawSync(data, { maxOutputLength: maxInflatedBytes })
  } catch (cause) {
    if (cause instanceof RangeError) {
      throw new JWELimitError(`the plaintext inflates to more than ${maxInflatedBytes} bytes`, {
        cause,
      })
    }
    throw new JWEError('the plaintext is not valid DEFLATE data', { cause })
  }
}
