import { PostgresAdapter, type Selectable } from 'kysely'
import { USER_COLUMNS, type UsersTable } from '../../db/schema.js'
import type { UserStore } from '../../stores/interfaces.js'
import type { UserRecord } from '../../stores/records.js'
import { guard, maybeMillis, millis, prepared, type Executor } from './executor.js'

// Read on every refresh rotation: compiled once (see prepared).
const userById = prepared((db, tenantId: string, id: string) =>
  db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id),
)

export class SqlUserStore implements UserStore {
  readonly #db: Executor

  constructor(db: Executor) {
    this.#db = db
  }

  create(user: UserRecord): Promise<void> {
    return guard('create user', async () => {
      await this.#db.insertInto('users').values(toRow(user)).execute()
    })
  }

  get(tenantId: string, id: string): Promise<UserRecord | undefined> {
    return guard('read user', async () => {
      const row = (await userById(this.#db, tenantId, id)).rows[0]
      return row && userFromRow(row)
    })
  }

  getForUpdate(tenantId: string, id: string): Promise<UserRecord | undefined> {
    // SQLite has no row locks, and needs none: it runs one write transaction at a time.
    if (!(this.#db.getExecutor().adapter instanceof PostgresAdapter)) return this.get(tenantId, id)
    return guard('read user', async () => {
      const row = await this.#db
        .selectFrom('users')
        .select(USER_COLUMNS)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      return row && userFromRow(row)
    })
  }

  findByLogin(tenantId: string, login: string): Promise<UserRecord | undefined> {
    return guard('read user', async () => {
      const row = await this.#db
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or([eb('username', '=', login), eb('email', '=', login)]))
        .executeTakeFirst()
      return row && userFromRow(row)
    })
  }

  list(tenantId: string): Promise<UserRecord[]> {
    return guard('list users', async () => {
      const rows = await this.#db
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('username')
        .execute()
      return rows.map(userFromRow)
    })
  }

  update(user: UserRecord): Promise<void> {
    return guard('update user', async () => {
      const { id: _id, tenant_id: _tenant, ...row } = toRow(user)
      await this.#db
        .updateTable('users')
        .set(row)
        .where('tenant_id', '=', user.tenantId)
        .where('id', '=', user.id)
        .execute()
    })
  }

  delete(tenantId: string, id: string): Promise<boolean> {
    return guard('delete user', async () => {
      const result = await this.#db
        .deleteFrom('users')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst()
      return result.numDeletedRows > 0n
    })
  }
}

function toRow(user: UserRecord): Selectable<UsersTable> {
  return {
    id: user.id,
    tenant_id: user.tenantId,
    username: user.username,
    email: user.email,
    password_hash: user.passwordHash,
    roles: JSON.stringify(user.roles),
    scopes: JSON.stringify(user.scopes),
    disabled: user.disabled ? 1 : 0,
    failed_attempts: user.failedAttempts,
    locked_until: user.lockedUntil,
    password_changed_at: user.passwordChangedAt,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  }
}

/** A user as its row holds it. */
export function userFromRow(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    username: row.username,
    email: row.email,
    passwordHash: row.password_hash,
    roles: JSON.parse(row.roles) as string[],
    scopes: JSON.parse(row.scopes) as string[],
    disabled: Number(row.disabled) !== 0,
    failedAttempts: Number(row.failed_attempts),
    lockedUntil: maybeMillis(row.locked_until),
    passwordChangedAt: millis(row.password_changed_at),
    createdAt: millis(row.created_at),
    updatedAt: millis(row.updated_at),
  }
}
