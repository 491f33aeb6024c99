import { Buffer } from 'node:buffer'
import { isJsonObject, parseJson, withinDepth } from '../internal/json.js'
import type { ResolvedLimits } from '../internal/limits.js'
import { InvalidTokenError } from '../errors.js'

/** The claims of a JWT: a JSON object. */
export type Claims = Record<string, unknown>

/** Decodes a checked base64url payload segment into a claims object. */
export function parseClaims(payloadSegment: string, limits: ResolvedLimits): Claims {
  return parseClaimsBytes(Buffer.from(payloadSegment, 'base64url'), limits)
}

/** Parses the decoded bytes of a payload segment into a claims object. */
export function parseClaimsBytes(bytes: Buffer, limits: ResolvedLimits): Claims {
  const claims = parseJson(bytes.toString('utf8'))
  if (!isJsonObject(claims)) throw new InvalidTokenError('the payload is not a JSON object')
  if (!withinDepth(claims, limits.maxJsonDepth)) {
    throw new InvalidTokenError('the payload nests too deeply')
  }
  return claims
}
