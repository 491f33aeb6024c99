// Admin: the tenant's audit log — query with every filter, NDJSON export, hash-chain verification.
import { Readable } from 'node:stream'
import type { AuditEventType, AuditLog, AuditSeverity } from '@tessera/tokens'
import type { FastifyPluginAsync } from 'fastify'
import { auditSchemas } from '../../schemas/admin.js'
import { auditView, parseTime } from '../../views.js'

/** Collaborators of {@link adminAuditRoutes}. */
export interface AdminAuditRoutesOptions {
  audit: AuditLog
}

/** The admin audit query, as the query string gives it. */
interface AuditFilterQuery {
  type?: AuditEventType[]
  severity?: AuditSeverity[]
  actor?: string
  user_id?: string
  session_id?: string
  jti?: string
  ip?: string
  from?: string
  to?: string
  cursor?: string
  limit?: number
}

// The library's query from the API's: snake_case to camelCase, ISO times to milliseconds, and
// absent filters left out.
function toQuery(tenantId: string, query: AuditFilterQuery) {
  const filters = {
    type: query.type,
    severity: query.severity,
    actor: query.actor,
    userId: query.user_id,
    sessionId: query.session_id,
    jti: query.jti,
    ip: query.ip,
    from: parseTime(query.from),
    to: parseTime(query.to),
    cursor: query.cursor,
    limit: query.limit,
  }
  const present = Object.entries(filters).filter(([, value]) => value !== undefined)
  return { tenantId, ...Object.fromEntries(present) }
}

/** /admin/audit, /admin/audit/export, /admin/audit/verify */
export const adminAuditRoutes: FastifyPluginAsync<AdminAuditRoutesOptions> = async (
  app,
  options,
) => {
  const { audit } = options

  app.get<{ Querystring: AuditFilterQuery }>(
    '/admin/audit',
    { schema: auditSchemas.query },
    async (request) => {
      const page = await audit.query(toQuery(request.tenant.id, request.query))
      return { events: page.events.map(auditView), next_cursor: page.nextCursor }
    },
  )

  // Streams page by page; the lines are the library's stored events, the archival format. The
  // first line is read before anything is sent: the library checks the query then, and a bad one
  // (or a store that cannot be read) is an ordinary JSON error, not an NDJSON stream that breaks.
  app.get<{ Querystring: AuditFilterQuery }>(
    '/admin/audit/export',
    { schema: auditSchemas.export },
    async (request, reply) => {
      const lines = audit.export(toQuery(request.tenant.id, request.query))
      const first = await lines.next()
      return reply.type('application/x-ndjson').send(Readable.from(resume(first, lines)))
    },
  )

  app.get('/admin/audit/verify', { schema: auditSchemas.verify }, async (request) => {
    const result = await audit.verifyChain(request.tenant.id)
    return result.ok
      ? { ok: true, checked: result.checked }
      : { ok: false, broken_at_seq: result.brokenAtSeq, reason: result.reason }
  })
}

// The lines of an export whose first line has been read already.
async function* resume(
  first: IteratorResult<string, void>,
  rest: AsyncGenerator<string, void, undefined>,
): AsyncGenerator<string, void, undefined> {
  if (first.done === true) return
  yield first.value
  yield* rest
}
