import { ConflictError } from '../../errors.js'
import type { SigningKeyStore } from '../../stores/interfaces.js'
import type { SigningKeyRecord } from '../../stores/records.js'
import { compareText, copy, type MemoryScope } from './state.js'

/** Signing keys in memory; a `kid` is unique everywhere, as in SQL. */
export class MemorySigningKeyStore implements SigningKeyStore {
  readonly #scope: MemoryScope

  /** @param scope - where the store runs: on its own or in a transaction. */
  constructor(scope: MemoryScope) {
    this.#scope = scope
  }

  add(key: SigningKeyRecord): Promise<void> {
    return this.#scope.run((state) => {
      if (state.signingKeys.has(key.kid))
        throw new ConflictError('store signing key: already exists')
      state.put(state.signingKeys, key.kid, copy(key))
    })
  }

  /** One process, and its transactions run one at a time: nothing to hold. */
  async lock(): Promise<void> {}

  list(tenantId: string): Promise<SigningKeyRecord[]> {
    return this.#scope.run((state) =>
      [...state.signingKeys.values()]
        .filter((key) => key.tenantId === tenantId)
        .sort(
          (a, b) =>
            a.createdAt - b.createdAt || a.activatesAt - b.activatesAt || compareText(a.kid, b.kid),
        )
        .map(copy),
    )
  }

  listAll(): Promise<SigningKeyRecord[]> {
    return this.#scope.run((state) =>
      [...state.signingKeys.values()].sort((a, b) => compareText(a.kid, b.kid)).map(copy),
    )
  }

  update(key: SigningKeyRecord): Promise<void> {
    return this.#scope.run((state) => {
      if (state.signingKeys.get(key.kid)?.tenantId !== key.tenantId) return
      state.put(state.signingKeys, key.kid, copy(key))
    })
  }
}
