// The tables as Kysely sees them. Times are milliseconds since the epoch; JSON columns hold text.
import type { Generated } from 'kysely'

/** bigint columns come back as numbers from SQLite and as strings from PostgreSQL's driver. */
export type Millis = number | string

export interface TenantsTable {
  id: string
  name: string
  config: string
  created_at: Millis
  updated_at: Millis
}

export interface UsersTable {
  id: string
  tenant_id: string
  username: string
  email: string | null
  password_hash: string
  roles: string
  scopes: string
  disabled: Generated<number>
  failed_attempts: Generated<number>
  locked_until: Millis | null
  password_changed_at: Millis
  created_at: Millis
  updated_at: Millis
}

export interface SessionsTable {
  id: string
  tenant_id: string
  user_id: string
  client_id: string
  device: string | null
  user_agent: string | null
  first_ip: string | null
  last_ip: string | null
  created_at: Millis
  last_used_at: Millis
  expires_at: Millis
  revoked_at: Millis | null
  revoked_reason: string | null
}

export interface RefreshTokensTable {
  hash: string
  tenant_id: string
  session_id: string
  created_at: Millis
  expires_at: Millis
  consumed_at: Millis | null
  successor_hash: string | null
  sealed_successor: string | null
}

export interface RevocationsTable {
  tenant_id: string
  kind: string
  subject: string
  cutoff: Millis
  expires_at: Millis
}

export interface AuditEventsTable {
  id: string
  tenant_id: string
  seq: Millis
  time: Millis
  type: string
  severity: string
  actor: string | null
  user_id: string | null
  session_id: string | null
  jti: string | null
  ip: string | null
  user_agent: string | null
  details: string
  prev_hash: string
  hash: string
}

/** Events committed and not yet chained (see migrations/0003-audit-queue.ts). */
export interface AuditQueueTable extends Omit<AuditEventsTable, 'seq' | 'prev_hash' | 'hash'> {
  queued: Generated<Millis>
}

export interface AuditHeadsTable {
  tenant_id: string
  seq: Millis
  hash: string
  anchor_seq: Millis
  anchor_hash: string
}

export interface SigningKeysTable {
  kid: string
  tenant_id: string
  alg: string
  state: string
  public_jwk: string
  private_jwe: string
  created_at: Millis
  activates_at: Millis
  retired_at: Millis | null
  remove_at: Millis | null
}

export interface ApiKeysTable {
  id: string
  tenant_id: string
  name: string
  hash: string
  scopes: string
  created_at: Millis
  expires_at: Millis | null
  last_used_at: Millis | null
  revoked_at: Millis | null
}

/** Every table of the schema. */
export interface Database {
  tenants: TenantsTable
  users: UsersTable
  sessions: SessionsTable
  refresh_tokens: RefreshTokensTable
  revocations: RevocationsTable
  audit_events: AuditEventsTable
  audit_heads: AuditHeadsTable
  audit_queue: AuditQueueTable
  signing_keys: SigningKeysTable
  api_keys: ApiKeysTable
}

/**
 * The columns of the tables the hot statements read, named rather than `*`: those statements are
 * prepared on PostgreSQL (see preparedOnPostgres), and a prepared statement fails when its result
 * changes shape, as `select *` would once a migration adds a column under a running instance.
 */
export const USER_COLUMNS = [
  'id',
  'tenant_id',
  'username',
  'email',
  'password_hash',
  'roles',
  'scopes',
  'disabled',
  'failed_attempts',
  'locked_until',
  'password_changed_at',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof UsersTable>
export const SESSION_COLUMNS = [
  'id',
  'tenant_id',
  'user_id',
  'client_id',
  'device',
  'user_agent',
  'first_ip',
  'last_ip',
  'created_at',
  'last_used_at',
  'expires_at',
  'revoked_at',
  'revoked_reason',
] as const satisfies ReadonlyArray<keyof SessionsTable>
export const REFRESH_TOKEN_COLUMNS = [
  'hash',
  'tenant_id',
  'session_id',
  'created_at',
  'expires_at',
  'consumed_at',
  'successor_hash',
  'sealed_successor',
] as const satisfies ReadonlyArray<keyof RefreshTokensTable>
export const API_KEY_COLUMNS = [
  'id',
  'tenant_id',
  'name',
  'hash',
  'scopes',
  'created_at',
  'expires_at',
  'last_used_at',
  'revoked_at',
] as const satisfies ReadonlyArray<keyof ApiKeysTable>
