// Prometheus metrics: the token lifecycle's TokenMetrics interface adapted to prom-client, plus the
// request rate and latency of every route. One registry per app, so tests can build several apps.
import type { CounterName, HistogramName, Labels, TokenMetrics } from '@tessera/tokens'
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'

/** Every lifecycle counter, its help text and its labels. */
const COUNTERS: Record<CounterName, { help: string; labels: readonly string[] }> = {
  tokens_issued: { help: 'Access and refresh token pairs issued at login', labels: ['grant'] },
  tokens_refreshed: {
    help: 'Refresh rotations (retry=true: within the grace window)',
    labels: ['retry'],
  },
  tokens_validated: { help: 'Access tokens validated successfully', labels: [] },
  token_failures: { help: 'Token operations refused, by error code', labels: ['reason'] },
  reuse_detected: { help: 'Refresh token reuse detections (session revoked)', labels: [] },
  logins_failed: { help: 'Failed logins, by reason', labels: ['reason'] },
  lockouts: { help: 'Accounts locked after too many failed logins', labels: [] },
  rate_limited: { help: 'Requests refused by a rate limit, by profile', labels: ['profile'] },
  revocations: { help: 'Revocations written, by kind (jti, session, user)', labels: ['kind'] },
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

/**
 * A prom-client registry fed by the token lifecycle (as its `TokenMetrics`) and by the HTTP layer.
 * Metric names are prefixed `tessera_`.
 *
 * @example
 * ```ts
 * const metrics = new PromMetrics()
 * const tokens = new TokenService({ storage, tenants, keys, authenticator, metrics })
 * const text = await metrics.registry.metrics() // the /metrics body
 * ```
 */
export class PromMetrics implements TokenMetrics {
  /** The registry `/metrics` serves. */
  readonly registry = new Registry()
  readonly #counters = new Map<CounterName, Counter<string>>()
  readonly #operations: Histogram<string>
  readonly #requests: Counter<string>
  readonly #latency: Histogram<string>
  readonly #series = new Map<
    string,
    { requests: { inc(): void }; latency: { observe(value: number): void } }
  >()

  /** @param options - `defaultMetrics: false` leaves out prom-client's process metrics */
  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry]
    for (const [name, { help, labels }] of Object.entries(COUNTERS)) {
      const counter = new Counter({
        name: `tessera_${name}_total`,
        help,
        labelNames: labels,
        registers,
      })
      this.#counters.set(name as CounterName, counter)
    }
    this.#operations = new Histogram({
      name: 'tessera_token_operation_seconds',
      help: 'Time spent in token operations (login, refresh), seconds',
      labelNames: ['op'],
      buckets: LATENCY_BUCKETS,
      registers,
    })
    this.#requests = new Counter({
      name: 'tessera_http_requests_total',
      help: 'HTTP requests, by method, route and status code',
      labelNames: ['method', 'route', 'status_code'],
      registers,
    })
    this.#latency = new Histogram({
      name: 'tessera_http_request_duration_seconds',
      help: 'HTTP request latency, by method and route, seconds',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS,
      registers,
    })
    if (options.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: 'tessera_' })
    }
  }

  /** Counts one lifecycle event (TokenMetrics); labels a metric does not declare are dropped. */
  increment(name: CounterName, labels?: Labels): void {
    const counter = this.#counters.get(name)
    if (counter === undefined) return
    counter.inc(pick(labels, COUNTERS[name].labels))
  }

  /** Records how long a lifecycle operation took (TokenMetrics). */
  observe(name: HistogramName, seconds: number, labels?: Labels): void {
    if (name === 'operation_seconds') this.#operations.observe(pick(labels, ['op']), seconds)
  }

  /**
   * Records one HTTP request.
   *
   * @param method - the HTTP method
   * @param route - the route's pattern (`/t/:tenant/auth/login`), never the raw URL
   * @param statusCode - the response status
   * @param seconds - how long it took
   */
  request(method: string, route: string, statusCode: number, seconds: number): void {
    // prom-client hashes a label object on every call; the few label sets there are (routes are
    // patterns) are looked up once and their children kept.
    const key = `${method} ${statusCode} ${route}`
    let series = this.#series.get(key)
    if (series === undefined) {
      series = {
        requests: this.#requests.labels({ method, route, status_code: String(statusCode) }),
        latency: this.#latency.labels({ method, route }),
      }
      this.#series.set(key, series)
    }
    series.requests.inc()
    series.latency.observe(seconds)
  }
}

// Keeps the labels a metric declares; prom-client refuses any other.
function pick(labels: Labels | undefined, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {}
  for (const name of names) {
    const value = labels?.[name]
    if (value !== undefined) picked[name] = value
  }
  return picked
}
