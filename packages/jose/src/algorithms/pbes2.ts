// PBES2 (RFC 7518 section 4.8): PBKDF2 with HMAC-SHA-2 derives an AES key-wrapping key from a
// password. The salt input is UTF8(alg) || 0x00 || p2s.
import { Buffer } from 'node:buffer'
import { pbkdf2Sync, type KeyObject } from 'node:crypto'

/**
 * PBKDF2 (RFC 8018) with HMAC over `hash`, straight from node:crypto.
 *
 * @param hash - the PRF hash
 * @param password - the password bytes (or a secret KeyObject holding them)
 * @param salt - the full salt input
 * @param iterations - the iteration count, already checked against the caller's bounds
 * @param keyBytes - the length of the derived key
 * @example
 * ```ts
 * const kek = pbkdf2('sha256', password, pbes2Salt('PBES2-HS256+A128KW', p2s), 10_000, 16)
 * ```
 */
export function pbkdf2(
  hash: string,
  password: Buffer | KeyObject,
  salt: Buffer,
  iterations: number,
  keyBytes: number,
): Buffer {
  const bytes = Buffer.isBuffer(password) ? password : password.export()
  return pbkdf2Sync(bytes, salt, iterations, keyBytes, hash)
}

/**
 * The PBES2 salt input: UTF8(alg) || 0x00 || p2s.
 *
 * @example
 * ```ts
 * pbes2Salt('PBES2-HS256+A128KW', p2s)
 * ```
 */
export function pbes2Salt(alg: string, p2s: Buffer): Buffer {
  return Buffer.concat([Buffer.from(alg, 'utf8'), Buffer.from([0]), p2s])
}
