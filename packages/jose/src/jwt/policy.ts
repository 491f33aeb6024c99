// Decode options compiled once into a policy: the compiled verifier does this at creation, and
// jwt.decode on each call.
import type { Limits, ResolvedLimits } from '../internal/limits.js'
import { resolveLimits } from '../internal/limits.js'
import { InvalidOptionsError } from '../errors.js'
import { readClock, readSeconds, type Clock } from './time.js'

/** Switches for each check, named as python-jose names them, camel-cased. */
export interface DecodeSwitches {
  /** Check the signature (default true). Turning this off trusts anyone who can write JSON. */
  verifySignature?: boolean
  verifyAud?: boolean
  verifyIat?: boolean
  verifyExp?: boolean
  verifyNbf?: boolean
  verifyIss?: boolean
  verifySub?: boolean
  verifyJti?: boolean
  verifyAtHash?: boolean
  requireAud?: boolean
  requireIat?: boolean
  requireExp?: boolean
  requireNbf?: boolean
  requireIss?: boolean
  requireSub?: boolean
  requireJti?: boolean
  requireAtHash?: boolean
}

/** Claim checks shared by jwt.decode, jwt.decodeUnsecured and jwt.createVerifier. */
export interface ClaimOptions {
  /** Accepted audiences; the token's `aud` must name one. When given, `aud` is required. */
  audience?: string | readonly string[]
  /** Accepted issuers. When given, `iss` is required. */
  issuer?: string | readonly string[]
  /** The expected subject. When given, `sub` is required. */
  subject?: string
  /** The access token that `at_hash` must match. */
  accessToken?: string
  /** Clock skew tolerated on `exp`, `nbf` and `maxTokenAge`, in seconds. */
  leeway?: number
  /** The oldest a token may be, in seconds since its `iat` (which becomes required). */
  maxTokenAge?: number
  /** The required header `typ` (compared as RFC 7515 says: case-insensitive, `application/` optional). */
  typ?: string
  /** The current time, for tests: seconds, a Date, or a function returning either. */
  now?: Clock
  /** Limits on the token's size and nesting. */
  limits?: Limits
  /** Header extensions (names in `crit`) that the caller processes itself. */
  crit?: readonly string[]
  /** Which checks run and which claims must be present. */
  options?: DecodeSwitches
}

/** The compiled form of ClaimOptions. */
export interface ClaimPolicy {
  readonly audience: readonly string[] | undefined
  readonly issuer: readonly string[] | undefined
  readonly subject: string | undefined
  readonly accessToken: string | undefined
  readonly leeway: number
  readonly maxTokenAge: number | undefined
  readonly typ: string | undefined
  readonly now: () => number
  readonly limits: ResolvedLimits
  readonly crit: readonly string[] | undefined
  readonly verifySignature: boolean
  readonly verify: Readonly<Record<ClaimName, boolean>>
  readonly require: Readonly<Record<ClaimName, boolean>>
}

/** Claims with a verify and a require switch. */
export type ClaimName = 'aud' | 'iat' | 'exp' | 'nbf' | 'iss' | 'sub' | 'jti' | 'at_hash'

// Each claim with the names of its verify and require switches, spelled out once rather than built
// from template literals on every decode.
const SWITCHES: readonly (readonly [ClaimName, string, string])[] = [
  ['aud', 'verifyAud', 'requireAud'],
  ['iat', 'verifyIat', 'requireIat'],
  ['exp', 'verifyExp', 'requireExp'],
  ['nbf', 'verifyNbf', 'requireNbf'],
  ['iss', 'verifyIss', 'requireIss'],
  ['sub', 'verifySub', 'requireSub'],
  ['jti', 'verifyJti', 'requireJti'],
  ['at_hash', 'verifyAtHash', 'requireAtHash'],
]

// The defaults (every verify on, every require off), shared by every policy that sets no switch.
const DEFAULT_VERIFY = Object.freeze(
  Object.fromEntries(SWITCHES.map(([claim]) => [claim, true])) as Record<ClaimName, boolean>,
)
const DEFAULT_REQUIRE = Object.freeze(
  Object.fromEntries(SWITCHES.map(([claim]) => [claim, false])) as Record<ClaimName, boolean>,
)

/** Compiles claim options; throws InvalidOptionsError for options of the wrong shape. */
export function compilePolicy(options: ClaimOptions): ClaimPolicy {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionsError('options must be an object')
  }
  const switches = (options.options ?? {}) as Record<string, unknown>
  if (typeof switches !== 'object' || switches === null) {
    throw new InvalidOptionsError('options.options must be an object')
  }
  let verify: Readonly<Record<ClaimName, boolean>> = DEFAULT_VERIFY
  let require: Readonly<Record<ClaimName, boolean>> = DEFAULT_REQUIRE
  if (options.options !== undefined) {
    const v = {} as Record<ClaimName, boolean>
    const r = {} as Record<ClaimName, boolean>
    for (const [claim, verifyName, requireName] of SWITCHES) {
      v[claim] = readSwitch(switches, verifyName, true)
      r[claim] = readSwitch(switches, requireName, false)
    }
    verify = Object.freeze(v)
    require = Object.freeze(r)
  }
  const audience = readNames(options.audience, 'audience')
  const issuer = readNames(options.issuer, 'issuer')
  if (options.subject !== undefined && typeof options.subject !== 'string') {
    throw new InvalidOptionsError('subject must be a string')
  }
  if (options.accessToken !== undefined && typeof options.accessToken !== 'string') {
    throw new InvalidOptionsError('accessToken must be a string')
  }
  if (options.typ !== undefined && typeof options.typ !== 'string') {
    throw new InvalidOptionsError('typ must be a string')
  }
  return Object.freeze({
    audience,
    issuer,
    subject: options.subject,
    accessToken: options.accessToken,
    leeway: readSeconds(options.leeway, 'leeway') ?? 0,
    maxTokenAge: readSeconds(options.maxTokenAge, 'maxTokenAge'),
    typ: readTyp(options.typ),
    now: readClock(options.now),
    limits: resolveLimits(options.limits),
    crit: options.crit,
    verifySignature: readSwitch(switches, 'verifySignature', true),
    verify,
    require,
  })
}

/**
 * RFC 7515 section 4.1.9: media types compare case-insensitively (in ASCII, as RFC 2045 says), and
 * `application/` may be omitted.
 */
export function normalizeTyp(typ: string): string {
  // ASCII letters only: toLowerCase on the whole string would fold U+212A KELVIN SIGN into "k".
  const lower = typ.replace(/[A-Z]+/g, (upper) => upper.toLowerCase())
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower
}

function readTyp(typ: unknown): string | undefined {
  if (typ === undefined) return undefined
  if (typeof typ !== 'string') throw new InvalidOptionsError('typ must be a string')
  return normalizeTyp(typ)
}

function readSwitch(switches: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = switches[name]
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new InvalidOptionsError(`options.${name} must be a boolean`)
  return value
}

function readNames(value: unknown, what: string): readonly string[] | undefined {
  if (value === undefined) return undefined
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== 'string')) {
    throw new InvalidOptionsError(`${what} must be a string or a non-empty array of strings`)
  }
  return Object.freeze([...list])
}
