// Parsers for the values environment variables hold: integers, durations ("15m"), rates ("10/1m"),
// lists, URLs and enums. Each returns the value or throws a ConfigProblem naming nothing but what
// was wrong; config.ts adds the variable's name. Values are never echoed: one may be a secret.

/** Thrown by a parser; config.ts collects these into one ConfigError. */
export class ConfigProblem extends Error {
  override readonly name = 'ConfigProblem'
}

const DURATION = /^(\d+)(ms|s|m|h|d)?$/
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** The longest a Node.js timer waits, ms (2^31 - 1): a longer one fires after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** What a duration may be, beyond a well-formed one. */
export interface DurationBounds {
  /** The longest allowed, ms (default: any). */
  max?: number
  /** Whether 0 is allowed (default: no). */
  zero?: boolean
}

/**
 * A duration in milliseconds from `500ms`, `30s`, `15m`, `12h` or `7d`; a bare number is seconds.
 *
 * @param text - the variable's value
 * @param bounds - the longest duration allowed, and whether 0 is
 * @example
 * ```ts
 * parseDuration('15m') // 900000
 * parseDuration('30d', { max: MAX_TIMER_MS }) // throws: must be at most 2147483647ms (about 24.8d)
 * ```
 */
export function parseDuration(text: string, bounds: DurationBounds = {}): number {
  const match = DURATION.exec(text.trim())
  if (match === null) {
    throw new ConfigProblem('must be a duration such as 30s, 15m, 12h or 7d')
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 's']!
  if (!Number.isSafeInteger(ms) || ms < 0 || (ms === 0 && bounds.zero !== true)) {
    throw new ConfigProblem('must be a positive duration')
  }
  if (bounds.max !== undefined && ms > bounds.max) {
    throw new ConfigProblem(`must be at most ${formatDuration(bounds.max)}`)
  }
  return ms
}

// In the largest unit that divides the duration, so a bound reads as it is best written; an odd
// one of days or more (a timer's 2147483647ms) says roughly how long that is too.
function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit]! === 0) return `${ms / UNIT_MS[unit]!}${unit}`
  }
  const days = ms / UNIT_MS.d!
  return days >= 1 ? `${ms}ms (about ${Math.floor(days * 10) / 10}d)` : `${ms}ms`
}

/**
 * A whole number of `unit` milliseconds (seconds: 1000, minutes: 60 000) from a duration.
 *
 * @param text - the variable's value
 * @param unit - the size of one unit, ms
 * @param unitName - the unit's name for the error message
 * @param bounds - the longest duration allowed (ms), and whether 0 is
 * @example
 * ```ts
 * parseWholeDuration('2h', 60_000, 'minutes') // 120
 * ```
 */
export function parseWholeDuration(
  text: string,
  unit: number,
  unitName: string,
  bounds: DurationBounds = {},
): number {
  const ms = parseDuration(text, bounds)
  if (ms % unit !== 0) throw new ConfigProblem(`must be a whole number of ${unitName}`)
  return ms / unit
}

/**
 * An integer from `min` to `max`.
 *
 * @param text - the variable's value
 * @param min - the smallest value allowed
 * @param max - the largest value allowed
 * @example
 * ```ts
 * parseInteger('8080', 0, 65535) // 8080
 * ```
 */
export function parseInteger(text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigProblem(`must be an integer from ${min} to ${max}`)
  }
  return value
}

/** A rate limit: `points` requests per `duration` seconds. */
export interface Rate {
  points: number
  duration: number
}

/**
 * A rate such as `10/1m` (10 requests a minute) or `1000/1s`; the window is whole seconds.
 *
 * @param text - the variable's value
 * @example
 * ```ts
 * parseRate('100/15m') // { points: 100, duration: 900 }
 * ```
 */
export function parseRate(text: string): Rate {
  const [points, window, ...rest] = text.split('/')
  if (points === undefined || window === undefined || rest.length > 0) {
    throw new ConfigProblem('must be a rate such as 10/1m (requests per window)')
  }
  return {
    points: parseInteger(points, 1, 1_000_000_000),
    // The window is a timer's wait where limits count in memory.
    duration: parseWholeDuration(window, 1000, 'seconds', { max: MAX_TIMER_MS }),
  }
}

/**
 * A comma-separated list, trimmed, without empty items.
 *
 * @param text - the variable's value
 * @example
 * ```ts
 * parseList(' a, b,,c ') // ['a', 'b', 'c']
 * ```
 */
export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
}

/**
 * An http(s) URL without query or fragment, returned without a trailing slash.
 *
 * @param text - the variable's value
 * @example
 * ```ts
 * parseHttpUrl('https://id.example.com/') // 'https://id.example.com'
 * ```
 */
export function parseHttpUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    throw new ConfigProblem('must be an absolute URL such as https://id.example.com')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigProblem('must be an http or https URL')
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigProblem('must not have credentials, a query or a fragment')
  }
  return url.href.replace(/\/+$/, '')
}

/**
 * One of a fixed set of words, any case.
 *
 * @param text - the variable's value
 * @param allowed - the words allowed
 * @example
 * ```ts
 * parseChoice('INFO', ['debug', 'info'] as const) // 'info'
 * ```
 */
export function parseChoice<T extends string>(text: string, allowed: readonly T[]): T {
  const value = text.trim().toLowerCase()
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigProblem(`must be one of ${allowed.join(', ')}`)
  }
  return value as T
}

/**
 * One of a fixed set of names, spelled exactly (algorithm names stay as the RFCs spell them).
 *
 * @param text - the variable's value
 * @param allowed - the names allowed
 * @example
 * ```ts
 * parseExact('ES256', ['ES256', 'EdDSA']) // 'ES256'
 * ```
 */
export function parseExact<T extends string>(text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new ConfigProblem(`must be one of ${allowed.join(', ')}`)
  }
  return text as T
}

/**
 * A boolean from `true/false`, `on/off`, `yes/no` or `1/0`.
 *
 * @param text - the variable's value
 * @example
 * ```ts
 * parseBoolean('off') // false
 * ```
 */
export function parseBoolean(text: string): boolean {
  const value = parseChoice(text, ['true', 'false', 'on', 'off', 'yes', 'no', '1', '0'])
  return ['true', 'on', 'yes', '1'].includes(value)
}
