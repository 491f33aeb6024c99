import { InvalidOptionsError } from '../errors.js'

/** A point in time: seconds since the epoch, or a Date. */
export type TimeInput = number | Date

/** A clock for tests: a fixed time, or a function that reads one. */
export type Clock = TimeInput | (() => TimeInput)

/** Seconds since the epoch, as a NumericDate (RFC 7519 section 2). */
export function toSeconds(value: TimeInput, what: string): number {
  const seconds = value instanceof Date ? value.getTime() / 1000 : value
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
    throw new InvalidOptionsError(`${what} must be a finite number of seconds or a valid Date`)
  }
  return seconds
}

/** The system clock, in seconds. */
const systemClock = (): number => Date.now() / 1000

/** Reads a clock option as a function that returns seconds. */
export function readClock(clock: Clock | undefined): () => number {
  if (clock === undefined) return systemClock
  if (typeof clock === 'function') return () => toSeconds(clock(), 'now')
  const fixed = toSeconds(clock, 'now')
  return () => fixed
}

/** Checks a duration option in seconds. */
export function readSeconds(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidOptionsError(`${what} must be a non-negative number of seconds`)
  }
  return value
}
