import { ConflictError } from '../../errors.js'
import type { ApiKeyStore } from '../../stores/interfaces.js'
import type { ApiKeyRecord } from '../../stores/records.js'
import { compareText, copy, missingParent, type MemoryScope } from './state.js'

/**
 * Service API keys in memory. As in SQL: ids and hashes are unique everywhere, and a key's tenant
 * must exist.
 */
export class MemoryApiKeyStore implements ApiKeyStore {
  readonly #scope: MemoryScope

  /** @param scope - where the store runs: on its own or in a transaction. */
  constructor(scope: MemoryScope) {
    this.#scope = scope
  }

  create(key: ApiKeyRecord): Promise<void> {
    return this.#scope.run((state) => {
      const taken = [...state.apiKeys.values()].some((other) => other.hash === key.hash)
      if (taken || state.apiKeys.has(key.id))
        throw new ConflictError('create API key: already exists')
      if (!state.tenants.has(key.tenantId)) throw missingParent('create API key')
      state.put(state.apiKeys, key.id, copy(key))
    })
  }

  get(tenantId: string, id: string): Promise<ApiKeyRecord | undefined> {
    return this.#scope.run((state) => {
      const key = state.apiKeys.get(id)
      return key?.tenantId === tenantId ? copy(key) : undefined
    })
  }

  findByHash(tenantId: string, hash: string): Promise<ApiKeyRecord | undefined> {
    return this.#scope.run((state) => {
      for (const key of state.apiKeys.values()) {
        if (key.tenantId === tenantId && key.hash === hash) return copy(key)
      }
      return undefined
    })
  }

  list(tenantId: string): Promise<ApiKeyRecord[]> {
    return this.#scope.run((state) =>
      [...state.apiKeys.values()]
        .filter((key) => key.tenantId === tenantId)
        .sort((a, b) => a.createdAt - b.createdAt || compareText(a.id, b.id))
        .map(copy),
    )
  }

  revoke(tenantId: string, id: string, at: number): Promise<boolean> {
    return this.#scope.run((state) => {
      const key = state.apiKeys.get(id)
      if (key?.tenantId !== tenantId || key.revokedAt !== null) return false
      state.put(state.apiKeys, id, { ...key, revokedAt: at })
      return true
    })
  }

  touchLastUsed(tenantId: string, id: string, at: number): Promise<void> {
    return this.#scope.run((state) => {
      const key = state.apiKeys.get(id)
      if (key?.tenantId !== tenantId || (key.lastUsedAt !== null && key.lastUsedAt >= at)) return
      state.put(state.apiKeys, id, { ...key, lastUsedAt: at })
    })
  }
}
