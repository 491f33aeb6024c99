// RSASSA-PSS keys (id-RSASSA-PSS, RFC 4055): RSA keys whose SPKI or PKCS#8 says they make PSS
// signatures only, and may restrict their hash and salt. node:crypto cannot export such a key as a
// JWK (ERR_CRYPTO_JWK_UNSUPPORTED_KEY_TYPE), but its DER wraps the same RSAPublicKey or
// RSAPrivateKey (RFC 8017 appendix A.1) as a plain RSA key's, and that one can be.
import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto'
import type { SignatureAlgorithm } from '../algorithms/registry.js'
import { pssSaltBytes } from '../algorithms/rsa-pss.js'
import { InvalidKeyError } from '../errors.js'
import { DER_TAG, readDerSequence, type DerElement } from '../internal/der.js'

/**
 * The JWK of an RSA-PSS key: the plain RSA key it holds (`kty` RSA), public or private as the key
 * is. A JWK cannot carry the PSS parameters; they are left out.
 *
 * @throws InvalidKeyError when the key's DER does not hold an RSA key where it should
 * @example
 * ```ts
 * const { n, e } = rsaPssJwk(keyObject) // keyObject.asymmetricKeyType === 'rsa-pss'
 * ```
 */
export function rsaPssJwk(key: KeyObject): JsonWebKey {
  return plainRsaKey(key).export({ format: 'jwk' })
}

/**
 * Why the parameters of an RSA-PSS key forbid the PS algorithm `alg`, or undefined when they allow
 * it. A key may be restricted to one hash, one MGF1 hash and a minimum salt length (RFC 4055
 * section 3.1); PS256, PS384 and PS512 use their hash for both, with a salt as long as the hash
 * (RFC 7518 section 3.5). node:crypto would refuse, or sign with the key's MGF1 hash, at signing.
 *
 * @example
 * ```ts
 * pssRestriction(restrictedToSha256, getSignatureAlgorithm('PS384')!) // 'the RSA-PSS key is ...'
 * ```
 */
export function pssRestriction(key: KeyObject, alg: SignatureAlgorithm): string | undefined {
  const { hashAlgorithm, mgf1HashAlgorithm, saltLength } = key.asymmetricKeyDetails ?? {}
  if (hashAlgorithm !== undefined && hashAlgorithm !== alg.hash) {
    return `the RSA-PSS key is restricted to ${hashAlgorithm}; ${alg.name} hashes with ${alg.hash}`
  }
  if (mgf1HashAlgorithm !== undefined && mgf1HashAlgorithm !== alg.hash) {
    return `the RSA-PSS key is restricted to MGF1 with ${mgf1HashAlgorithm}; ${alg.name} uses MGF1 with ${alg.hash}`
  }
  const salt = pssSaltBytes(alg)
  if (saltLength !== undefined && saltLength > salt) {
    return `the RSA-PSS key needs a salt of at least ${saltLength} bytes; ${alg.name} uses ${salt}`
  }
  return undefined
}

// The RSA key inside the key's PKCS#8 or SPKI, imported as PKCS#1: a KeyObject of type 'rsa'.
function plainRsaKey(key: KeyObject): KeyObject {
  if (key.type === 'private') {
    // PrivateKeyInfo (RFC 5208): SEQUENCE { version, algorithm, privateKey OCTET STRING, ... }
    const members = readDerSequence(key.export({ format: 'der', type: 'pkcs8' }))
    const inner = member(members, 2, DER_TAG.OCTET_STRING)
    return importPkcs1(() => createPrivateKey({ key: inner, format: 'der', type: 'pkcs1' }))
  }
  // SubjectPublicKeyInfo (RFC 5280): SEQUENCE { algorithm, subjectPublicKey BIT STRING }; the BIT
  // STRING's first byte counts the unused bits of its last, none for a key.
  const members = readDerSequence(key.export({ format: 'der', type: 'spki' }))
  const bits = member(members, 1, DER_TAG.BIT_STRING)
  if (bits[0] !== 0) throw malformed()
  const inner = bits.subarray(1)
  return importPkcs1(() => createPublicKey({ key: inner, format: 'der', type: 'pkcs1' }))
}

function member(members: DerElement[] | undefined, index: number, tag: number) {
  const found = members?.[index]
  if (found === undefined || found.tag !== tag) throw malformed()
  return found.contents
}

function importPkcs1(load: () => KeyObject): KeyObject {
  try {
    return load()
  } catch (cause) {
    throw malformed(cause)
  }
}

function malformed(cause?: unknown): InvalidKeyError {
  return new InvalidKeyError('the RSA-PSS key does not hold an RSA key', { cause })
}
