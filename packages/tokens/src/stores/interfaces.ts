// The storage contract: one narrow interface per concern, and a transaction that spans them, so a
// change and the audit event that records it commit together or not at all.
import type {
  ApiKeyRecord,
  RefreshTokenRecord,
  RevocationRecord,
  SessionRecord,
  SigningKeyRecord,
  TenantRecord,
  UserRecord,
} from './records.js'
import type {
  AuditEvent,
  AuditQuery,
  RecordedAuditEvent,
  StoredAuditEvent,
} from '../audit/events.js'

export interface TenantStore {
  create(tenant: TenantRecord): Promise<void>
  get(id: string): Promise<TenantRecord | undefined>
  /**
   * Reads a tenant that the transaction is about to change, locked until the transaction ends
   * (PostgreSQL: `for no key update`; SQLite and memory run one write transaction at a time), so
   * two changes of its settings never overwrite each other.
   */
  getForUpdate(id: string): Promise<TenantRecord | undefined>
  getByName(name: string): Promise<TenantRecord | undefined>
  list(): Promise<TenantRecord[]>
  update(tenant: TenantRecord): Promise<void>
}

export interface UserStore {
  create(user: UserRecord): Promise<void>
  get(tenantId: string, id: string): Promise<UserRecord | undefined>
  /**
   * Reads a user that the transaction is about to change. The row stays locked until the
   * transaction ends (PostgreSQL: `for update`; SQLite and memory run one write transaction at a
   * time), so two changes of one user, say two login attempts, never overwrite each other.
   */
  getForUpdate(tenantId: string, id: string): Promise<UserRecord | undefined>
  /** By lower-cased username or email. */
  findByLogin(tenantId: string, login: string): Promise<UserRecord | undefined>
  list(tenantId: string): Promise<UserRecord[]>
  update(user: UserRecord): Promise<void>
  delete(tenantId: string, id: string): Promise<boolean>
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>
  get(tenantId: string, id: string): Promise<SessionRecord | undefined>
  listByUser(tenantId: string, userId: string): Promise<SessionRecord[]>
  /** Records use: last-used time, last IP, and the (extended) idle expiry is on the token. */
  touch(tenantId: string, id: string, at: number, ip: string | null): Promise<void>
  /** Ends one session; true when it was still active. */
  revoke(tenantId: string, id: string, at: number, reason: string): Promise<boolean>
  /** Ends a user's active sessions, except `keep`; returns the ids ended. */
  revokeAllForUser(
    tenantId: string,
    userId: string,
    at: number,
    reason: string,
    keep?: string,
  ): Promise<string[]>
  /** Ends every active session of a tenant (a tenant-wide revocation); returns how many. */
  revokeAllForTenant(tenantId: string, at: number, reason: string): Promise<number>
  addRefreshToken(token: RefreshTokenRecord): Promise<void>
  findRefreshToken(tenantId: string, hash: string): Promise<RefreshTokenRecord | undefined>
  /**
   * Consumes a refresh token iff it is still unconsumed, recording its successor, in one atomic
   * conditional update. True when this call won; of two concurrent calls exactly one wins.
   */
  consumeRefreshToken(
    tenantId: string,
    hash: string,
    at: number,
    successorHash: string,
    sealedSuccessor: string,
  ): Promise<boolean>
  /** Forgets sealed successors consumed before `before` (past the grace window). */
  pruneSealed(before: number): Promise<number>
  /**
   * Deletes the refresh tokens of sessions that ended (expired or revoked) before `before`: none of
   * them can rotate any more, and without this every rotation's row stays forever. Returns how many.
   */
  pruneRefreshTokens(before: number): Promise<number>
}

export interface RevocationStore {
  /** Adds or widens a revocation (a later cutoff or expiry wins). */
  put(revocation: RevocationRecord): Promise<void>
  /** Every revocation still in force at `now`, for loading the local revocation set. */
  listActive(now: number): Promise<RevocationRecord[]>
  /** Removes revocations whose tokens have all expired. */
  prune(now: number): Promise<number>
}

/** A tenant's chain head and the anchor that retention left. */
export interface AuditHead {
  seq: number
  hash: string
  anchorSeq: number
  anchorHash: string
}

