// The per-tenant hash chain: each event's hash covers its content and the previous event's hash, so
// an edited, inserted or deleted row breaks the chain from that point on.
import { createHash } from 'node:crypto'
import type { StoredAuditEvent } from './events.js'

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
