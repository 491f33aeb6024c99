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
import { CompiledQuery, type Kysely, type Selectable } from 'kysely'
import { preparedOnPostgres } from '../../db/postgres.js'
import type { Database, SessionsTable, UsersTable } from '../../db/schema.js'
import type { FreshRotation } from '../../stores/interfaces.js'
import type { SessionRecord, UserRecord } from '../../stores/records.js'
import { sessionFromRow } from './session-store.js'
import { userFromRow } from './user-store.js'

interface Row {
  session: Selectable<SessionsTable>
  user: Selectable<UsersTable>
}

// $1 tenant, $2 the presented token's hash, $3 now, $4 the successor's hash, $5 the sealed
// successor, $6 its idle lifetime, $7 ip, $8 user agent, $9 the audit event's id, $10 the client
// the request authenticated as (see RefreshClient in rotation.ts). A prepared statement (see
// preparedOnPostgres): its result is two json columns, whatever the tables hold.
const ROTATE_FRESH = preparedOnPostgres(
  'tessera_rotate_fresh',
  `with fresh as (
    select t.hash, s.id as session_id, s.expires_at as session_expires_at, u.id as user_id
    from refresh_tokens t
    join sessions s on s.tenant_id = t.tenant_id and s.id = t.session_id
    join users u on u.tenant_id = s.tenant_id and u.id = s.user_id
    where t.tenant_id = $1::text and t.hash = $2::text
      and t.consumed_at is null and t.expires_at > $3::bigint
      and s.revoked_at is null and s.expires_at > $3::bigint
      and u.disabled = 0
      and case when $10::text is null
        then not exists (select 1 from api_keys k where k.tenant_id = s.tenant_id and k.id = s.client_id)
        else s.client_id = $10::text end
  ),
  consumed as (
    update refresh_tokens t
    set consumed_at = $3::bigint, successor_hash = $4::text, sealed_successor = $5::text
    from fresh
    where t.hash = fresh.hash and t.consumed_at is null
    returning fresh.session_id, fresh.session_expires_at, fresh.user_id
  ),
  successor as (
    insert into refresh_tokens
      (hash, tenant_id, session_id, created_at, expires_at, consumed_at, successor_hash,
       sealed_successor)
    select $4::text, $1::text, session_id, $3::bigint,
      least($3::bigint + $6::bigint, session_expires_at), null, null, null
    from consumed
  ),
  touched as (
    update sessions s
    set last_used_at = $3::bigint, last_ip = $7::text
    from consumed
    where s.tenant_id = $1::text and s.id = consumed.session_id
    returning s.*
  ),
  event as (
    insert into audit_queue
      (id, tenant_id, time, type, severity, actor, user_id, session_id, ip, user_agent, details)
    select $9::text, $1::text, $3::bigint, 'token.refreshed', 'info', user_id, user_id,
      session_id, $7::text, $8::text, '{}'
    from consumed
  )
  select row_to_json(touched) as session, row_to_json(u) as "user"
  from touched
  join users u on u.tenant_id = touched.tenant_id and u.id = touched.user_id`,
)

/** Runs a fresh rotation on PostgreSQL; see Storage.rotateFresh. */
export async function rotateFreshOnPostgres(
  db: Kysely<Database>,
  r: FreshRotation,
): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
  const { rows } = await db.executeQuery<Row>(
    CompiledQuery.raw(ROTATE_FRESH, [
      r.tenantId,
      r.hash,
      r.now,
      r.successorHash,
      r.sealedSuccessor,
      r.idleTtlMs,
      r.ip,
      r.userAgent,
      r.eventId,
      r.authenticatedClient,
    ]),
  )
  const row = rows[0]
  return row === undefined
    ? undefined
    : { session: sessionFromRow(row.session), user: userFromRow(row.user) }
}
