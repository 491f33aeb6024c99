/**
 * `@tessera/tokens`: the token lifecycle on pluggable storage.
 *
 * @packageDocumentation
 */
import * as errors from './errors.js'

export { errors }
export { TokenService } from './token-service.js'
export { Tenants } from './tenants.js'
export { KeyManager } from './key-manager.js'
export { MasterKey } from './key-wrap.js'
export { RevocationSet } from './revocation-set.js'
export { InMemoryMetrics, noMetrics } from './metrics.js'
export { openSqlite } from './db/sqlite.js'
export { openPostgres } from './db/postgres.js'
export { migrate } from './db/migrate.js'
export { createSqlStorage, type SqlStorageOptions } from './adapters/sql/storage.js'
export type { AuditChaining } from './adapters/sql/audit-store.js'
export { createMemoryStorage } from './adapters/memory/storage.js'
export { observeChanges } from './stores/change-feed.js'
export { RedisSignals } from './adapters/redis/signals.js'
export { InstanceSync } from './instance-sync.js'
export { AuditLog } from './audit-log.js'
export { Accounts } from './accounts.js'
export { Passwords, needsRehash, OWASP_ARGON2ID, DEFAULT_PASSWORD_POLICY } from './passwords.js'
export { RateLimits, auditRateLimits, DEFAULT_RATE_LIMITS } from './rate-limits.js'
export { ApiKeys, apiKeyId, apiKeySessionId } from './api-keys.js'
export { checkAuditEvent } from './audit/validate.js'
export { verifyChain } from './audit/verify.js'
export { resolveTenantConfig, DEFAULT_TENANT_CONFIG, MAX_SETTING_SECONDS } from './tenant-config.js'
export { AUDIT_EVENT_TYPES, AUDIT_SEVERITIES } from './audit/events.js'
export type { TokenPair, TokenServiceOptions, LoginInput, Authenticator } from './token-service.js'
export type { OnAuthenticated } from './account-login.js'
export { accountLimitKey } from './account-login.js'
export type { AccessTokenClaims } from './access-tokens.js'
export type { SigningKeys } from './signing-keys.js'
export type { KeyManagerOptions } from './key-manager.js'
export type { MasterKeyInput } from './key-wrap.js'
export type { RefreshClient, RequestContext } from './rotation.js'
export type { TokenMetrics, CounterName, HistogramName, Labels } from './metrics.js'
export type { SqliteOptions, SqliteConstructor } from './db/sqlite.js'
export type { PostgresOptions, PgPool } from './db/postgres.js'
export type { Database } from './db/schema.js'
export type {
  Storage,
  Stores,
  TenantStore,
  UserStore,
  SessionStore,
  RevocationStore,
  AuditStore,
  AuditHead,
  SigningKeyStore,
  ApiKeyStore,
} from './stores/interfaces.js'
export type {
  TenantConfig,
  TenantRecord,
  UserRecord,
  SessionRecord,
  RefreshTokenRecord,
  RevocationKind,
  RevocationRecord,
  SigningKeyState,
  SigningKeyRecord,
  ApiKeyRecord,
} from './stores/records.js'
export type {
  AuditEvent,
  AuditEventType,
  AuditQuery,
  AuditSeverity,
  RecordedAuditEvent,
  StoredAuditEvent,
} from './audit/events.js'
export type { TokenErrorCode } from './errors.js'
export type { AccountsOptions, AuditContext } from './accounts.js'
export type { CreateUserInput, User } from './user-fields.js'
export type { ChangePasswordInput } from './password-change.js'
export type { PasswordHasher, Argon2Params, PasswordPolicy, PasswordsOptions } from './passwords.js'
export type {
  RateLimitRule,
  RateLimitHit,
  OnLimited,
  RateLimitProfile,
  RateLimitsOptions,
} from './rate-limits.js'
export type { StateChange, OnCommitted } from './stores/change-feed.js'
export type { RedisSignalsOptions, SignalHandlers } from './adapters/redis/signals.js'
export type { InstanceSyncOptions, Signals, SyncState, SyncTargets } from './instance-sync.js'
export type { RateLimitFallback, RedisRateLimitOptions } from './rate-limits.js'
export type { ApiKey, ApiKeysOptions, CreateApiKeyInput } from './api-keys.js'
export type { AuditLogOptions, AuditPage, AuditExportQuery } from './audit-log.js'
export type { ChainVerification, ChainBreak } from './audit/verify.js'
