import { InvalidOptionsError } from '../errors.js'

/**
 * Limits on everything a token controls. Every parse of untrusted input goes through these.
 */
export interface Limits {
  /** Longest accepted token, in characters. Default 65536 (64 KiB). */
  maxTokenLength?: number
  /** Longest accepted protected-header segment, in base64url characters. Default 8192. */
  maxHeaderLength?: number
  /** Deepest nesting of objects and arrays in a header or payload. Default 20. */
  maxJsonDepth?: number
}

/** The limits with every field filled in. */
export type ResolvedLimits = Required<Limits>

/** Default limits, used wherever a caller gives none. */
export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  maxTokenLength: 65536,
  maxHeaderLength: 8192,
  maxJsonDepth: 20,
})

/** Fills in defaults and checks that each limit is a positive integer. */
export function resolveLimits(limits: Limits | undefined): ResolvedLimits {
  if (limits === undefined) return DEFAULT_LIMITS
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    throw new InvalidOptionsError('limits must be an object')
  }
  const out = { ...DEFAULT_LIMITS }
  for (const name of Object.keys(DEFAULT_LIMITS) as (keyof ResolvedLimits)[]) {
    const value = limits[name]
    if (value === undefined) continue
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new InvalidOptionsError(`${name} must be a positive integer`)
    }
    out[name] = value
  }
  return out
}
