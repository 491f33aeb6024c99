// Rules for protected headers that hold whatever the algorithm: RFC 7515 section 4.1.11 (`crit`)
// and RFC 7797 (`b64`).
import { InvalidOptionsError, JWSError } from '../errors.js'
import { REGISTERED_HEADER_NAMES } from '../internal/registered-headers.js'

/**
 * Checks `crit`: a non-empty array of distinct names, none registered, each present in the header
 * and each one the caller says it understands. Also refuses `b64: false` (RFC 7797), which the JWT
 * paths never accept (RFC 7797 section 7); JWS paths use {@link checkCriticalJWS}.
 *
 * @param header - the parsed protected header
 * @param understood - extension names the caller processes
 */
export function checkCritical(
  header: Record<string, unknown>,
  understood: ReadonlySet<string>,
): void {
  checkCritList(header, understood)
  if (header.b64 !== undefined && header.b64 !== true) {
    throw new JWSError('unencoded payloads (b64: false) are not accepted here')
  }
}

/** Options for {@link checkCriticalJWS}. */
export interface CriticalOptions {
  /** Accept `b64: false` (RFC 7797) when `crit` lists `b64`. Off: the rules of checkCritical. */
  allowUnencoded?: boolean
}

/**
 * checkCritical for JWS: with `allowUnencoded`, `b64` is an extension this library understands
 * (it implements RFC 7797), so `crit` may list it; `b64: false` is accepted only when it does.
 * Without it, this is exactly checkCritical.
 *
 * @param header - the parsed protected header (never an unprotected one: `crit` and `b64` must be
 *   integrity protected)
 * @param understood - extension names the caller processes (never `b64`)
 * @param options - whether RFC 7797 unencoded payloads are accepted
 * @returns whether the payload is base64url-encoded: the value of `b64`, true when absent
 *
 * @example
 * ```ts
 * const b64 = checkCriticalJWS(header, understoodExtensions(options.crit), { allowUnencoded: true })
 * ```
 */
export function checkCriticalJWS(
  header: Record<string, unknown>,
  understood: ReadonlySet<string>,
  options: CriticalOptions = {},
): boolean {
  if (options.allowUnencoded !== true) {
    checkCritical(header, understood)
    return true
  }
  checkCritList(header, understood, 'b64')
  return payloadIsEncoded(header)
}

/**
 * The RFC 7797 rule alone: whether the payload is base64url-encoded. `b64`, when present, must be a
 * boolean, and `b64: false` must be listed in `crit` (RFC 7797 section 6).
 *
 * @param header - the parsed protected header
 */
export function payloadIsEncoded(header: Record<string, unknown>): boolean {
  const b64 = header.b64
  if (b64 === undefined || b64 === true) return true
  if (b64 !== false) throw new JWSError('"b64" must be a boolean')
  if (!Array.isArray(header.crit) || !header.crit.includes('b64')) {
    throw new JWSError('an unencoded payload (b64: false) must list "b64" in "crit" (RFC 7797)')
  }
  return false
}

function checkCritList(
  header: Record<string, unknown>,
  understood: ReadonlySet<string>,
  implemented?: string,
): void {
  const crit = header.crit
  if (crit === undefined) return
  if (!Array.isArray(crit) || crit.length === 0) {
    throw new JWSError('"crit" must be a non-empty array')
  }
  const seen = new Set<string>()
  for (const name of crit) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new JWSError('"crit" may only hold header names')
    }
    if (seen.has(name)) throw new JWSError('"crit" lists a name twice')
    seen.add(name)
    if (REGISTERED_HEADER_NAMES.has(name))
      throw new JWSError(`"crit" may not list the registered name "${name}"`)
    if (!Object.hasOwn(header, name))
      throw new JWSError(`"crit" lists "${name.slice(0, 32)}", which the header lacks`)
    if (!understood.has(name) && name !== implemented) {
      throw new JWSError(
        `the header marks "${name.slice(0, 32)}" critical, which is not understood`,
      )
    }
  }
}

/** No extensions understood: the default for `crit`. */
export const NO_EXTENSIONS: ReadonlySet<string> = new Set()

/** Turns a caller's list of understood extensions into a set, refusing registered names. */
export function understoodExtensions(names: readonly string[] | undefined): ReadonlySet<string> {
  if (names === undefined || (Array.isArray(names) && names.length === 0)) return NO_EXTENSIONS
  if (!Array.isArray(names)) throw new InvalidOptionsError('crit must be an array of header names')
  for (const name of names as unknown[]) {
    if (typeof name !== 'string' || REGISTERED_HEADER_NAMES.has(name) || name === 'b64') {
      // Never String(name): an object whose toString is not a function would throw a TypeError.
      const shown = typeof name === 'string' ? `"${name.slice(0, 32)}"` : `a ${typeof name}`
      throw new JWSError(`${shown} cannot be declared as an understood extension`)
    }
  }
  return new Set(names)
}
