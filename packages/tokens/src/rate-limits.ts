// Named rate limits on rate-limiter-flexible. One limiter per profile; keys are namespaced by tenant,
// so one tenant's traffic never spends another's budget. The memory store serves one process; with
// Redis, every instance spends from the same budget, and what happens while Redis is unreachable is
// a choice (`whenUnavailable`).
import type { Redis } from 'ioredis'
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible'
import { InvalidInputError, RateLimitedError, StoreUnavailableError } from './errors.js'
import type { Stores } from './stores/interfaces.js'

/** The built-in profiles; any other name can be configured too. */
export type RateLimitProfile =
  | 'loginPerIp'
  | 'loginPerAccount'
  | 'refreshPerSession'
  | 'validatePerClient'
  | 'adminApi'
  | (string & {})

/** One profile: `points` requests per `duration` seconds, then blocked for `blockDuration`. */
export interface RateLimitRule {
  points: number
  /** The window, seconds. */
  duration: number
  /** Seconds a key stays blocked once it exceeds the limit; 0 = until the window ends. */
  blockDuration: number
  /** Whether the key may appear in the audit event (false when it is what a user typed). */
  auditKey: boolean
}

/** Defaults for the built-in profiles. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, Readonly<RateLimitRule>>> = Object.freeze(
  {
    loginPerIp: { points: 100, duration: 900, blockDuration: 900, auditKey: true },
    loginPerAccount: { points: 10, duration: 60, blockDuration: 300, auditKey: false },
    refreshPerSession: { points: 30, duration: 60, blockDuration: 0, auditKey: true },
    validatePerClient: { points: 1000, duration: 1, blockDuration: 0, auditKey: true },
    adminApi: { points: 300, duration: 60, blockDuration: 0, auditKey: true },
  },
)

/** Who was refused, handed to the `onLimited` hook. Never holds a secret. */
export interface RateLimitHit {
  profile: string
  tenantId: string
  key: string
  rule: Readonly<RateLimitRule>
  retryAfterMs: number
  ip: string | null
  userAgent: string | null
}

/** Called once each time a key starts being refused (not on every refused request). */
export type OnLimited = (hit: RateLimitHit) => void | Promise<void>

/** Options for {@link RateLimits}. */
export interface RateLimitsOptions {
  /** Overrides per profile, merged over {@link DEFAULT_RATE_LIMITS}; new names add profiles. */
  profiles?: Record<string, Partial<RateLimitRule>>
  /** Records the refusal, e.g. {@link auditRateLimits}. */
  onLimited?: OnLimited
  /** Counts in Redis, shared by every instance, instead of in this process's memory. */
  redis?: RedisRateLimitOptions
  /**
   * A tenant's own rules, over the process-wide ones (e.g. `(id) =>
   * tenants.peek(id)?.config.rateLimits`). Called on every consume: keep it a memory lookup.
   */
  tenantRules?: (tenantId: string) => Readonly<Record<string, Partial<RateLimitRule>>> | undefined
}

/**
 * What rate limits do while Redis cannot be reached: `memory` counts in each instance's memory
 * until it is back (limits per instance, not shared), `refuse` fails the request with
 * StoreUnavailableError, `allow` lets it through uncounted.
 */
export type RateLimitFallback = 'memory' | 'refuse' | 'allow'

/** Rate limits in Redis. */
export interface RedisRateLimitOptions {
  /** An ioredis connection; give it `enableOfflineQueue: false` so an outage fails fast. */
  client: Redis
  /** Prefix of every key (default `tessera:rl:`). */
  keyPrefix?: string
  /** What to do while Redis is unreachable (default `memory`). */
  whenUnavailable?: RateLimitFallback
}

/**
 * Named rate limits, keyed per tenant.
 *
 * @example
 * ```ts
 * const limits = new RateLimits({ onLimited: auditRateLimits(storage) })
 * await limits.consume('loginPerIp', tenantId, '203.0.113.7') // throws RateLimitedError when over
 * ```
 */
export class RateLimits {
  readonly #rules = new Map<string, Readonly<RateLimitRule>>()
  readonly #limiters = new Map<string, RateLimiterAbstract>()
  readonly #onLimited: OnLimited | undefined
  readonly #allowWhenUnavailable: boolean
  readonly #redis: RedisRateLimitOptions | undefined
  readonly #tenantRules: RateLimitsOptions['tenantRules']
  /** Limiters of tenants' own rules, by profile and rule (tenants with equal rules share one). */
  readonly #tenantLimiters = new Map<
    string,
    { rule: Readonly<RateLimitRule>; limiter: RateLimiterAbstract }
  >()

  /** @param options profile overrides and the refusal hook */
  constructor(options: RateLimitsOptions = {}) {
    const overrides = options.profiles ?? {}
    for (const name of new Set([...Object.keys(DEFAULT_RATE_LIMITS), ...Object.keys(overrides)])) {
      const rule = checkRule(name, { ...DEFAULT_RATE_LIMITS[name], ...overrides[name] })
      this.#rules.set(name, rule)
      this.#limiters.set(name, limiterFor(name, rule, options.redis))
    }
    this.#onLimited = options.onLimited
    this.#allowWhenUnavailable = options.redis?.whenUnavailable === 'allow'
    this.#redis = options.redis
    this.#tenantRules = options.tenantRules
  }

  /** The rule of a profile. */
  rule(profile: RateLimitProfile): Readonly<RateLimitRule> {
    const rule = this.#rules.get(profile)
    if (rule === undefined) throw new InvalidInputError(`unknown rate limit profile "${profile}"`)
    return rule
  }

