// Audit event types, severities and the shape of an event. An event never holds a secret, a token or
// a password: `details` is for ids, reasons and counts.

/** Every event type the lifecycle records. */
export const AUDIT_EVENT_TYPES = [
  'tenant.created',
  'tenant.updated',
  'user.created',
  'user.updated',
  'user.disabled',
  'user.enabled',
  'user.deleted',
  'login.succeeded',
  'login.failed',
  'account.locked',
  'account.unlocked',
  'password.changed',
  'token.issued',
  'token.refreshed',
  'token.revoked',
  'refresh.reuse_detected',
  'session.revoked',
  'logout',
  'logout.all',
  'api_key.created',
  'api_key.revoked',
  'key.created',
  'key.rotated',
  'key.retired',
  'key.revoked',
  'rate_limit.exceeded',
] as const

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number]

/** How much an event matters. */
export const AUDIT_SEVERITIES = ['info', 'notice', 'warning', 'critical'] as const

export type AuditSeverity = (typeof AUDIT_SEVERITIES)[number]

/** An event as recorded by the lifecycle. */
export interface AuditEvent {
  tenantId: string
  type: AuditEventType
  severity: AuditSeverity
  /** Who did it: a user id, `system`, an API key id, or an admin. */
  actor?: string | null
  userId?: string | null
  sessionId?: string | null
  jti?: string | null
  ip?: string | null
  userAgent?: string | null
  /** Ids, reasons and counts; never secrets. */
  details?: Record<string, unknown>
  /** Milliseconds since the epoch; the store's clock when omitted. */
  time?: number
}

/**
 * An event as recorded: with its id and time, its fields normalised as they are stored. It takes
 * its place in the tenant's chain (a {@link StoredAuditEvent}) in its transaction or, where the
 * chain is sealed after the commit, right after it.
 */
export interface RecordedAuditEvent {
  id: string
  tenantId: string
  time: number
  type: AuditEventType
  severity: AuditSeverity
  actor: string | null
  userId: string | null
  sessionId: string | null
  jti: string | null
  ip: string | null
  userAgent: string | null
  details: Record<string, unknown>
}

/** An event as stored: as recorded, with its place in the tenant's chain and its hash. */
export interface StoredAuditEvent extends RecordedAuditEvent {
  seq: number
  prevHash: string
  hash: string
}

/** A query over one tenant's events; every filter is optional. Newest first. */
export interface AuditQuery {
  tenantId: string
  type?: AuditEventType | readonly AuditEventType[]
  severity?: AuditSeverity | readonly AuditSeverity[]
  actor?: string
  userId?: string
  sessionId?: string
  jti?: string
  ip?: string
  /** Inclusive lower bound on time (ms). */
  from?: number
  /** Exclusive upper bound on time (ms). */
  to?: number
  /** The cursor from the previous page. */
  cursor?: string
  /** Page size, 1 to 1000 (default 100). */
  limit?: number
}

/** Who made a change and from where, for the audit log. */
export interface AuditContext {
  /** A user id, an API key id, or `system`. */
  actor?: string | null
  ip?: string | null
  userAgent?: string | null
}
