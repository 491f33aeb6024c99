import { ConflictError } from '../../errors.js'
import type { TenantStore } from '../../stores/interfaces.js'
import type { TenantRecord } from '../../stores/records.js'
import { compareText, copy, type MemoryScope, type MemoryState } from './state.js'

/** Tenants in memory: ids and names are unique, as in SQL. */
export class MemoryTenantStore implements TenantStore {
  readonly #scope: MemoryScope

  /** @param scope - where the store runs: on its own or in a transaction. */
  constructor(scope: MemoryScope) {
    this.#scope = scope
  }

  create(tenant: TenantRecord): Promise<void> {
    return this.#scope.run((state) => {
      if (state.tenants.has(tenant.id) || nameTaken(state, tenant.name, tenant.id)) {
        throw new ConflictError('create tenant: already exists')
      }
      state.put(state.tenants, tenant.id, copy(tenant))
    })
  }

  get(id: string): Promise<TenantRecord | undefined> {
    return this.#scope.run((state) => {
      const tenant = state.tenants.get(id)
      return tenant && copy(tenant)
    })
  }

  getForUpdate(id: string): Promise<TenantRecord | undefined> {
    // One transaction at a time holds the state: nothing to lock.
    return this.get(id)
  }

  getByName(name: string): Promise<TenantRecord | undefined> {
    return this.#scope.run((state) => {
      for (const tenant of state.tenants.values()) if (tenant.name === name) return copy(tenant)
      return undefined
    })
  }

  list(): Promise<TenantRecord[]> {
    return this.#scope.run((state) =>
      [...state.tenants.values()].sort((a, b) => compareText(a.name, b.name)).map(copy),
    )
  }

  update(tenant: TenantRecord): Promise<void> {
    return this.#scope.run((state) => {
      if (!state.tenants.has(tenant.id)) return
      if (nameTaken(state, tenant.name, tenant.id)) {
        throw new ConflictError('update tenant: already exists')
      }
      state.put(state.tenants, tenant.id, copy(tenant))
    })
  }
}

function nameTaken(state: MemoryState, name: string, exceptId: string): boolean {
  for (const tenant of state.tenants.values()) {
    if (tenant.name === name && tenant.id !== exceptId) return true
  }
  return false
}
