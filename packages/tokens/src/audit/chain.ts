// The per-tenant hash chain: each event's hash covers its content and the previous event's hash, so
// an edited, inserted or deleted row breaks the chain from that point on.
import { createHash } from 'node:crypto'
import { randomUUID } from 'node:crypto'
import { keptOrigin, MAX_IP, MAX_USER_AGENT, storableText } from '../client-origin.js'
import type { AuditEvent, RecordedAuditEvent, StoredAuditEvent } from './events.js'

/** The hash before a tenant's first event. */
export const GENESIS_HASH = '0'.repeat(64)

/** The hash of an event: SHA-256 over the previous hash and a canonical encoding of its fields. */
export function hashEvent(event: Omit<StoredAuditEvent, 'hash'>): string {
  const canonical = JSON.stringify([
    event.prevHash,
    event.id,
    event.tenantId,
    event.seq,
    event.time,
    event.type,
    event.severity,
    event.actor,
    event.userId,
    event.sessionId,
    event.jti,
    event.ip,
    event.userAgent,
    canonicalJson(event.details),
  ])
  return createHash('sha256').update(canonical).digest('hex')
}

/** JSON with object keys sorted, so the same details always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map(
        (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
      )
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * An event as recorded: a new id, the store's clock when it has no time, absent fields as null, and
 * its details as a text column gives them back, so the hash covers exactly what is stored. Every
 * adapter records events here, so they hash alike.
 */
export function recordEvent(event: AuditEvent, now: number = Date.now()): RecordedAuditEvent {
  return {
    id: randomUUID(),
    tenantId: event.tenantId,
    time: event.time ?? now,
    type: event.type,
    severity: event.severity,
    actor: maybeText(event.actor),
    userId: maybeText(event.userId),
    sessionId: maybeText(event.sessionId),
    jti: maybeText(event.jti),
    ip: keptOrigin(event.ip, MAX_IP),
    userAgent: keptOrigin(event.userAgent, MAX_USER_AGENT),
    details: JSON.parse(JSON.stringify(event.details ?? {})) as Record<string, unknown>,
  }
}

const maybeText = (value: string | null | undefined): string | null =>
  value == null ? null : storableText(value)

/** A recorded event given its place in the tenant's chain (`seq`, the previous event's hash). */
export function chainEvent(
  event: RecordedAuditEvent,
  seq: number,
  prevHash: string,
): StoredAuditEvent {
  const unhashed = { ...event, seq, prevHash }
  return { ...unhashed, hash: hashEvent(unhashed) }
}
