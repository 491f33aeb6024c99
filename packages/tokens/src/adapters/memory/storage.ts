// The memory storage, for unit tests and single-process experiments: everything in maps, nothing on
// disk. It keeps SQL's promises: transactions are all-or-nothing and never interleave.
import { AsyncLocalStorage } from 'node:async_hooks'
import { StoreUnavailableError, TokenError } from '../../errors.js'
import type { Storage, Stores } from '../../stores/interfaces.js'
import { MemoryApiKeyStore } from './api-key-store.js'
import { MemoryAuditStore } from './audit-store.js'
import { MemoryRevocationStore } from './revocation-store.js'
import { MemorySessionStore } from './session-store.js'
import { MemorySigningKeyStore } from './signing-key-store.js'
import { MemoryState, type MemoryScope } from './state.js'
import { MemoryTenantStore } from './tenant-store.js'
import { MemoryUserStore } from './user-store.js'

function storesOn(scope: MemoryScope): Stores {
  return {
    tenants: new MemoryTenantStore(scope),
    users: new MemoryUserStore(scope),
    sessions: new MemorySessionStore(scope),
    revocations: new MemoryRevocationStore(scope),
    audit: new MemoryAuditStore(scope),
    signingKeys: new MemorySigningKeyStore(scope),
    apiKeys: new MemoryApiKeyStore(scope),
  }
}

/** Runs bodies one at a time, in call order. */
class Mutex {
  #tail: Promise<unknown> = Promise.resolve()

  run<T>(body: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(body)
    this.#tail = result.catch(() => undefined)
    return result
  }
}

/**
 * Creates an empty in-memory storage. Every operation and every transaction takes one lock, so
 * transactions run one after another, like SQLite's single writer; each keeps an undo journal and
 * a throw puts back everything it changed. Inside `transaction(fn)`, use the stores `fn` is given:
 * reaching for the storage's own stores there (or nesting `transaction`) would wait for the lock
 * forever, so it throws StoreUnavailableError instead.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage()
 * await storage.transaction(async (stores) => {
 *   await stores.tenants.create(tenant)
 *   await stores.audit.append({ tenantId: tenant.id, type: 'tenant.created', severity: 'notice' })
 * })
 * ```
 */
export function createMemoryStorage(): Storage {
  const state = new MemoryState()
  const lock = new Mutex()
  const current = new AsyncLocalStorage<{ open: boolean }>()
  let closed = false

  function exclusive<T>(body: () => T | Promise<T>): Promise<T> {
    if (current.getStore()?.open === true) {
      const message = 'use the stores passed to transaction() inside it, not the storage'
      return Promise.reject(new StoreUnavailableError(message))
    }
    return lock.run(async () => {
      if (closed) throw new StoreUnavailableError('the storage is closed')
      state.begin()
      try {
        const result = await body()
        state.commit()
        return result
      } catch (err) {
        state.rollback()
        throw err
      }
    })
  }

  // A store used on its own: each call is a transaction of one operation.
  const alone: MemoryScope = { run: (operation) => exclusive(() => operation(state)) }

  return {
    ...storesOn(alone),
    async transaction(fn) {
      const context = { open: true }
      const inside: MemoryScope = {
        run: async (operation) => {
          if (!context.open) throw new StoreUnavailableError('the transaction has ended')
          return operation(state)
        },
      }
      try {
        return await exclusive(async () => {
          try {
            return await current.run(context, () => fn(storesOn(inside)))
          } finally {
            context.open = false
          }
        })
      } catch (err) {
        if (err instanceof TokenError) throw err
        throw new StoreUnavailableError('the transaction failed', { cause: err })
      }
    },
    async close() {
      await lock.run(() => {
        closed = true
      })
    },
  }
}
