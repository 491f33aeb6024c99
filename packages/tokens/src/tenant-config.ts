import { SIGNATURE_ALGORITHMS } from '@tessera/jose'
import { InvalidInputError } from './errors.js'
import { checkRule } from './rate-limits.js'
import type { TenantConfig, TenantRateLimit } from './stores/records.js'

/** How many profiles one tenant may override, and how long a profile's name may be. */
const MAX_TENANT_RATE_LIMITS = 32
const MAX_PROFILE_NAME = 64

/**
 * The longest duration any tenant setting may name: ten years, in seconds. Enough for any real
 * policy, and small enough that a time computed from it stays a valid date.
 */
export const MAX_SETTING_SECONDS = 10 * 365 * 24 * 3600
const MAX_SECONDS = MAX_SETTING_SECONDS

/** The settings a tenant starts with. */
export const DEFAULT_TENANT_CONFIG: Readonly<TenantConfig> = Object.freeze({
  issuer: 'http://127.0.0.1:8080',
  audience: 'tessera',
  accessTokenTtl: 900,
  refreshIdleTtl: 7 * 24 * 3600,
  sessionAbsoluteTtl: 30 * 24 * 3600,
  reuseGraceSeconds: 30,
  maxLoginAttempts: 5,
  lockoutMinutes: 30,
  signingAlgorithm: 'ES256',
})

// Each positive integer setting, with its largest value.
const POSITIVE_INTEGERS = [
  ['accessTokenTtl', MAX_SECONDS],
  ['refreshIdleTtl', MAX_SECONDS],
  ['sessionAbsoluteTtl', MAX_SECONDS],
  ['maxLoginAttempts', 1_000_000],
  ['lockoutMinutes', MAX_SECONDS / 60],
] as const

/** Fills in defaults and checks every field; throws InvalidInputError naming the bad one. */
export function resolveTenantConfig(input: Partial<TenantConfig> = {}): TenantConfig {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidInputError('tenant configuration must be an object')
  }
  const config = { ...DEFAULT_TENANT_CONFIG, ...input }
  for (const [name, max] of POSITIVE_INTEGERS) {
    if (!Number.isSafeInteger(config[name]) || config[name] <= 0 || config[name] > max) {
      throw new InvalidInputError(`${name} must be an integer from 1 to ${max}`)
    }
  }
  const grace = config.reuseGraceSeconds
  if (!Number.isSafeInteger(grace) || grace < 0 || grace > MAX_SECONDS) {
    throw new InvalidInputError(`reuseGraceSeconds must be an integer from 0 to ${MAX_SECONDS}`)
  }
  for (const name of ['issuer', 'audience'] as const) {
    if (typeof config[name] !== 'string' || config[name].length === 0) {
      throw new InvalidInputError(`${name} must be a non-empty string`)
    }
  }
  if (!(SIGNATURE_ALGORITHMS as readonly string[]).includes(config.signingAlgorithm)) {
    throw new InvalidInputError(
      `signingAlgorithm must be one of ${SIGNATURE_ALGORITHMS.join(', ')}`,
    )
  }
  if (config.sessionAbsoluteTtl < config.accessTokenTtl) {
    throw new InvalidInputError('sessionAbsoluteTtl must be at least accessTokenTtl')
  }
  if (config.rateLimits !== undefined) config.rateLimits = checkTenantRateLimits(config.rateLimits)
  return config
}

function checkTenantRateLimits(value: unknown): Readonly<Record<string, TenantRateLimit>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError('rateLimits must be an object of profiles')
  }
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length > MAX_TENANT_RATE_LIMITS) {
    throw new InvalidInputError(`rateLimits may name at most ${MAX_TENANT_RATE_LIMITS} profiles`)
  }
  const checked: Record<string, TenantRateLimit> = {}
  for (const [name, rule] of entries) {
    if (name.length === 0 || name.length > MAX_PROFILE_NAME) {
      throw new InvalidInputError(
        `rateLimits: a profile name has 1 to ${MAX_PROFILE_NAME} characters`,
      )
    }
    if (typeof rule !== 'object' || rule === null) {
      throw new InvalidInputError(`rateLimits.${name} must be { points, duration, blockDuration? }`)
    }
    const { points, duration, blockDuration } = checkRule(name, rule as Partial<TenantRateLimit>)
    checked[name] = { points, duration, blockDuration }
  }
  return Object.freeze(checked)
}
