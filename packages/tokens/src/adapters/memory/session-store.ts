import { ConflictError } from '../../errors.js'
import type { SessionStore } from '../../stores/interfaces.js'
import type { RefreshTokenRecord, SessionRecord } from '../../stores/records.js'
import { copy, missingParent, type MemoryScope } from './state.js'

/**
 * Sessions (refresh families) and their refresh tokens in memory. Operations run one at a time, so
 * the check-and-set of {@link MemorySessionStore.consumeRefreshToken} is as atomic as SQL's
 * conditional update.
 */
export class MemorySessionStore implements SessionStore {
  readonly #scope: MemoryScope

  /** @param scope - where the store runs: on its own or in a transaction. */
  constructor(scope: MemoryScope) {
    this.#scope = scope
  }

  create(session: SessionRecord): Promise<void> {
    return this.#scope.run((state) => {
      if (state.sessions.has(session.id)) throw new ConflictError('create session: already exists')
      if (!state.tenants.has(session.tenantId)) throw missingParent('create session')
      state.put(state.sessions, session.id, copy(session))
    })
  }

  get(tenantId: string, id: string): Promise<SessionRecord | undefined> {
    return this.#scope.run((state) => {
      const session = state.sessions.get(id)
      return session?.tenantId === tenantId ? copy(session) : undefined
    })
  }

  listByUser(tenantId: string, userId: string): Promise<SessionRecord[]> {
    return this.#scope.run((state) =>
      [...state.sessions.values()]
        .filter((s) => s.tenantId === tenantId && s.userId === userId)
        .sort((a, b) => b.createdAt - a.createdAt)
        .map(copy),
    )
  }

  touch(tenantId: string, id: string, at: number, ip: string | null): Promise<void> {
    return this.#scope.run((state) => {
      const session = state.sessions.get(id)
      if (session?.tenantId !== tenantId) return
      state.put(state.sessions, id, { ...session, lastUsedAt: at, lastIp: ip })
    })
  }

  revoke(tenantId: string, id: string, at: number, reason: string): Promise<boolean> {
    return this.#scope.run((state) => {
      const session = state.sessions.get(id)
      if (session?.tenantId !== tenantId || session.revokedAt !== null) return false
      state.put(state.sessions, id, { ...session, revokedAt: at, revokedReason: reason })
      return true
    })
  }

  revokeAllForUser(
    tenantId: string,
    userId: string,
    at: number,
    reason: string,
    keep?: string,
  ): Promise<string[]> {
    return this.#scope.run((state) => {
      const ended: string[] = []
      for (const session of [...state.sessions.values()]) {
        if (session.tenantId !== tenantId || session.userId !== userId) continue
        if (session.revokedAt !== null || session.id === keep) continue
        state.put(state.sessions, session.id, { ...session, revokedAt: at, revokedReason: reason })
        ended.push(session.id)
      }
      return ended
    })
  }

  revokeAllForTenant(tenantId: string, at: number, reason: string): Promise<number> {
    return this.#scope.run((state) => {
      let ended = 0
      for (const session of [...state.sessions.values()]) {
        if (session.tenantId !== tenantId || session.revokedAt !== null) continue
        state.put(state.sessions, session.id, { ...session, revokedAt: at, revokedReason: reason })
        ended++
      }
      return ended
    })
  }

  addRefreshToken(token: RefreshTokenRecord): Promise<void> {
    return this.#scope.run((state) => {
      if (state.refreshTokens.has(token.hash)) {
        throw new ConflictError('store refresh token: already exists')
      }
      if (!state.sessions.has(token.sessionId)) throw missingParent('store refresh token')
      state.put(state.refreshTokens, token.hash, copy(token))
    })
  }

  findRefreshToken(tenantId: string, hash: string): Promise<RefreshTokenRecord | undefined> {
    return this.#scope.run((state) => {
      const token = state.refreshTokens.get(hash)
      return token?.tenantId === tenantId ? copy(token) : undefined
    })
  }

  consumeRefreshToken(
    tenantId: string,
    hash: string,
    at: number,
    successorHash: string,
    sealedSuccessor: string,
  ): Promise<boolean> {
    return this.#scope.run((state) => {
      const token = state.refreshTokens.get(hash)
      if (token?.tenantId !== tenantId || token.consumedAt !== null) return false
      state.put(state.refreshTokens, hash, {
        ...token,
        consumedAt: at,
        successorHash,
        sealedSuccessor,
      })
      return true
    })
  }

  pruneSealed(before: number): Promise<number> {
    return this.#scope.run((state) => {
      let pruned = 0
      for (const token of [...state.refreshTokens.values()]) {
        if (token.consumedAt === null || token.consumedAt >= before) continue
        if (token.sealedSuccessor === null) continue
        state.put(state.refreshTokens, token.hash, { ...token, sealedSuccessor: null })
        pruned++
      }
      return pruned
    })
  }

  pruneRefreshTokens(before: number): Promise<number> {
    return this.#scope.run((state) => {
      let pruned = 0
      for (const token of [...state.refreshTokens.values()]) {
        const session = state.sessions.get(token.sessionId)
        if (session === undefined || !endedBefore(session, before)) continue
        state.remove(state.refreshTokens, token.hash)
        pruned++
      }
      return pruned
    })
  }
}

function endedBefore(session: SessionRecord, before: number): boolean {
  return session.expiresAt < before || (session.revokedAt !== null && session.revokedAt < before)
}
