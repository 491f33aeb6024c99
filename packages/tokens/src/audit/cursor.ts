// Opaque cursors for audit queries, newest first: the (time, seq) of the last event on a page.
import { Buffer } from 'node:buffer'
import { InvalidInputError } from '../errors.js'
import type { StoredAuditEvent } from './events.js'

export interface AuditCursor {
  time: number
  seq: number
}

/** The cursor that continues after `event`. */
export function encodeCursor(event: Pick<StoredAuditEvent, 'time' | 'seq'>): string {
  return Buffer.from(JSON.stringify([event.time, event.seq])).toString('base64url')
}

/** Reads a cursor; undefined for none, InvalidInputError for a malformed one. */
export function decodeCursor(cursor: string | undefined): AuditCursor | undefined {
  if (cursor === undefined) return undefined
  try {
    const [time, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
    if (Number.isSafeInteger(time) && Number.isSafeInteger(seq)) {
      return { time: time as number, seq: seq as number }
    }
  } catch {
    // fall through
  }
  throw new InvalidInputError('the cursor is malformed')
}

/** A page size between 1 and 1000, 100 by default. */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return 100
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
    throw new InvalidInputError('limit must be an integer from 1 to 1000')
  }
  return limit
}
