// The ephemeral public key of ECDH-ES (`epk`, RFC 7518 section 4.6.1.1), and the agreement with it.
// A received `epk` is the attacker's choice, so it must be a public key of the recipient key's own
// type and curve, and a point on that curve, which defeats invalid-curve attacks: on the NIST
// curves node:crypto's computeSecret refuses a point off the curve (and a coordinate not below the
// field prime); on X25519 and X448 the JWK importer checks the encoding, and low-order points fail
// at the agreement.
import { Buffer } from 'node:buffer'
import { createPublicKey, type KeyObject } from 'node:crypto'
import {
  ecdhParty,
  ecdhSharedSecret,
  ecdhWithPoint,
  generateEphemeralKey,
  generateEphemeralParty,
  publicPoint,
} from '../algorithms/ecdh-es.js'
import { EC_COORDINATE_BYTES } from '../algorithms/registry.js'
import { JWEError } from '../errors.js'
import { decodeBase64url } from '../internal/base64url.js'
import { isJsonObject } from '../internal/json.js'
import { importJWK } from '../keys/jwk-import.js'
import type { Key } from '../keys/key.js'

/** The sender's side of an agreement: the shared secret, and the `epk` header parameter. */
export interface EphemeralAgreement {
  /** Z, or undefined when none can be agreed (an X25519 or X448 key of low order). */
  z: Buffer | undefined
  epk: Record<string, string>
}

/**
 * Agrees a shared secret Z with a received `epk`, using the recipient's private `key`.
 *
 * @returns Z, or undefined when no secret can be agreed (an X25519/X448 low-order point, an
 *   all-zero result)
 * @throws JWEError for anything but a public key on the key's curve: not an object, another type
 *   or curve, a `d`, a missing or malformed coordinate, a point off the curve
 * @example
 * ```ts
 * const z = agreeWithEpk(header.epk, recipientKey)
 * ```
 */
export function agreeWithEpk(value: unknown, key: Key): Buffer | undefined {
  if (!isJsonObject(value)) throw new JWEError('ECDH-ES needs an "epk" JWK object')
  if (value.kty !== key.kty || value.crv !== key.crv) {
    throw new JWEError(`"epk" must be a ${key.kty} key on ${key.crv}`)
  }
  if (value.d !== undefined) throw new JWEError('"epk" must be a public key')
  if (key.kty !== 'EC') return ecdhSharedSecret(key.keyObject, readOkpEpk(value, key))
  // Only a private key agrees; anything else fails as a wrong key does.
  if (key.type !== 'private') return undefined
  const z = ecdhWithPoint(ecdhParty(key.keyObject), ecPoint(value, key.crv!))
  if (z === undefined) throw new JWEError(`"epk" is not a valid public key on ${key.crv}`)
  return z
}

/**
 * Makes an ephemeral key on the curve of the recipient's `key` (public, or private), agrees a
 * shared secret with it, and returns it with the ephemeral public key as an `epk`.
 *
 * @param fixed - an ephemeral private key to use instead of a new one (known-answer tests)
 * @example
 * ```ts
 * const { z, epk } = agreeEphemeral(recipientKey, undefined)
 * ```
 */
export function agreeEphemeral(key: Key, fixed: KeyObject | undefined): EphemeralAgreement {
  const recipient = key.keyObject
  if (key.kty === 'EC') {
    const { party, point } =
      fixed === undefined
        ? generateEphemeralParty(recipient)
        : { party: ecdhParty(fixed), point: ecdhParty(fixed).getPublicKey() }
    const n = (point.length - 1) / 2
    const epk = {
      kty: 'EC',
      crv: key.crv!,
      x: point.subarray(1, 1 + n).toString('base64url'),
      y: point.subarray(1 + n).toString('base64url'),
    }
    return { z: ecdhWithPoint(party, publicPoint(recipient)), epk }
  }
  const publicKey = key.type === 'private' ? createPublicKey(recipient) : recipient
  const ephemeral = fixed ?? generateEphemeralKey(publicKey)
  return { z: ecdhSharedSecret(ephemeral, publicKey), epk: okpEpk(ephemeral) }
}

// The uncompressed point of an EC `epk`: each coordinate canonical base64url of exactly the
// curve's length, as the JWK importer requires of any EC key.
function ecPoint(value: Record<string, unknown>, crv: string): Buffer {
  const bytes = EC_COORDINATE_BYTES.get(crv)!
  const x = typeof value.x === 'string' ? decodeBase64url(value.x) : undefined
  const y = typeof value.y === 'string' ? decodeBase64url(value.y) : undefined
  if (x === undefined || y === undefined || x.length !== bytes || y.length !== bytes) {
    throw new JWEError(`"epk" must have "x" and "y" of ${bytes} bytes each, in base64url`)
  }
  const point = Buffer.allocUnsafe(1 + 2 * bytes)
  point[0] = 4
  x.copy(point, 1)
  y.copy(point, 1 + bytes)
  return point
}

// An X25519 or X448 `epk` through the JWK importer: only the members that define the point.
function readOkpEpk(value: Record<string, unknown>, key: Key): KeyObject {
  try {
    return importJWK({ kty: value.kty, crv: value.crv, x: value.x }).keyObject
  } catch (cause) {
    throw new JWEError(`"epk" is not a valid public key on ${key.crv}`, { cause })
  }
}

// The public JWK members of an X25519 or X448 ephemeral key.
function okpEpk(ephemeral: KeyObject): Record<string, string> {
  const jwk = createPublicKey(ephemeral).export({ format: 'jwk' })
  return { kty: String(jwk.kty), crv: String(jwk.crv), x: String(jwk.x) }
}
