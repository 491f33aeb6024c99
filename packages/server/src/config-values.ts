// Parsers for the values environment variables hold: integers, durations ("15m"), rates ("10/1m"),
// lists, URLs and enums. Each returns the value or throws a ConfigProblem naming nothing but what
// was wrong; config.ts adds the variable's name. Values are never echoed: one may be a secret.

/** Thrown by a parser; config.ts collects these into one ConfigError. */
export class ConfigProblem extends Error {
  override readonly name = 'ConfigProblem'
}

const DURATION = /^(\d+)(ms|s|m|h|d)?$/
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * A duration in milliseconds from `500ms`, `30s`, `15m`, `12h` or `7d`; a bare number is seconds.
 *
 * @param text - the variable's value
 * @example
 * ```ts
 * parseDuration('15m') // 900000
 * ```
 */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim())
  if (match === null) {
    throw new ConfigProblem('must be a duration such as 30s, 15m, 12h or 7d')
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 's']!
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new ConfigProblem('must be a positive duration')
  return ms
}

/**
 * A whole number of `unit` milliseconds (seconds: 1000, minutes: 60 000) from a duration.
 *
 * @param text - the variable's value
 * @param unit - the size of one unit, ms
 * @param unitName - the unit's name for the error message
 * @example
 * ```ts
 * parseWholeDuration('2h', 60_000, 'minutes') // 120
 * ```
 */
export function parseWholeDuration(text: string, unit: number, unitName: string): number {
  const ms = parseDuration(text)
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
    duration: parseWholeDuration(window, 1000, 'seconds'),
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
