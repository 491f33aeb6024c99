// Password hashing with at most so many argon2id computations at once, by default one per CPU.
// argon2id with one lane is CPU-bound and each computation walks 19 MiB: run on more threads than
// there are cores (libuv's pool has 4 threads whatever the machine) and the computations only take
// turns on the cores, evicting each other's memory from the caches, so each login costs more CPU
// (about 20% more on a 2-core machine, measured with http.bench) and the event loop, which must
// answer every request, waits behind them. Computations beyond the bound wait, in order, before
// they start, as they would in libuv's queue; the pool's other threads stay free for files and DNS.
import type { PasswordHasher } from '@tessera/tokens'

/**
 * Runs at most `limit` async tasks at a time; the others wait in order of arrival.
 *
 * @example
 * ```ts
 * const slots = new ConcurrencyLimit(2)
 * const ok = await slots.run(() => argon2.verify(hash, password))
 * ```
 */
export class ConcurrencyLimit {
  readonly #limit: number
  #running = 0
  readonly #waiting: Array<() => void> = []

  /** @param limit - how many tasks may run at once (at least 1) */
  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError('the concurrency limit must be a positive integer')
    }
    this.#limit = limit
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running
  }

  /** Tasks waiting for a turn. */
  get waiting(): number {
    return this.#waiting.length
  }

  /** Runs `task` once fewer than `limit` tasks run, and returns what it returns. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running < this.#limit) this.#running++
    // A finishing task hands its turn straight to the first waiting one (running stays the same).
    else await new Promise<void>((resolve) => this.#waiting.push(resolve))
    try {
      return await task()
    } finally {
      const next = this.#waiting.shift()
      if (next === undefined) this.#running--
      else next()
    }
  }
}

/**
 * A PasswordHasher whose hashes and verifications run at most `concurrency` at once. The dummy hash
 * is not bounded: it is made once and then kept, and a login for an unknown user must wait for
 * exactly one turn, as a login for a known user does, so that the two cannot be told apart.
 *
 * @example
 * ```ts
 * const passwords = new BoundedPasswords(new Passwords(), availableParallelism())
 * ```
 */
export class BoundedPasswords implements PasswordHasher {
  readonly #inner: PasswordHasher
  readonly #slots: ConcurrencyLimit

  /**
   * @param inner - the hasher that does the work
   * @param concurrency - how many hashes and verifications may run at once
   */
  constructor(inner: PasswordHasher, concurrency: number) {
    this.#inner = inner
    this.#slots = new ConcurrencyLimit(concurrency)
  }

  hash(password: string): Promise<string> {
    return this.#slots.run(() => this.#inner.hash(password))
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.#slots.run(() => this.#inner.verify(hash, password))
  }

  needsRehash(hash: string): boolean {
    return this.#inner.needsRehash(hash)
  }

  dummyHash(): Promise<string> {
    return this.#inner.dummyHash()
  }

  checkPolicy(password: string): void {
    this.#inner.checkPolicy(password)
  }
}
