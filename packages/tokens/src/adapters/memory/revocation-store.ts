import type { RevocationStore } from '../../stores/interfaces.js'
import type { RevocationRecord } from '../../stores/records.js'
import { copy, revocationKey, type MemoryScope } from './state.js'

/** Revocations in memory, one per tenant, kind and subject; a second `put` only widens the first. */
export class MemoryRevocationStore implements RevocationStore {
  readonly #scope: MemoryScope

  /** @param scope - where the store runs: on its own or in a transaction. */
  constructor(scope: MemoryScope) {
    this.#scope = scope
  }

  put(revocation: RevocationRecord): Promise<void> {
    return this.#scope.run((state) => {
      const key = revocationKey(revocation)
      const existing = state.revocations.get(key)
      state.put(state.revocations, key, {
        ...copy(revocation),
        cutoff: Math.max(existing?.cutoff ?? -Infinity, revocation.cutoff),
        expiresAt: Math.max(existing?.expiresAt ?? -Infinity, revocation.expiresAt),
      })
    })
  }

  listActive(now: number): Promise<RevocationRecord[]> {
    return this.#scope.run((state) =>
      [...state.revocations.values()].filter((r) => r.expiresAt > now).map(copy),
    )
  }

  prune(now: number): Promise<number> {
    return this.#scope.run((state) => {
      let pruned = 0
      for (const [key, revocation] of [...state.revocations]) {
        if (revocation.expiresAt <= now && state.remove(state.revocations, key)) pruned++
      }
      return pruned
    })
  }
}
