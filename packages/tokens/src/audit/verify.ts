// Verifies a tenant's hash chain from the anchor that retention left to the head: every event in
// between, in order, each hash recomputed. An edited, deleted or inserted row breaks it, and the
// result says at which seq.
import type { AuditStore } from '../stores/interfaces.js'
import { hashEvent } from './chain.js'

/** Why a chain does not verify. */
export type ChainBreak =
  /** An event is missing (deleted): `brokenAtSeq` is the seq that should be there. */
  | 'missing'
  /** An event's content does not match its hash (edited). */
  | 'hash-mismatch'
  /** An event does not point at the hash of the one before it (edited, or a row replaced). */
  | 'prev-hash-mismatch'
  /** An event is where none should be: at or below the anchor, between seqs, or past the head. */
  | 'unexpected'
  /** The last event is not the one the head names (the newest events were replaced). */
  | 'head-mismatch'

/** The outcome of {@link verifyChain}. */
export type ChainVerification =
  { ok: true; checked: number } | { ok: false; brokenAtSeq: number; reason: ChainBreak }

const PAGE = 1000

/**
 * Walks a tenant's chain and checks it: the first event has seq anchorSeq + 1 and points at the
 * anchor's hash, seqs are contiguous, each hash is recomputed, and the last event is the head. Reads
 * in pages outside a transaction; events appended meanwhile are checked too (the head is read again
 * when the walk passes it). What it cannot see: someone able to rewrite both the rows and the head
 * consistently, or to delete the oldest rows and move the anchor as retention would.
 *
 * @param audit - the audit store to read.
 * @param tenantId - whose chain.
 * @example
 * ```ts
 * const result = await verifyChain(storage.audit, tenantId)
 * if (!result.ok) console.error(`audit chain broken at ${result.brokenAtSeq}: ${result.reason}`)
 * ```
 */
export async function verifyChain(audit: AuditStore, tenantId: string): Promise<ChainVerification> {
  let head = await audit.head(tenantId)
  const broken = (brokenAtSeq: number, reason: ChainBreak): ChainVerification => ({
    ok: false,
    brokenAtSeq,
    reason,
  })
  const [lowest] = await audit.chain(tenantId, Number.MIN_SAFE_INTEGER, 1)
  if (lowest !== undefined && lowest.seq <= head.anchorSeq) return broken(lowest.seq, 'unexpected')

  let last = head.anchorSeq
  let previousHash = head.anchorHash
  let checked = 0
  for (;;) {
    const page = await audit.chain(tenantId, last, PAGE)
    for (const event of page) {
      if (event.seq > head.seq) {
        head = await audit.head(tenantId)
        if (event.seq > head.seq) return broken(event.seq, 'unexpected')
      }
      if (event.seq < last + 1) return broken(event.seq, 'unexpected')
      if (event.seq > last + 1) return broken(last + 1, 'missing')
      if (event.prevHash !== previousHash) return broken(event.seq, 'prev-hash-mismatch')
      const { hash, ...unhashed } = event
      if (hashEvent(unhashed) !== hash) return broken(event.seq, 'hash-mismatch')
      last = event.seq
      previousHash = hash
      checked++
    }
    if (page.length < PAGE) break
  }
  if (last < head.seq) return broken(last + 1, 'missing')
  if (previousHash !== head.hash) return broken(head.seq, 'head-mismatch')
  return { ok: true, checked }
}
