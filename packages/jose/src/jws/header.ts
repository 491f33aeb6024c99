// Rules for protected headers that hold whatever the algorithm: RFC 7515 section 4.1.11 (`crit`).
import { JWSError } from '../errors.js'

// Names registered by RFC 7515, 7516 and 7518; none may appear in `crit` (RFC 7515 section 4.1.11).
const REGISTERED = new Set([
  'alg',
  'jku',
  'jwk',
  'kid',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
  'typ',
  'cty',
  'crit',
  'enc',
  'zip',
  'epk',
  'apu',
  'apv',
  'iv',
  'tag',
  'p2s',
  'p2c',
])

/**
 * Checks `crit`: a non-empty array of distinct names, none registered, each present in the header
 * and each one the caller says it understands. Also refuses `b64: false` (RFC 7797), which this
 * compact path does not process.
 *
 * @param header - the parsed protected header
 * @param understood - extension names the caller processes
 */
export function checkCritical(
  header: Record<string, unknown>,
  understood: ReadonlySet<string>,
): void {
  const crit = header.crit
  if (crit !== undefined) {
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
      if (REGISTERED.has(name))
        throw new JWSError(`"crit" may not list the registered name "${name}"`)
      if (!Object.hasOwn(header, name))
        throw new JWSError(`"crit" lists "${name.slice(0, 32)}", which the header lacks`)
      if (!understood.has(name)) {
        throw new JWSError(
          `the header marks "${name.slice(0, 32)}" critical, which is not understood`,
        )
      }
    }
  }
  if (header.b64 !== undefined && header.b64 !== true) {
    throw new JWSError('unencoded payloads (b64: false) are not accepted here')
  }
}

/** No extensions understood: the default for `crit`. */
export const NO_EXTENSIONS: ReadonlySet<string> = new Set()

/** Turns a caller's list of understood extensions into a set, refusing registered names. */
export function understoodExtensions(names: readonly string[] | undefined): ReadonlySet<string> {
  if (names === undefined || names.length === 0) return NO_EXTENSIONS
  for (const name of names) {
    if (typeof name !== 'string' || REGISTERED.has(name) || name === 'b64') {
      throw new JWSError(
        `"${String(name).slice(0, 32)}" cannot be declared as an understood extension`,
      )
    }
  }
  return new Set(names)
}
