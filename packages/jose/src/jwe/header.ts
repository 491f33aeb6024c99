// The JOSE Header of a JWE (RFC 7516 section 4): the union of the protected header, the shared
// unprotected header and the recipient's header, whose names must be disjoint. Checked here: `crit`
// (protected, RFC 7515 section 4.1.11), `zip` (only ever protected, and only DEF), and that `alg` and
// `enc` are in the caller's lists. The header never chooses anything beyond them.
import type { ContentEncryptionAlgorithm, KeyManagementAlgorithm } from '../algorithms/registry.js'
import { InvalidOptionsError, JWEAlgorithmError, JWEError } from '../errors.js'
import { shownName } from '../internal/options.js'
import { REGISTERED_HEADER_NAMES } from '../internal/registered-headers.js'

/** The algorithms a header resolved to, from the caller's lists. */
export interface HeaderAlgorithms {
  alg: KeyManagementAlgorithm
  enc: ContentEncryptionAlgorithm
}

/**
 * Joins the three headers of one recipient; throws JWEError when a name appears in more than one.
 *
 * @example
 * ```ts
 * const joined = joinHeaders(protectedHeader, unprotected, recipient.header)
 * ```
 */
export function joinHeaders(
  ...headers: (Record<string, unknown> | undefined)[]
): Record<string, unknown> {
  const joined: Record<string, unknown> = {}
  for (const header of headers) {
    if (header === undefined) continue
    for (const name of Object.keys(header)) {
      if (Object.hasOwn(joined, name)) {
        throw new JWEError(`the header parameter "${name.slice(0, 32)}" appears twice`)
      }
      if (name === '__proto__') {
        // A data property, so that a member named "__proto__" stays a member. Any other name is
        // assigned: on a fresh object only __proto__ is an accessor, and defineProperty for every
        // member cost about 0.5 µs a join (each JWE encrypted or decrypted makes one or two).
        Object.defineProperty(joined, name, {
          value: header[name],
          enumerable: true,
          writable: true,
          configurable: true,
        })
      } else {
        joined[name] = header[name]
      }
    }
  }
  return joined
}

/**
 * Checks one recipient's joined header and finds its `alg` and `enc` in the caller's lists.
 *
 * @throws JWEError for a header rule broken, JWEAlgorithmError for `alg` or `enc` not allowed
 * @example
 * ```ts
 * const { alg, enc } = checkHeader(joined, protectedHeader, policy)
 * ```
 */
export function checkHeader(
  joined: Record<string, unknown>,
  protectedHeader: Record<string, unknown> | undefined,
  lists: {
    algorithms: ReadonlyMap<string, KeyManagementAlgorithm>
    encryptions: ReadonlyMap<string, ContentEncryptionAlgorithm>
    crit: ReadonlySet<string>
  },
): HeaderAlgorithms {
  checkCrit(joined, protectedHeader, lists.crit)
  if (joined.zip !== undefined) {
    if (protectedHeader?.zip === undefined) {
      throw new JWEError('"zip" must be in the protected header')
    }
    if (joined.zip !== 'DEF') throw new JWEError('"zip" must be "DEF"')
  }
  for (const name of ['kid', 'typ', 'cty'] as const) {
    if (joined[name] !== undefined && typeof joined[name] !== 'string') {
      throw new JWEError(`"${name}" must be a string`)
    }
  }
  return {
    alg: allowed(joined.alg, 'alg', lists.algorithms),
    enc: allowed(joined.enc, 'enc', lists.encryptions),
  }
}

/**
 * Turns a caller's list of understood extensions into a set, refusing registered names.
 *
 * @example
 * ```ts
 * const understood = understoodHeaderExtensions(['exp'])
 * ```
 */
export function understoodHeaderExtensions(names: readonly string[] | undefined): Set<string> {
  for (const name of names ?? []) {
    if (typeof name !== 'string' || REGISTERED_HEADER_NAMES.has(name)) {
      throw new InvalidOptionsError(
        `${shownName(name)} cannot be declared as an understood extension`,
      )
    }
  }
  return new Set(names)
}

function checkCrit(
  joined: Record<string, unknown>,
  protectedHeader: Record<string, unknown> | undefined,
  understood: ReadonlySet<string>,
): void {
  const crit = joined.crit
  if (crit === undefined) return
  if (protectedHeader?.crit === undefined) throw new JWEError('"crit" must be protected')
  if (!Array.isArray(crit) || crit.length === 0) {
    throw new JWEError('"crit" must be a non-empty array')
  }
  const seen = new Set<string>()
  for (const name of crit) {
    if (typeof name !== 'string' || name.length === 0 || seen.has(name)) {
      throw new JWEError('"crit" must list distinct header names')
    }
    seen.add(name)
    if (REGISTERED_HEADER_NAMES.has(name)) throw new JWEError(`"crit" may not list "${name}"`)
    if (!Object.hasOwn(joined, name)) {
      throw new JWEError(`"crit" lists "${name.slice(0, 32)}", which the header lacks`)
    }
    if (!understood.has(name)) {
      throw new JWEError(
        `the header marks "${name.slice(0, 32)}" critical, which is not understood`,
      )
    }
  }
}

function allowed<T>(name: unknown, member: 'alg' | 'enc', list: ReadonlyMap<string, T>): T {
  if (typeof name !== 'string') throw new JWEError(`the header has no "${member}"`)
  const entry = list.get(name)
  if (entry === undefined) {
    const hint = member === 'alg' && /^(RSA1_5|PBES2)/.test(name) ? ' (name it in algorithms)' : ''
    throw new JWEAlgorithmError(`the ${member} "${name.slice(0, 32)}" is not allowed${hint}`)
  }
  return entry
}
