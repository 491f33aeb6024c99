// The memory adapter's state: plain maps, and an undo journal so a transaction that throws can put
// back everything it changed. Only one operation or transaction touches the state at a time (the
// storage's mutex sees to that), so one journal is enough.
import { StoreUnavailableError } from '../../errors.js'
import type { StoredAuditEvent } from '../../audit/events.js'
import type { AuditHead } from '../../stores/interfaces.js'
import type {
  ApiKeyRecord,
  RefreshTokenRecord,
  RevocationRecord,
  SessionRecord,
  SigningKeyRecord,
  TenantRecord,
  UserRecord,
} from '../../stores/records.js'

/** Every table of the memory adapter, with an undo journal for the running transaction. */
export class MemoryState {
  /** Tenants by id. */
  readonly tenants = new Map<string, TenantRecord>()
  /** Users by id (ids are unique across tenants, as in SQL). */
  readonly users = new Map<string, UserRecord>()
  /** Sessions by id. */
  readonly sessions = new Map<string, SessionRecord>()
  /** Refresh tokens by hash. */
  readonly refreshTokens = new Map<string, RefreshTokenRecord>()
  /** Revocations by {@link revocationKey}. */
  readonly revocations = new Map<string, RevocationRecord>()
  /** Each tenant's audit events, in seq order. */
  readonly auditEvents = new Map<string, StoredAuditEvent[]>()
  /** Each tenant's chain head and anchor. */
  readonly auditHeads = new Map<string, AuditHead>()
  /** Signing keys by kid. */
  readonly signingKeys = new Map<string, SigningKeyRecord>()
  /** Service API keys by id. */
  readonly apiKeys = new Map<string, ApiKeyRecord>()

  #undo: Array<() => void> | undefined

  /** Starts recording undo steps. */
  begin(): void {
    this.#undo = []
  }

  /** Keeps every change since {@link begin}. */
  commit(): void {
    this.#undo = undefined
  }

  /** Puts back everything changed since {@link begin}, newest change first. */
  rollback(): void {
    const steps = this.#undo ?? []
    this.#undo = undefined
    for (let i = steps.length - 1; i >= 0; i--) steps[i]!()
  }

  /** Records a step that undoes a change just made. */
  onUndo(step: () => void): void {
    this.#undo?.push(step)
  }

  /** Sets `map[key]`, journaled. */
  put<V>(map: Map<string, V>, key: string, value: V): void {
    const had = map.has(key)
    const previous = map.get(key)
    map.set(key, value)
    this.onUndo(() => (had ? map.set(key, previous as V) : map.delete(key)))
  }

  /** Deletes `map[key]`, journaled; true when it was there. */
  remove<V>(map: Map<string, V>, key: string): boolean {
    if (!map.has(key)) return false
    const previous = map.get(key) as V
    map.delete(key)
    this.onUndo(() => map.set(key, previous))
    return true
  }
}

/** The key of a revocation: its tenant, kind and subject (the SQL primary key). */
export function revocationKey(r: Pick<RevocationRecord, 'tenantId' | 'kind' | 'subject'>): string {
  return `${r.tenantId}\u0000${r.kind}\u0000${r.subject}`
}

/**
 * How a store reaches the state: `run` executes one operation, either as its own little transaction
 * (a store used outside `transaction`) or inside the running one.
 */
export interface MemoryScope {
  run<T>(operation: (state: MemoryState) => T): Promise<T>
}

/** A deep copy of a plain record, so callers never hold a reference into the state. */
export function copy<T>(value: T): T {
  return structuredClone(value)
}

/** Orders text by code unit, as SQLite's default (BINARY) collation does. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * The error SQL gives for a row that names a missing parent (a foreign key): the guard there turns
 * it into StoreUnavailableError, and the memory adapter answers the same.
 */
export function missingParent(what: string): StoreUnavailableError {
  return new StoreUnavailableError(`${what}: the store failed`)
}