/**
 * The audit log. An event commits with the transaction that appends it; it takes its place in the
 * tenant's hash chain when the chain is sealed, which an adapter may do after the commit (so that
 * appends never wait on one another for the chain's head) but always before its reads: `query`,
 * `chain`, `head` and `prune`, used outside a transaction, see every committed event chained.
 */
export interface AuditStore {
  /** Records an event, to be chained after the tenant's last one. */
  append(event: AuditEvent): Promise<RecordedAuditEvent>
  query(query: AuditQuery): Promise<StoredAuditEvent[]>
  /** Every event of a tenant in chain order, in pages, for verification and export. */
  chain(tenantId: string, afterSeq: number, limit: number): Promise<StoredAuditEvent[]>
  /** The tenant's chain head and anchor. */
  head(tenantId: string): Promise<AuditHead>
  /** Deletes a tenant's events older than `before` (retention), keeping the chain verifiable. */
  prune(tenantId: string, before: number): Promise<number>
}

export interface SigningKeyStore {
  add(key: SigningKeyRecord): Promise<void>
  /** A tenant's keys in every state, oldest first. */
  list(tenantId: string): Promise<SigningKeyRecord[]>
  /** Every key of every tenant (for re-wrapping under a new master key). */
  listAll(): Promise<SigningKeyRecord[]>
  update(key: SigningKeyRecord): Promise<void>
  /**
   * Holds the tenant's key changes until this transaction ends (PostgreSQL: an advisory lock), so
   * instances sharing a database change a tenant's keys one at a time. Call it first in the
   * transaction, then read.
   */
  lock(tenantId: string): Promise<void>
}

/** Service API keys, known only by the hash of the whole key. */
export interface ApiKeyStore {
  create(key: ApiKeyRecord): Promise<void>
  get(tenantId: string, id: string): Promise<ApiKeyRecord | undefined>
  findByHash(tenantId: string, hash: string): Promise<ApiKeyRecord | undefined>
  /** A tenant's keys, oldest first. */
  list(tenantId: string): Promise<ApiKeyRecord[]>
  /** Revokes a key; true when it was not revoked yet. */
  revoke(tenantId: string, id: string, at: number): Promise<boolean>
  /** Records a use; the last-used time only moves forward. */
  touchLastUsed(tenantId: string, id: string, at: number): Promise<void>
}

/** Every store, bound to one transaction or to none. */
export interface Stores {
  tenants: TenantStore
  users: UserStore
  sessions: SessionStore
  revocations: RevocationStore
  audit: AuditStore
  signingKeys: SigningKeyStore
  apiKeys: ApiKeyStore
}

/** A storage backend. */
/** What {@link Storage.rotateFresh} needs: the token presented, its successor, and the event. */
export interface FreshRotation {
  tenantId: string
  /** The presented token's hash. */
  hash: string
  now: number
  successorHash: string
  /** The successor sealed for the grace window (see refresh-tokens.ts). */
  sealedSuccessor: string
  /** How long the successor lives unused, in milliseconds; never past the session's end. */
  idleTtlMs: number
  ip: string | null
  userAgent: string | null
  /** The id of the `token.refreshed` event it records (the store fills in user and session). */
  eventId: string
  /**
   * The confidential client (API key id) the request authenticated as, or null: the session must
   * be that client's, or, with null, no confidential client's (see rotation.ts).
   */
  authenticatedClient: string | null
}

export interface Storage extends Stores {
  /**
   * Runs `fn` in one transaction: everything it changes commits together, or nothing does if it
   * throws.
   */
  transaction<T>(fn: (stores: Stores) => Promise<T>): Promise<T>
  /**
   * Optional: the common case of a refresh rotation (see rotation.ts) as one atomic step, for a
   * storage where that saves round trips (PostgreSQL: one statement, where the steps take nine).
   * If `hash` names an unconsumed token, unexpired at `now`, of a session live at `now` whose user
   * is enabled and whose client `authenticatedClient` may act for: consumes it for the successor,
   * adds the successor, touches the session and records a `token.refreshed` event, and returns the
   * session and user. Otherwise it changes nothing and
   * returns undefined, and the caller takes the full path, which tells the other cases apart.
   */
  rotateFresh?(
    rotation: FreshRotation,
  ): Promise<{ session: SessionRecord; user: UserRecord } | undefined>
  close(): Promise<void>
}
