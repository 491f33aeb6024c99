// The changes other instances must hear about: revocations, signing keys and tenant settings. A
// Storage wrapped by observeChanges reports each one after it commits, never before, so an instance
// is never told about a change that then rolled back.
import type { Storage, Stores } from './interfaces.js'
import type { RevocationRecord, SigningKeyRecord, TenantRecord } from './records.js'

/** A committed change that other instances apply to what they keep in memory. */
export type StateChange =
  | { kind: 'revocation'; revocation: RevocationRecord }
  | { kind: 'keys'; tenantId: string }
  | { kind: 'tenant'; tenantId: string }

/** Receives the changes of one committed transaction (or one single write), in order. */
export type OnCommitted = (changes: StateChange[]) => void

/**
 * Wraps a Storage so that every committed revocation, signing-key write and tenant write is handed
 * to `onCommitted`. Writes inside a transaction are reported once it commits, and not at all if it
 * rolls back. `onCommitted` must not throw; if it does, the error is swallowed, because the change
 * has already committed and its caller must not see it fail.
 *
 * @param storage - the storage to observe
 * @param onCommitted - called after each commit that changed something others cache
 * @example
 * ```ts
 * const storage = observeChanges(await createSqlStorage(db), (changes) => void signals.publish(changes))
 * ```
 */
export function observeChanges(storage: Storage, onCommitted: OnCommitted): Storage {
  const emit = (changes: StateChange[]) => {
    try {
      onCommitted(changes)
    } catch {
      // Committed is committed; the periodic resync of every instance covers a lost signal.
    }
  }
  return {
    ...observed(storage, (change) => emit([change])),
    async transaction(fn) {
      const pending: StateChange[] = []
      const result = await storage.transaction((tx) => fn(observed(tx, (c) => pending.push(c))))
      if (pending.length > 0) emit(pending)
      return result
    },
    // A rotation writes nothing others cache: it passes through.
    ...(storage.rotateFresh !== undefined && {
      rotateFresh: storage.rotateFresh.bind(storage),
    }),
    close: () => storage.close(),
  }
}

/** The stores, with the writes others cache reported to `record` once each succeeds. */
function observed(stores: Stores, record: (change: StateChange) => void): Stores {
  const { revocations, signingKeys, tenants } = stores
  // A write that, once it has succeeded, reports the change it made.
  const reporting =
    <T>(write: (value: T) => Promise<void>, change: (value: T) => StateChange) =>
    async (value: T) => {
      await write(value)
      record(change(value))
    }
  const keysOf = (key: { tenantId: string }): StateChange => ({
    kind: 'keys',
    tenantId: key.tenantId,
  })
  const tenantOf = (tenant: { id: string }): StateChange => ({
    kind: 'tenant',
    tenantId: tenant.id,
  })
  return {
    users: stores.users,
    sessions: stores.sessions,
    audit: stores.audit,
    apiKeys: stores.apiKeys,
    revocations: {
      put: reporting(
        (r) => revocations.put(r),
        (revocation) => ({ kind: 'revocation', revocation }),
      ),
      listActive: (now) => revocations.listActive(now),
      prune: (now) => revocations.prune(now),
    },
    signingKeys: {
      add: reporting<SigningKeyRecord>((key) => signingKeys.add(key), keysOf),
      update: reporting<SigningKeyRecord>((key) => signingKeys.update(key), keysOf),
      list: (tenantId) => signingKeys.list(tenantId),
      listAll: () => signingKeys.listAll(),
      lock: (tenantId) => signingKeys.lock(tenantId),
    },
    tenants: {
      create: reporting<TenantRecord>((tenant) => tenants.create(tenant), tenantOf),
      update: reporting<TenantRecord>((tenant) => tenants.update(tenant), tenantOf),
      get: (id) => tenants.get(id),
      getForUpdate: (id) => tenants.getForUpdate(id),
      getByName: (name) => tenants.getByName(name),
      list: () => tenants.list(),
    },
  }
}
