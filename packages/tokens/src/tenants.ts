// Tenants: create, list, configure. Every other record is scoped by a tenant id. Settings are cached
// in memory, since validation reads them on every call.
import { randomUUID } from 'node:crypto'
import { ConflictError, InvalidInputError, NotFoundError } from './errors.js'
import { requireObject } from './inputs.js'
import type { Storage } from './stores/interfaces.js'
import type { TenantConfig, TenantRecord } from './stores/records.js'
import { resolveTenantConfig } from './tenant-config.js'
import type { AuditContext } from './audit/events.js'

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

/** The tenant registry. */
export class Tenants {
  readonly #storage: Storage
  readonly #clock: () => number
  readonly #cache = new Map<string, TenantRecord>()

  constructor(storage: Storage, clock: () => number = Date.now) {
    this.#storage = storage
    this.#clock = clock
  }

  /**
   * Creates a tenant. Names are lower-case letters, digits and dashes (they appear in URLs).
   *
   * @example
   * ```ts
   * const acme = await tenants.create('acme', { issuer: 'https://id.acme.example' })
   * ```
   */
  async create(
    name: string,
    config: Partial<TenantConfig> = {},
    by: AuditContext = {},
  ): Promise<TenantRecord> {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new InvalidInputError('a tenant name is 1-63 lower-case letters, digits or dashes')
    }
    const now = this.#clock()
    const tenant: TenantRecord = {
      id: randomUUID(),
      name,
      config: resolveTenantConfig(config),
      createdAt: now,
      updatedAt: now,
    }
    await this.#storage.transaction(async (tx) => {
      if ((await tx.tenants.getByName(name)) !== undefined) {
        throw new ConflictError(`a tenant named "${name}" exists`)
      }
      await tx.tenants.create(tenant)
      await tx.audit.append({
        tenantId: tenant.id,
        type: 'tenant.created',
        severity: 'notice',
        actor: by.actor ?? 'system',
        ip: by.ip ?? null,
        userAgent: by.userAgent ?? null,
        details: { name },
        time: now,
      })
    })
    this.#cache.set(tenant.id, tenant)
    return tenant
  }

  /** A tenant by id; NotFoundError when there is none. Served from memory after the first read. */
  async get(id: string): Promise<TenantRecord> {
    const cached = this.#cache.get(id)
    if (cached !== undefined) return cached
    const tenant = typeof id === 'string' ? await this.#storage.tenants.get(id) : undefined
    if (tenant === undefined) throw new NotFoundError('no such tenant')
    this.#cache.set(id, tenant)
    return tenant
  }

  /** A tenant already in memory, or undefined (no I/O). */
  peek(id: string): TenantRecord | undefined {
    return this.#cache.get(id)
  }

  /** A tenant by name; NotFoundError when there is none. */
  async getByName(name: string): Promise<TenantRecord> {
    for (const tenant of this.#cache.values()) if (tenant.name === name) return tenant
    const tenant =
      typeof name === 'string' ? await this.#storage.tenants.getByName(name) : undefined
    if (tenant === undefined) throw new NotFoundError('no such tenant')
    this.#cache.set(tenant.id, tenant)
    return tenant
  }

  /** Every tenant, by name. */
  list(): Promise<TenantRecord[]> {
    return this.#storage.tenants.list()
  }

  /**
   * Changes a tenant's settings; unspecified fields keep their values. The settings are read in the
   * transaction that writes them, locked until it ends: two changes made at once, here or on
   * another instance, both land, whatever this instance's cache held.
   */
  async configure(
    id: string,
    changes: Partial<TenantConfig>,
    by: AuditContext = {},
  ): Promise<TenantRecord> {
    requireObject(changes, 'the changes')
    if (typeof id !== 'string') throw new NotFoundError('no such tenant')
    const now = this.#clock()
    const updated = await this.#storage.transaction(async (tx) => {
      const current = await tx.tenants.getForUpdate(id)
      if (current === undefined) throw new NotFoundError('no such tenant')
      const config = resolveTenantConfig({ ...current.config, ...changes })
      // A key set holds secret keys or public ones, never both (so that no token can pass one
      // kind for the other): a tenant whose keys were made for HMAC cannot rotate to RSA, and the
      // reverse.
      if (isHmac(config.signingAlgorithm) !== isHmac(current.config.signingAlgorithm)) {
        throw new InvalidInputError(
          "signingAlgorithm cannot change between HMAC (HS*) and public-key algorithms: the tenant's keys would mix secret and public keys; create a new tenant instead",
        )
      }
      // Strictly later than the change it follows, so that the cache below can tell which of two
      // changes is the newer even within one millisecond.
      const record: TenantRecord = {
        ...current,
        config,
        updatedAt: Math.max(now, current.updatedAt + 1),
      }
      await tx.tenants.update(record)
      await tx.audit.append({
        tenantId: id,
        type: 'tenant.updated',
        severity: 'notice',
        actor: by.actor ?? 'system',
        ip: by.ip ?? null,
        userAgent: by.userAgent ?? null,
        details: { changed: Object.keys(changes).sort() },
        time: now,
      })
      return record
    })
    // Changes made at once may settle in any order: the cache keeps the newer.
    const cached = this.#cache.get(id)
    if (cached === undefined || cached.updatedAt < updated.updatedAt) this.#cache.set(id, updated)
    return updated
  }

  /** Forgets cached settings (another instance changed them). */
  invalidate(id?: string): void {
    if (id === undefined) this.#cache.clear()
    else this.#cache.delete(id)
  }
}

function isHmac(algorithm: string): boolean {
  return algorithm.startsWith('HS')
}
