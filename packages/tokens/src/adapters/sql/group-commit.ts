// Group commit for SQLite. SQLite has one writer, and a commit's cost is mostly its page writes:
// transactions that arrive together (the requests one turn of the event loop has read) run one
// after another inside a single SQLite transaction, each in its own savepoint, and share its commit.
// Each caller still gets exactly its own outcome: a transaction that throws is rolled back to its
// savepoint alone, and every caller's promise settles only after the shared commit.
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'
import type { SqliteRunner } from '../../db/sqlite.js'
import type { Stores } from '../../stores/interfaces.js'
import type { Executor } from './executor.js'

/** How many transactions at most share one commit, so a burst cannot hold the writer for long. */
export const MAX_GROUP = 64

interface Pending {
  fn: (stores: Stores) => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
}

type Settled = { ok: true; value: unknown } | { ok: false; err: unknown }

/** Runs transactions on one SQLite database, grouping those that arrive together. */
export class GroupCommit {
  readonly #db: Kysely<Database>
  readonly #run: SqliteRunner
  readonly #storesOn: (db: Executor) => Stores
  #queue: Pending[] = []
  #flushing: Promise<void> | undefined

  /**
   * @param db - the database
   * @param run - its direct runner (see `sqliteRunner`), for the savepoint statements
   * @param storesOn - binds the stores to a transaction
   */
  constructor(db: Kysely<Database>, run: SqliteRunner, storesOn: (db: Executor) => Stores) {
    this.#db = db
    this.#run = run
    this.#storesOn = storesOn
  }

  /** Runs `fn` in a transaction, shared with any others queued in the same turn. */
  transaction<T>(fn: (stores: Stores) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (value: unknown) => void, reject })
      // Deferred to the end of this turn, so that the transactions it brings can join.
      this.#flushing ??= new Promise<void>((done) => setImmediate(done)).then(() => this.#flush())
    })
  }

  /** Resolves once every queued transaction has settled. */
  async drain(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const group = this.#queue.splice(0, MAX_GROUP)
        if (group.length === 1) await this.#alone(group[0]!)
        else await this.#together(group)
      }
    } finally {
      this.#flushing = undefined
    }
  }

  async #alone(item: Pending): Promise<void> {
    try {
      item.resolve(await this.#db.transaction().execute((trx) => item.fn(this.#storesOn(trx))))
    } catch (err) {
      item.reject(err)
    }
  }

  async #together(group: Pending[]): Promise<void> {
    const settled: Settled[] = []
    try {
      await this.#db.transaction().execute(async (trx) => {
        const stores = this.#storesOn(trx)
        for (const item of group) {
          this.#run('savepoint tessera_group_member', [])
          try {
            const value = await item.fn(stores)
            this.#run('release tessera_group_member', [])
            settled.push({ ok: true, value })
          } catch (err) {
            this.#run('rollback to tessera_group_member', [])
            this.#run('release tessera_group_member', [])
            settled.push({ ok: false, err })
          }
        }
      })
    } catch (err) {
      // The shared commit (or a savepoint) failed: nothing of the group was kept.
      for (const item of group) item.reject(err)
      return
    }
    group.forEach((item, i) => {
      const outcome = settled[i]!
      if (outcome.ok) item.resolve(outcome.value)
      else item.reject(outcome.err)
    })
  }
}
