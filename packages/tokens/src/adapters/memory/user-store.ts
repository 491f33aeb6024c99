import { ConflictError } from '../../errors.js'
import type { UserStore } from '../../stores/interfaces.js'
import type { UserRecord } from '../../stores/records.js'
import { compareText, copy, missingParent, type MemoryScope, type MemoryState } from './state.js'

/**
 * Users in memory. As in SQL: ids are unique everywhere, usernames and (non-null) emails are unique
 * per tenant, and a user's tenant must exist.
 */
export class MemoryUserStore implements UserStore {
  readonly #scope: MemoryScope

  /** @param scope - where the store runs: on its own or in a transaction. */
  constructor(scope: MemoryScope) {
    this.#scope = scope
  }

  create(user: UserRecord): Promise<void> {
    return this.#scope.run((state) => {
      if (state.users.has(user.id) || loginTaken(state, user)) {
        throw new ConflictError('create user: already exists')
      }
      if (!state.tenants.has(user.tenantId)) throw missingParent('create user')
      state.put(state.users, user.id, copy(user))
    })
  }

  get(tenantId: string, id: string): Promise<UserRecord | undefined> {
    return this.#scope.run((state) => {
      const user = state.users.get(id)
      return user?.tenantId === tenantId ? copy(user) : undefined
    })
  }

  getForUpdate(tenantId: string, id: string): Promise<UserRecord | undefined> {
    // One transaction at a time holds the state: nothing to lock.
    return this.get(tenantId, id)
  }

  findByLogin(tenantId: string, login: string): Promise<UserRecord | undefined> {
    return this.#scope.run((state) => {
      for (const user of state.users.values()) {
        if (user.tenantId === tenantId && (user.username === login || user.email === login)) {
          return copy(user)
        }
      }
      return undefined
    })
  }

  list(tenantId: string): Promise<UserRecord[]> {
    return this.#scope.run((state) =>
      [...state.users.values()]
        .filter((user) => user.tenantId === tenantId)
        .sort((a, b) => compareText(a.username, b.username))
        .map(copy),
    )
  }

  update(user: UserRecord): Promise<void> {
    return this.#scope.run((state) => {
      const current = state.users.get(user.id)
      if (current?.tenantId !== user.tenantId) return
      if (loginTaken(state, user)) throw new ConflictError('update user: already exists')
      state.put(state.users, user.id, copy(user))
    })
  }

  delete(tenantId: string, id: string): Promise<boolean> {
    return this.#scope.run((state) => {
      if (state.users.get(id)?.tenantId !== tenantId) return false
      return state.remove(state.users, id)
    })
  }
}

/** Whether another user of the tenant has this username, or this email when it has one. */
function loginTaken(state: MemoryState, user: UserRecord): boolean {
  for (const other of state.users.values()) {
    if (other.tenantId !== user.tenantId || other.id === user.id) continue
    if (other.username === user.username) return true
    if (user.email !== null && other.email === user.email) return true
  }
  return false
}
