import { Buffer } from 'node:buffer'
import type { KeyObject } from 'node:crypto'
import type { SignatureAlgorithm, SignatureFamily } from './registry.js'
import { hmac } from './hmac.js'
import { rsa } from './rsa.js'
import { rsaPss } from './rsa-pss.js'
import { ecdsa } from './ecdsa.js'
import { eddsa } from './eddsa.js'

/**
 * Signs a JWS signing input (ASCII text, or bytes); returns the base64url signature segment.
 */
export type SignFn = (signingInput: string | Buffer) => string

/**
 * Checks a JWS signing input against a base64url signature segment. Returns false for any
 * signature that does not verify, including one that is not canonical base64url; never throws.
 */
export type VerifyFn = (signingInput: string | Buffer, signature: string) => boolean

/** What each family module provides: functions bound once to one algorithm and one key. */
export interface SignatureFamilyModule {
  createSign(alg: SignatureAlgorithm, key: KeyObject): SignFn
  createVerify(alg: SignatureAlgorithm, key: KeyObject): VerifyFn
}

const families: Record<SignatureFamily, SignatureFamilyModule> = {
  hmac,
  rsa,
  'rsa-pss': rsaPss,
  ecdsa,
  eddsa,
}

/** Binds a sign function to `alg` and `key`. The caller has already checked that they match. */
export function createSign(alg: SignatureAlgorithm, key: KeyObject): SignFn {
  return families[alg.family].createSign(alg, key)
}

/** Binds a verify function to `alg` and `key`. The caller has already checked that they match. */
export function createVerify(alg: SignatureAlgorithm, key: KeyObject): VerifyFn {
  return families[alg.family].createVerify(alg, key)
}

/** The bytes of a signing input; JWS signing inputs are ASCII, so latin1 is exact and fastest. */
export function signingBytes(input: string | Buffer): Buffer {
  return typeof input === 'string' ? Buffer.from(input, 'latin1') : input
}

/**
 * The exact length of an RSA signature with this key: the modulus in bytes (RFC 8017 section 8.2.2,
 * step 1). OpenSSL also accepts a signature with its leading zero bytes stripped; JWS does not, so a
 * signature must not have two encodings.
 */
export function rsaSignatureBytes(key: KeyObject): number {
  return Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8)
}
