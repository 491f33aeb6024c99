// The ephemeral public key of ECDH-ES (`epk`, RFC 7518 section 4.6.1.1). A received `epk` is the
// attacker's choice, so it must be a public key of the recipient key's own type and curve, and a
// point on that curve: node:crypto's JWK import refuses points off the curve, which defeats
// invalid-curve attacks. X25519 and X448 low-order points fail later, at the agreement.
import { createPublicKey, type KeyObject } from 'node:crypto'
import { JWEError } from '../errors.js'
import { isJsonObject } from '../internal/json.js'
import { importJWK } from '../keys/jwk-import.js'
import type { Key } from '../keys/key.js'

/**
 * Imports a received `epk` for agreement with `key`; throws JWEError for anything but a valid public
 * key on the key's curve.
 *
 * @example
 * ```ts
 * const epk = readEpk(header.epk, recipientKey)
 * ```
 */
export function readEpk(value: unknown, key: Key): KeyObject {
  if (!isJsonObject(value)) throw new JWEError('ECDH-ES needs an "epk" JWK object')
  if (value.kty !== key.kty || value.crv !== key.crv) {
    throw new JWEError(`"epk" must be a ${key.kty} key on ${key.crv}`)
  }
  if (value.d !== undefined) throw new JWEError('"epk" must be a public key')
  // Only the members that define the point reach the importer.
  const material: Record<string, unknown> = { kty: value.kty, crv: value.crv, x: value.x }
  if (key.kty === 'EC') material.y = value.y
  try {
    return importJWK(material).keyObject
  } catch (cause) {
    throw new JWEError(`"epk" is not a valid public key on ${key.crv}`, { cause })
  }
}

/**
 * The public JWK members of an ephemeral key, for the `epk` header parameter.
 *
 * @example
 * ```ts
 * header.epk = epkToJwk(ephemeralPrivateKey) // { kty, crv, x, y }
 * ```
 */
export function epkToJwk(ephemeral: KeyObject): Record<string, string> {
  const jwk = createPublicKey(ephemeral).export({ format: 'jwk' })
  const out: Record<string, string> = { kty: String(jwk.kty), crv: String(jwk.crv) }
  out.x = String(jwk.x)
  if (jwk.y !== undefined) out.y = String(jwk.y)
  return out
}
