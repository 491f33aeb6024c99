import type { Selectable } from 'kysely'
import { API_KEY_COLUMNS, type ApiKeysTable } from '../../db/schema.js'
import type { ApiKeyStore } from '../../stores/interfaces.js'
import type { ApiKeyRecord } from '../../stores/records.js'
import { guard, maybeMillis, millis, prepared, type Executor } from './executor.js'

// Read on every request a client authenticates (introspection): compiled once (see prepared).
const keyById = prepared((db, tenantId: string, id: string) =>
  db
    .selectFrom('api_keys')
    .select(API_KEY_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id),
)

/** Service API keys in SQL, known by the hash of the whole key (a unique column). */
export class SqlApiKeyStore implements ApiKeyStore {
  readonly #db: Executor

  /** @param db a connection or a transaction */
  constructor(db: Executor) {
    this.#db = db
  }

  create(key: ApiKeyRecord): Promise<void> {
    return guard('create API key', async () => {
      await this.#db.insertInto('api_keys').values(toRow(key)).execute()
    })
  }

  get(tenantId: string, id: string): Promise<ApiKeyRecord | undefined> {
    return guard('read API key', async () => {
      const row = (await keyById(this.#db, tenantId, id)).rows[0]
      return row && fromRow(row)
    })
  }

  findByHash(tenantId: string, hash: string): Promise<ApiKeyRecord | undefined> {
    return guard('read API key', async () => {
      const row = await this.#db
        .selectFrom('api_keys')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('hash', '=', hash)
        .executeTakeFirst()
      return row && fromRow(row)
    })
  }

  list(tenantId: string): Promise<ApiKeyRecord[]> {
    return guard('list API keys', async () => {
      const rows = await this.#db
        .selectFrom('api_keys')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map(fromRow)
    })
  }

  revoke(tenantId: string, id: string, at: number): Promise<boolean> {
    return guard('revoke API key', async () => {
      const result = await this.#db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return result.numUpdatedRows > 0n
    })
  }

  touchLastUsed(tenantId: string, id: string, at: number): Promise<void> {
    return guard('update API key', async () => {
      await this.#db
        .updateTable('api_keys')
        .set({ last_used_at: at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
        .execute()
    })
  }
}

function toRow(key: ApiKeyRecord): Selectable<ApiKeysTable> {
  return {
    id: key.id,
    tenant_id: key.tenantId,
    name: key.name,
    hash: key.hash,
    scopes: JSON.stringify(key.scopes),
    created_at: key.createdAt,
    expires_at: key.expiresAt,
    last_used_at: key.lastUsedAt,
    revoked_at: key.revokedAt,
  }
}

function fromRow(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    hash: row.hash,
    scopes: JSON.parse(row.scopes) as string[],
    createdAt: millis(row.created_at),
    expiresAt: maybeMillis(row.expires_at),
    lastUsedAt: maybeMillis(row.last_used_at),
    revokedAt: maybeMillis(row.revoked_at),
  }
}