  /**
   * Spends one point of `key` in `profile` for this tenant; throws RateLimitedError (with the retry
   * time) when none is left. `key` must not be a secret: it may be recorded.
   */
  async consume(
    profile: RateLimitProfile,
    tenantId: string,
    key: string,
    context: { ip?: string | null; userAgent?: string | null } = {},
  ): Promise<void> {
    const { rule, limiter } = this.#limiterFor(profile, tenantId)
    try {
      await limiter.consume(namespaced(tenantId, key))
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) {
        if (this.#allowWhenUnavailable) return
        throw new StoreUnavailableError(`rate limit "${profile}": the store failed`, { cause: err })
      }
      const retryAfterMs = Math.max(1, err.msBeforeNext)
      let cause: unknown
      // The first refusal of an episode is recorded; a flood of refusals writes one event, not many.
      // A failing hook does not turn the refusal into another error; it becomes its cause.
      if (err.consumedPoints === rule.points + 1 && this.#onLimited !== undefined) {
        const { ip = null, userAgent = null } = context
        try {
          await this.#onLimited({ profile, tenantId, key, rule, retryAfterMs, ip, userAgent })
        } catch (hookError) {
          cause = hookError
        }
      }
      throw new RateLimitedError(profile, retryAfterMs, cause === undefined ? {} : { cause })
    }
  }

  /** Forgets what `key` has spent in `profile` (after an admin unlock, say). */
  async reset(profile: RateLimitProfile, tenantId: string, key: string): Promise<void> {
    await this.#limiterFor(profile, tenantId).limiter.delete(namespaced(tenantId, key))
  }

  /** The rule and limiter for a profile in a tenant: the tenant's own rule when it has one. */
  #limiterFor(
    profile: RateLimitProfile,
    tenantId: string,
  ): { rule: Readonly<RateLimitRule>; limiter: RateLimiterAbstract } {
    const base = this.rule(profile)
    const own = this.#tenantRules?.(tenantId)?.[profile]
    if (own === undefined) return { rule: base, limiter: this.#limiters.get(profile)! }
    const points = own.points ?? base.points
    const duration = own.duration ?? base.duration
    const blockDuration = own.blockDuration ?? base.blockDuration
    // Its own counters (a prefix per rule): a window of another size must not read these.
    const name = `${profile}@${points}/${duration}/${blockDuration}`
    let entry = this.#tenantLimiters.get(name)
    if (entry === undefined) {
      const rule = checkRule(profile, { points, duration, blockDuration, auditKey: base.auditKey })
      entry = { rule, limiter: limiterFor(name, rule, this.#redis) }
      this.#tenantLimiters.set(name, entry)
    }
    return entry
  }
}

/**
 * An `onLimited` hook that writes a `rate_limit.exceeded` event (severity warning).
 *
 * @param stores where to append the event (a Storage will do)
 * @param clock milliseconds since the epoch
 * @example
 * ```ts
 * const limits = new RateLimits({ onLimited: auditRateLimits(storage) })
 * ```
 */
export function auditRateLimits(
  stores: Pick<Stores, 'audit'>,
  clock: () => number = Date.now,
): OnLimited {
  return async (hit) => {
    await stores.audit.append({
      tenantId: hit.tenantId,
      type: 'rate_limit.exceeded',
      severity: 'warning',
      ip: hit.ip,
      userAgent: hit.userAgent,
      time: clock(),
      details: {
        profile: hit.profile,
        ...(hit.rule.auditKey ? { key: hit.key } : {}),
        points: hit.rule.points,
        duration: hit.rule.duration,
        retryAfterMs: hit.retryAfterMs,
      },
    })
  }
}

/** A profile's limiter: in memory, or in Redis with the configured fallback. */
function limiterFor(
  name: string,
  rule: Readonly<RateLimitRule>,
  redis: RedisRateLimitOptions | undefined,
): RateLimiterAbstract {
  const { points, duration, blockDuration } = rule
  const memory = () => new RateLimiterMemory({ points, duration, blockDuration, keyPrefix: name })
  if (redis === undefined) return memory()
  const fallback = redis.whenUnavailable ?? 'memory'
  return new RateLimiterRedis({
    storeClient: redis.client,
    keyPrefix: `${redis.keyPrefix ?? 'tessera:rl:'}${name}`,
    points,
    duration,
    blockDuration,
    // Without this a command waits in ioredis's queue while Redis is down, and so does the request.
    rejectIfRedisNotReady: true,
    ...(fallback === 'memory' ? { insuranceLimiter: memory() } : {}),
  })
}

function namespaced(tenantId: string, key: string): string {
  return `${encodeURIComponent(tenantId)}:${key}`
}

/**
 * Checks a rule: positive integer points and duration, a blockDuration of 0 or more.
 *
 * @param name - the profile, for the error message
 * @param rule - the rule to check; blockDuration defaults to 0 and auditKey to true
 * @throws InvalidInputError naming the profile
 */
export function checkRule(name: string, rule: Partial<RateLimitRule>): Readonly<RateLimitRule> {
  const { points, duration, blockDuration = 0, auditKey = true } = rule
  const positive = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) > 0
  if (
    !positive(points) ||
    !positive(duration) ||
    !(blockDuration === 0 || positive(blockDuration))
  ) {
    throw new InvalidInputError(
      `rate limit "${name}" needs positive integer points and duration, and a blockDuration >= 0`,
    )
  }
  return Object.freeze({ points, duration, blockDuration, auditKey: auditKey === true })
}
