// Schemas of the admin tenant routes (root only): list, create, read and configure tenants.
import { SIGNATURE_ALGORITHMS } from '@tessera/jose'
import { DEFAULT_RATE_LIMITS } from '@tessera/tokens'
import { MAX_TIMER_MS } from '../config-values.js'
import { responses, time } from './common.js'

// The profiles the server consults: a rule under any other name (a misspelling) would never apply.
const RATE_LIMIT_PROFILES = Object.keys(DEFAULT_RATE_LIMITS)

// In memory, a window (or a block) is a timer's wait: a longer one than a timer takes ends at once.
const MAX_WINDOW_SECONDS = Math.floor(MAX_TIMER_MS / 1000)

const security = [{ bearer: [] }]

/** A tenant's settings as the API shows and takes them (seconds, minutes, names). */
const tenantSettings = {
  type: 'object',
  properties: {
    access_token_ttl: { type: 'integer', minimum: 1, description: 'Seconds' },
    refresh_token_ttl: { type: 'integer', minimum: 1, description: 'Seconds (idle)' },
    session_max_age: { type: 'integer', minimum: 1, description: 'Seconds (absolute)' },
    reuse_grace: { type: 'integer', minimum: 0, description: 'Seconds' },
    max_login_attempts: { type: 'integer', minimum: 1 },
    lockout_minutes: { type: 'integer', minimum: 1 },
    // The list TESSERA_SIGNING_ALGORITHM is checked against: a tenant whose keys cannot be made
    // (`none`, a typo) cannot sign, publish its keys or validate again.
    signing_algorithm: { type: 'string', enum: SIGNATURE_ALGORITHMS },
    audience: { type: 'string', minLength: 1, maxLength: 256 },
    rate_limits: {
      type: 'object',
      description:
        "This tenant's own rate limits by profile (loginPerIp, loginPerAccount, refreshPerSession, validatePerClient, adminApi), over the server's",
      propertyNames: { enum: RATE_LIMIT_PROFILES },
      additionalProperties: {
        type: 'object',
        properties: {
          points: { type: 'integer', minimum: 1 },
          duration: {
            type: 'integer',
            minimum: 1,
            maximum: MAX_WINDOW_SECONDS,
            description: 'Seconds',
          },
          block_duration: {
            type: 'integer',
            minimum: 0,
            maximum: MAX_WINDOW_SECONDS,
            description: 'Seconds',
          },
        },
        required: ['points', 'duration'],
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const

/** A tenant's rule for one rate-limit profile, by its API names. */
export interface TenantRateLimitBody {
  points: number
  duration: number
  block_duration?: number
}

/** A tenant's settings, by their API names. */
export interface TenantSettingsBody {
  access_token_ttl?: number
  refresh_token_ttl?: number
  session_max_age?: number
  reuse_grace?: number
  max_login_attempts?: number
  lockout_minutes?: number
  signing_algorithm?: string
  audience?: string
  rate_limits?: Record<string, TenantRateLimitBody>
}

const tenant = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    issuer: { type: 'string' },
    settings: tenantSettings,
    created_at: time,
    updated_at: time,
  },
} as const

const tenantParams = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: 63 } },
  required: ['name'],
} as const

/** The admin tenant routes, by operation. */
export const tenantSchemas = {
  list: {
    tags: ['admin'],
    security,
    summary: 'Every tenant (default-tenant admins only)',
    response: responses({
      200: { type: 'object', properties: { tenants: { type: 'array', items: tenant } } },
    }),
  },
  create: {
    tags: ['admin'],
    security,
    summary: 'Create a tenant, with its first signing key',
    body: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 63 },
        settings: tenantSettings,
      },
      required: ['name'],
      additionalProperties: false,
    },
    response: responses({ 201: tenant }),
  },
  get: {
    tags: ['admin'],
    security,
    summary: 'One tenant',
    params: tenantParams,
    response: responses({ 200: tenant }),
  },
  update: {
    tags: ['admin'],
    security,
    summary: "Change a tenant's settings",
    params: tenantParams,
    body: tenantSettings,
    response: responses({ 200: tenant }),
  },
} as const
