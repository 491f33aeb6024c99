// A refresh rotation's common case in one PostgreSQL statement (Storage.rotateFresh). The steps of
// rotate() take nine round trips on PostgreSQL (begin, the session, the user, the consume, the
// successor, the touch, the audit event, commit); each costs both processes a wake-up, and on a
// small machine those round trips, not the work, bounded refreshes. Data-modifying CTEs do all of
// it in one statement, atomically: every part writes only if the conditional consume did.
//
// The race stays with the consume: `consumed_at is null` is checked again on the row's newest
// version once its lock is ours, so of concurrent rotations of one token exactly one consumes it;
// the others return nothing and take the full path, which finds it consumed (a retry within the
// grace window, or reuse).
import { sql, type Kysely, type Selectable } from 'kysely'
import type { Database, SessionsTable, UsersTable } from '../../db/schema.js'
import type { FreshRotation } from '../../stores/interfaces.js'
import type { SessionRecord, UserRecord } from '../../stores/records.js'
import { sessionFromRow } from './session-store.js'
import { userFromRow } from './user-store.js'

interface Row {
  session: Selectable<SessionsTable>
  user: Selectable<UsersTable>
}

/** Runs a fresh rotation on PostgreSQL; see Storage.rotateFresh. */
export async function rotateFreshOnPostgres(
  db: Kysely<Database>,
  r: FreshRotation,
): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
  const { rows } = await sql<Row>`
    with fresh as (
      select t.hash, s.id as session_id, s.expires_at as session_expires_at, u.id as user_id
      from refresh_tokens t
      join sessions s on s.tenant_id = t.tenant_id and s.id = t.session_id
      join users u on u.tenant_id = s.tenant_id and u.id = s.user_id
      where t.tenant_id = ${r.tenantId} and t.hash = ${r.hash}
        and t.consumed_at is null and t.expires_at > ${r.now}
        and s.revoked_at is null and s.expires_at > ${r.now}
        and u.disabled = 0
    ),
    consumed as (
      update refresh_tokens t
      set consumed_at = ${r.now}, successor_hash = ${r.successorHash},
        sealed_successor = ${r.sealedSuccessor}
      from fresh
      where t.hash = fresh.hash and t.consumed_at is null
      returning fresh.session_id, fresh.session_expires_at, fresh.user_id
    ),
    successor as (
      insert into refresh_tokens
        (hash, tenant_id, session_id, created_at, expires_at, consumed_at, successor_hash,
         sealed_successor)
      select ${r.successorHash}::text, ${r.tenantId}::text, session_id, ${r.now}::bigint,
        least(${r.now}::bigint + ${r.idleTtlMs}::bigint, session_expires_at), null, null, null
      from consumed
    ),
    touched as (
      update sessions s
      set last_used_at = ${r.now}::bigint, last_ip = ${r.ip}::text
      from consumed
      where s.tenant_id = ${r.tenantId} and s.id = consumed.session_id
      returning s.*
    ),
    event as (
      insert into audit_queue
        (id, tenant_id, time, type, severity, actor, user_id, session_id, ip, user_agent, details)
      select ${r.eventId}::text, ${r.tenantId}::text, ${r.now}::bigint, 'token.refreshed', 'info',
        user_id, user_id, session_id, ${r.ip}::text, ${r.userAgent}::text, '{}'
      from consumed
    )
    select row_to_json(touched) as session, row_to_json(u) as "user"
    from touched
    join users u on u.tenant_id = touched.tenant_id and u.id = touched.user_id
  `.execute(db)
  const row = rows[0]
  return row === undefined
    ? undefined
    : { session: sessionFromRow(row.session), user: userFromRow(row.user) }
}
