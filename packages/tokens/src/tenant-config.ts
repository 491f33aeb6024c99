import { InvalidInputError } from './errors.js'
import type { TenantConfig } from './stores/records.js'

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

const POSITIVE_INTEGERS = [
  'accessTokenTtl',
  'refreshIdleTtl',
  'sessionAbsoluteTtl',
  'maxLoginAttempts',
  'lockoutMinutes',
] as const

/** Fills in defaults and checks every field; throws InvalidInputError naming the bad one. */
export function resolveTenantConfig(input: Partial<TenantConfig> = {}): TenantConfig {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidInputError('tenant configuration must be an object')
  }
  const config = { ...DEFAULT_TENANT_CONFIG, ...input }
  for (const name of POSITIVE_INTEGERS) {
    if (!Number.isSafeInteger(config[name]) || config[name] <= 0) {
      throw new InvalidInputError(`${name} must be a positive integer`)
    }
  }
  if (!Number.isSafeInteger(config.reuseGraceSeconds) || config.reuseGraceSeconds < 0) {
    throw new InvalidInputError('reuseGraceSeconds must be a non-negative integer')
  }
  for (const name of ['issuer', 'audience', 'signingAlgorithm'] as const) {
    if (typeof config[name] !== 'string' || config[name].length === 0) {
      throw new InvalidInputError(`${name} must be a non-empty string`)
    }
  }
  if (config.sessionAbsoluteTtl < config.accessTokenTtl) {
    throw new InvalidInputError('sessionAbsoluteTtl must be at least accessTokenTtl')
  }
  return config
}
