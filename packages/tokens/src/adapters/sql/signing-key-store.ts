import { PostgresAdapter, sql, type Selectable } from 'kysely'
import type { SigningKeysTable } from '../../db/schema.js'
import type { SigningKeyStore } from '../../stores/interfaces.js'
import type { SigningKeyRecord, SigningKeyState } from '../../stores/records.js'
import { guard, maybeMillis, millis, type Executor } from './executor.js'

export class SqlSigningKeyStore implements SigningKeyStore {
  readonly #db: Executor

  constructor(db: Executor) {
    this.#db = db
  }

  add(key: SigningKeyRecord): Promise<void> {
    return guard('store signing key', async () => {
      await this.#db.insertInto('signing_keys').values(toRow(key)).execute()
    })
  }

  list(tenantId: string): Promise<SigningKeyRecord[]> {
    return guard('list signing keys', async () => {
      const rows = await this.#db
        .selectFrom('signing_keys')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at')
        .orderBy('activates_at')
        .orderBy('kid')
        .execute()
      return rows.map(fromRow)
    })
  }

  lock(tenantId: string): Promise<void> {
    // SQLite runs one write transaction at a time already; PostgreSQL needs telling.
    if (!(this.#db.getExecutor().adapter instanceof PostgresAdapter)) return Promise.resolve()
    return guard('lock signing keys', async () => {
      await sql`select pg_advisory_xact_lock(hashtext(${`tessera:keys:${tenantId}`}))`.execute(
        this.#db,
      )
    })
  }

  listAll(): Promise<SigningKeyRecord[]> {
    return guard('list signing keys', async () => {
      const rows = await this.#db.selectFrom('signing_keys').selectAll().orderBy('kid').execute()
      return rows.map(fromRow)
    })
  }

  update(key: SigningKeyRecord): Promise<void> {
    return guard('update signing key', async () => {
      const { kid: _kid, tenant_id: _tenant, ...row } = toRow(key)
      await this.#db
        .updateTable('signing_keys')
        .set(row)
        .where('tenant_id', '=', key.tenantId)
        .where('kid', '=', key.kid)
        .execute()
    })
  }
}

function toRow(key: SigningKeyRecord): Selectable<SigningKeysTable> {
  return {
    kid: key.kid,
    tenant_id: key.tenantId,
    alg: key.alg,
    state: key.state,
    public_jwk: key.publicJwk,
    private_jwe: key.privateJwe,
    created_at: key.createdAt,
    activates_at: key.activatesAt,
    retired_at: key.retiredAt,
    remove_at: key.removeAt,
  }
}

function fromRow(row: Selectable<SigningKeysTable>): SigningKeyRecord {
  return {
    kid: row.kid,
    tenantId: row.tenant_id,
    alg: row.alg,
    state: row.state as SigningKeyState,
    publicJwk: row.public_jwk,
    privateJwe: row.private_jwe,
    createdAt: millis(row.created_at),
    activatesAt: millis(row.activates_at),
    retiredAt: maybeMillis(row.retired_at),
    removeAt: maybeMillis(row.remove_at),
  }
}
