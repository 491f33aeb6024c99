// What the lifecycle counts and times, behind a small interface: the server adapts it to Prometheus;
// this package has no HTTP or metrics dependency.

/** Counter names. */
export type CounterName =
  | 'tokens_issued'
  | 'tokens_refreshed'
  | 'tokens_validated'
  | 'token_failures'
  | 'reuse_detected'
  | 'logins_failed'
  | 'lockouts'
  | 'rate_limited'
  | 'revocations'

/** Histogram names (values in seconds). */
export type HistogramName = 'operation_seconds'

/** Labels on a sample, such as `{ reason: 'expired' }` or `{ op: 'refresh' }`. */
export type Labels = Readonly<Record<string, string>>

/** A sink for metrics. */
export interface TokenMetrics {
  increment(name: CounterName, labels?: Labels): void
  observe(name: HistogramName, seconds: number, labels?: Labels): void
}

/** Discards everything: the default when the embedder collects no metrics. */
export const noMetrics: TokenMetrics = Object.freeze({
  increment() {},
  observe() {},
})

/** Keeps counts and samples in memory: for tests, and for embedders that poll. */
export class InMemoryMetrics implements TokenMetrics {
  readonly counters = new Map<string, number>()
  readonly samples = new Map<string, number[]>()

  increment(name: CounterName, labels?: Labels): void {
    const key = keyOf(name, labels)
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1)
  }

  observe(name: HistogramName, seconds: number, labels?: Labels): void {
    const key = keyOf(name, labels)
    const list = this.samples.get(key) ?? []
    list.push(seconds)
    this.samples.set(key, list)
  }

  /** The count for a name and labels (0 when never incremented). */
  count(name: CounterName, labels?: Labels): number {
    return this.counters.get(keyOf(name, labels)) ?? 0
  }
}

function keyOf(name: string, labels: Labels | undefined): string {
  if (labels === undefined) return name
  const parts = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
  return `${name}{${parts.join(',')}}`
}
