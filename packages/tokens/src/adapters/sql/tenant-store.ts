import { PostgresAdapter, type Selectable } from 'kysely'
import type { TenantsTable } from '../../db/schema.js'
import { resolveTenantConfig } from '../../tenant-config.js'
import type { TenantStore } from '../../stores/interfaces.js'
import type { TenantRecord } from '../../stores/records.js'
import { guard, millis, type Executor } from './executor.js'

export class SqlTenantStore implements TenantStore {
  readonly #db: Executor

  constructor(db: Executor) {
    this.#db = db
  }

  create(tenant: TenantRecord): Promise<void> {
    return guard('create tenant', async () => {
      await this.#db.insertInto('tenants').values(toRow(tenant)).execute()
    })
  }

  get(id: string): Promise<TenantRecord | undefined> {
    return this.#read(id, false)
  }

  getForUpdate(id: string): Promise<TenantRecord | undefined> {
    // SQLite has no row locks, and needs none: it runs one write transaction at a time.
    return this.#read(id, this.#db.getExecutor().adapter instanceof PostgresAdapter)
  }

  #read(id: string, lock: boolean): Promise<TenantRecord | undefined> {
    return guard('read tenant', async () => {
      let query = this.#db.selectFrom('tenants').selectAll().where('id', '=', id)
      // `for no key update`: changes of one tenant take turns, and unlike `for update` it does not
      // hold up the foreign-key checks of the sessions and users inserted for it meanwhile.
      if (lock) query = query.forNoKeyUpdate()
      const row = await query.executeTakeFirst()
      return row && fromRow(row)
    })
  }

  getByName(name: string): Promise<TenantRecord | undefined> {
    return guard('read tenant', async () => {
      const row = await this.#db
        .selectFrom('tenants')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst()
      return row && fromRow(row)
    })
  }

  list(): Promise<TenantRecord[]> {
    return guard('list tenants', async () => {
      const rows = await this.#db.selectFrom('tenants').selectAll().orderBy('name').execute()
      return rows.map(fromRow)
    })
  }

  update(tenant: TenantRecord): Promise<void> {
    return guard('update tenant', async () => {
      const { id: _id, ...row } = toRow(tenant)
      await this.#db.updateTable('tenants').set(row).where('id', '=', tenant.id).execute()
    })
  }
}

function toRow(tenant: TenantRecord): Selectable<TenantsTable> {
  return {
    id: tenant.id,
    name: tenant.name,
    config: JSON.stringify(tenant.config),
    created_at: tenant.createdAt,
    updated_at: tenant.updatedAt,
  }
}

function fromRow(row: Selectable<TenantsTable>): TenantRecord {
  return {
    id: row.id,
    name: row.name,
    config: resolveTenantConfig(JSON.parse(row.config)),
    createdAt: millis(row.created_at),
    updatedAt: millis(row.updated_at),
  }
}
