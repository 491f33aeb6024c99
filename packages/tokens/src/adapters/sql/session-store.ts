import type { Selectable } from 'kysely'
import {
  REFRESH_TOKEN_COLUMNS,
  SESSION_COLUMNS,
  type RefreshTokensTable,
  type SessionsTable,
} from '../../db/schema.js'
import type { SessionStore } from '../../stores/interfaces.js'
import type { RefreshTokenRecord, SessionRecord } from '../../stores/records.js'
import { guard, maybeMillis, millis, prepared, type Executor } from './executor.js'

// The queries of a refresh rotation, compiled once (see prepared).
const sessionById = prepared((db, tenantId: string, id: string) =>
  db
    .selectFrom('sessions')
    .select(SESSION_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id),
)
const touchSession = prepared((db, tenantId: string, id: string, at: number, ip: string | null) =>
  db
    .updateTable('sessions')
    .set({ last_used_at: at, last_ip: ip })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id),
)
const insertToken = prepared(
  (
    db,
    hash: string,
    tenantId: string,
    sessionId: string,
    createdAt: number,
    expiresAt: number,
    consumedAt: number | null,
    successorHash: string | null,
    sealedSuccessor: string | null,
  ) =>
    db.insertInto('refresh_tokens').values({
      hash,
      tenant_id: tenantId,
      session_id: sessionId,
      created_at: createdAt,
      expires_at: expiresAt,
      consumed_at: consumedAt,
      successor_hash: successorHash,
      sealed_successor: sealedSuccessor,
    }),
)
const tokenByHash = prepared((db, tenantId: string, hash: string) =>
  db
    .selectFrom('refresh_tokens')
    .select(REFRESH_TOKEN_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('hash', '=', hash),
)
// The conditional update is the whole race: only the call that finds consumed_at null wins.
const consumeToken = prepared(
  (db, tenantId: string, hash: string, at: number, successorHash: string, sealed: string) =>
    db
      .updateTable('refresh_tokens')
      .set({ consumed_at: at, successor_hash: successorHash, sealed_successor: sealed })
      .where('tenant_id', '=', tenantId)
      .where('hash', '=', hash)
      .where('consumed_at', 'is', null),
)

export class SqlSessionStore implements SessionStore {
  readonly #db: Executor

  constructor(db: Executor) {
    this.#db = db
  }

  create(session: SessionRecord): Promise<void> {
    return guard('create session', async () => {
      await this.#db.insertInto('sessions').values(sessionRow(session)).execute()
    })
  }

  get(tenantId: string, id: string): Promise<SessionRecord | undefined> {
    return guard('read session', async () => {
      const row = (await sessionById(this.#db, tenantId, id)).rows[0]
      return row && sessionFromRow(row)
    })
  }

  listByUser(tenantId: string, userId: string): Promise<SessionRecord[]> {
    return guard('list sessions', async () => {
      const rows = await this.#db
        .selectFrom('sessions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .execute()
      return rows.map(sessionFromRow)
    })
  }

  touch(tenantId: string, id: string, at: number, ip: string | null): Promise<void> {
    return guard('update session', async () => {
      await touchSession(this.#db, tenantId, id, at, ip)
    })
  }

  revoke(tenantId: string, id: string, at: number, reason: string): Promise<boolean> {
    return guard('revoke session', async () => {
      const result = await this.#db
        .updateTable('sessions')
        .set({ revoked_at: at, revoked_reason: reason })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return result.numUpdatedRows > 0n
    })
  }

  revokeAllForUser(
    tenantId: string,
    userId: string,
    at: number,
    reason: string,
    keep?: string,
  ): Promise<string[]> {
    return guard('revoke sessions', async () => {
      let query = this.#db
        .updateTable('sessions')
        .set({ revoked_at: at, revoked_reason: reason })
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
      if (keep !== undefined) query = query.where('id', '!=', keep)
      const rows = await query.returning('id').execute()
      return rows.map((row) => row.id)
    })
  }

  revokeAllForTenant(tenantId: string, at: number, reason: string): Promise<number> {
    return guard('revoke sessions', async () => {
      const result = await this.#db
        .updateTable('sessions')
        .set({ revoked_at: at, revoked_reason: reason })
        .where('tenant_id', '=', tenantId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return Number(result.numUpdatedRows)
    })
  }

  addRefreshToken(token: RefreshTokenRecord): Promise<void> {
    return guard('store refresh token', async () => {
      await insertToken(
        this.#db,
        token.hash,
        token.tenantId,
        token.sessionId,
        token.createdAt,
        token.expiresAt,
        token.consumedAt,
        token.successorHash,
        token.sealedSuccessor,
      )
    })
  }

  findRefreshToken(tenantId: string, hash: string): Promise<RefreshTokenRecord | undefined> {
    return guard('read refresh token', async () => {
      const row = (await tokenByHash(this.#db, tenantId, hash)).rows[0]
      return row && fromTokenRow(row)
    })
  }

  consumeRefreshToken(
    tenantId: string,
    hash: string,
    at: number,
    successorHash: string,
    sealedSuccessor: string,
  ): Promise<boolean> {
    return guard('consume refresh token', async () => {
      const result = await consumeToken(
        this.#db,
        tenantId,
        hash,
        at,
        successorHash,
        sealedSuccessor,
      )
      return result.numAffectedRows === 1n
    })
  }

  pruneSealed(before: number): Promise<number> {
    return guard('prune refresh tokens', async () => {
      const result = await this.#db
        .updateTable('refresh_tokens')
        .set({ sealed_successor: null })
        .where('consumed_at', '<', before)
        .where('sealed_successor', 'is not', null)
        .executeTakeFirst()
      return Number(result.numUpdatedRows)
    })
  }

  pruneRefreshTokens(before: number): Promise<number> {
    return guard('prune refresh tokens', async () => {
      const result = await this.#db
        .deleteFrom('refresh_tokens')
        .where('session_id', 'in', (eb) =>
          eb
            .selectFrom('sessions')
            .select('id')
            .where((s) => s.or([s('expires_at', '<', before), s('revoked_at', '<', before)])),
        )
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    })
  }
}

function sessionRow(s: SessionRecord): Selectable<SessionsTable> {
  return {
    id: s.id,
    tenant_id: s.tenantId,
    user_id: s.userId,
    client_id: s.clientId,
    device: s.device,
    user_agent: s.userAgent,
    first_ip: s.firstIp,
    last_ip: s.lastIp,
    created_at: s.createdAt,
    last_used_at: s.lastUsedAt,
    expires_at: s.expiresAt,
    revoked_at: s.revokedAt,
    revoked_reason: s.revokedReason,
  }
}

/** A session as its row holds it. */
export function sessionFromRow(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    clientId: row.client_id,
    device: row.device,
    userAgent: row.user_agent,
    firstIp: row.first_ip,
    lastIp: row.last_ip,
    createdAt: millis(row.created_at),
    lastUsedAt: millis(row.last_used_at),
    expiresAt: millis(row.expires_at),
    revokedAt: maybeMillis(row.revoked_at),
    revokedReason: row.revoked_reason,
  }
}

function fromTokenRow(row: Selectable<RefreshTokensTable>): RefreshTokenRecord {
  return {
    hash: row.hash,
    tenantId: row.tenant_id,
    sessionId: row.session_id,
    createdAt: millis(row.created_at),
    expiresAt: millis(row.expires_at),
    consumedAt: maybeMillis(row.consumed_at),
    successorHash: row.successor_hash,
    sealedSuccessor: row.sealed_successor,
  }
}
