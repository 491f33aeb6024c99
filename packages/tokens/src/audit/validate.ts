// Checks an audit event before it is written: a known type and severity, short id fields, and
// details that are a small plain JSON object holding nothing shaped like a secret. Callers pass ids,
// reasons and counts; never a password, a token, a key or a cookie. The secret checks are a safety
// net against mistakes, not a guarantee: they look at key names and at the shapes of our own tokens.
import { Buffer } from 'node:buffer'
import { InvalidInputError } from '../errors.js'
import { AUDIT_EVENT_TYPES, AUDIT_SEVERITIES, type AuditEvent, type AuditQuery } from './events.js'
import { MAX_USER_AGENT } from '../client-origin.js'

/** The default cap on serialized details, in bytes of UTF-8. */
export const DEFAULT_MAX_DETAILS_BYTES = 4096

/** Id-like fields (tenant, actor, user, session, jti, IP) are at most this long. */
const MAX_ID_LENGTH = 256
// User agents are cut to MAX_USER_AGENT rather than refused: clients choose them.
const MAX_DEPTH = 8

// Key names that hold secrets: anything with "secret" in it, or ending in one of these words.
const SECRET_KEY =
  /secret|(password|passwd|passphrase|token|jwt|apikey|privatekey|authorization|cookie|credentials?)$/
// Values shaped like our secrets: compact JWS/JWE, refresh tokens, API keys, auth headers, PEM keys.
const SECRET_VALUES = [
  /^eyJ[\w-]+\.[\w-]*\.[\w-]*/,
  /^rt_[\w-]{43}$/,
  /^tsk_[0-9a-f]{32}_/,
  /^(bearer|basic)\s/i,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
]

/**
 * Checks an event and returns the one to store: the user agent cut to 512 characters, the details
 * copied. Throws InvalidInputError naming the field at fault (never its value).
 *
 * @param event - the event as the caller gave it.
 * @param maxDetailsBytes - the cap on the details' JSON, bytes.
 * @example
 * ```ts
 * const event = checkAuditEvent({ tenantId, type: 'logout', severity: 'info', userId })
 * ```
 */
export function checkAuditEvent(
  event: AuditEvent,
  maxDetailsBytes = DEFAULT_MAX_DETAILS_BYTES,
): AuditEvent {
  if (typeof event !== 'object' || event === null) {
    throw new InvalidInputError('an audit event must be an object')
  }
  if (typeof event.tenantId !== 'string' || event.tenantId.length === 0) {
    throw new InvalidInputError('tenantId must be a non-empty string')
  }
  checkId('tenantId', event.tenantId)
  if (!(AUDIT_EVENT_TYPES as readonly unknown[]).includes(event.type)) {
    throw new InvalidInputError('type is not a known audit event type')
  }
  if (!(AUDIT_SEVERITIES as readonly unknown[]).includes(event.severity)) {
    throw new InvalidInputError('severity must be one of info, notice, warning, critical')
  }
  for (const field of ['actor', 'userId', 'sessionId', 'jti', 'ip'] as const) {
    checkId(field, event[field])
  }
  if (event.userAgent != null && typeof event.userAgent !== 'string') {
    throw new InvalidInputError('userAgent must be a string')
  }
  if (event.time !== undefined && (!Number.isSafeInteger(event.time) || event.time < 0)) {
    throw new InvalidInputError('time must be milliseconds since the epoch')
  }
  const details = event.details === undefined ? {} : checkDetails(event.details, maxDetailsBytes)
  return {
    ...event,
    userAgent: event.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
    details,
  }
}

function checkId(field: string, value: unknown): void {
  if (value == null) return
  if (typeof value !== 'string' || value.length > MAX_ID_LENGTH) {
    throw new InvalidInputError(`${field} must be a string of at most ${MAX_ID_LENGTH} characters`)
  }
}

/** Plain JSON only, so the stored details read back (and hash) exactly as written. */
function checkDetails(details: unknown, maxBytes: number): Record<string, unknown> {
  if (!isPlainObject(details)) throw new InvalidInputError('details must be a plain object')
  checkValue(details, 'details', 0)
  const json = JSON.stringify(details)
  if (Buffer.byteLength(json, 'utf8') > maxBytes) {
    throw new InvalidInputError(`details must be at most ${maxBytes} bytes of JSON`)
  }
  return JSON.parse(json) as Record<string, unknown>
}

function checkValue(value: unknown, path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new InvalidInputError(`${path} is nested too deeply`)
  if (value === null || typeof value === 'boolean') return
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidInputError(`${path} must be a finite number`)
    return
  }
  if (typeof value === 'string') {
    if (SECRET_VALUES.some((shape) => shape.test(value))) {
      throw new InvalidInputError(`${path} looks like a secret; audit events hold ids only`)
    }
    return
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkValue(item, `${path}[${i}]`, depth + 1))
    return
  }
  if (!isPlainObject(value)) {
    throw new InvalidInputError(
      `${path} must be JSON: null, boolean, number, string, array, object`,
    )
  }
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEY.test(key.toLowerCase().replace(/[^a-z0-9]/g, ''))) {
      throw new InvalidInputError(`${path}.${key} names a secret; audit events hold ids only`)
    }
    checkValue(item, `${path}.${key}`, depth + 1)
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/**
 * Checks a query's filters: a tenant, known types and severities (a list must not be empty), and
 * integer times. The cursor and limit are checked where they are read.
 *
 * @param query - the query as the caller gave it.
 * @example
 * ```ts
 * checkAuditQuery({ tenantId, userId, from: Date.now() - 86_400_000 })
 * ```
 */
export function checkAuditQuery(query: AuditQuery): void {
  if (typeof query !== 'object' || query === null) {
    throw new InvalidInputError('an audit query must be an object')
  }
  if (typeof query.tenantId !== 'string' || query.tenantId.length === 0) {
    throw new InvalidInputError('tenantId must be a non-empty string')
  }
  checkList('type', query.type, AUDIT_EVENT_TYPES)
  checkList('severity', query.severity, AUDIT_SEVERITIES)
  for (const field of ['actor', 'userId', 'sessionId', 'jti', 'ip'] as const) {
    if (query[field] !== undefined && typeof query[field] !== 'string') {
      throw new InvalidInputError(`${field} must be a string`)
    }
  }
  for (const field of ['from', 'to'] as const) {
    if (query[field] !== undefined && !Number.isSafeInteger(query[field])) {
      throw new InvalidInputError(`${field} must be milliseconds since the epoch`)
    }
  }
}

function checkList(field: string, value: unknown, known: readonly string[]): void {
  if (value === undefined) return
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0 || !list.every((item) => known.includes(item as string))) {
    throw new InvalidInputError(`${field} must be one or more of: ${known.join(', ')}`)
  }
}
