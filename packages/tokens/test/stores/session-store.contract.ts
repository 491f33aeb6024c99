// The SessionStore contract (sessions and their refresh tokens): every adapter passes it, including
// the race of many concurrent refreshes of one token.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Storage } from '../../src/stores/interfaces.js'
import type { RefreshTokenRecord, SessionRecord } from '../../src/stores/records.js'
import {
  givenSession,
  givenTenant,
  refreshTokenRecord,
  rejectsWith,
  sessionRecord,
  T0,
  userRecord,
} from './fixtures.js'

/** Registers the SessionStore contract tests against storages made by `make`. */
export function sessionStoreContract(make: () => Promise<Storage>): void {
  test('sessions: create and get; a missing session is undefined', async () => {
    const storage = await make()
    const { tenant, session } = await givenSession(storage)
    assert.deepEqual(await storage.sessions.get(tenant.id, session.id), session)
    assert.equal(await storage.sessions.get(tenant.id, 'missing'), undefined)
  })

  test("sessions: listByUser is that user's sessions, newest first", async () => {
    const storage = await make()
    const { tenant, user, session } = await givenSession(storage)
    const newer = sessionRecord(tenant.id, user.id, { createdAt: T0 + 2, device: null })
    const middle = sessionRecord(tenant.id, user.id, { createdAt: T0 + 1, revokedAt: T0 + 5 })
    const stranger = userRecord(tenant.id)
    await storage.users.create(stranger)
    for (const s of [newer, middle, sessionRecord(tenant.id, stranger.id)]) {
      await storage.sessions.create(s)
    }
    assert.deepEqual(await storage.sessions.listByUser(tenant.id, user.id), [
      newer,
      middle,
      session,
    ])
    assert.deepEqual(await storage.sessions.listByUser(tenant.id, 'nobody'), [])
  })

  test('sessions: touch records the last use and IP', async () => {
    const storage = await make()
    const { tenant, session } = await givenSession(storage)
    await storage.sessions.touch(tenant.id, session.id, T0 + 60_000, '198.51.100.7')
    const touched = { ...session, lastUsedAt: T0 + 60_000, lastIp: '198.51.100.7' }
    assert.deepEqual(await storage.sessions.get(tenant.id, session.id), touched)
    await storage.sessions.touch(tenant.id, session.id, T0 + 120_000, null)
    assert.deepEqual(await storage.sessions.get(tenant.id, session.id), {
      ...touched,
      lastUsedAt: T0 + 120_000,
      lastIp: null,
    })
  })

  test('sessions: revoke ends an active session once', async () => {
    const storage = await make()
    const { tenant, session } = await givenSession(storage)
    assert.equal(await storage.sessions.revoke(tenant.id, session.id, T0 + 10, 'logout'), true)
    assert.equal(await storage.sessions.revoke(tenant.id, session.id, T0 + 20, 'again'), false)
    assert.equal(await storage.sessions.revoke(tenant.id, 'missing', T0, 'logout'), false)
    assert.deepEqual(await storage.sessions.get(tenant.id, session.id), {
      ...session,
      revokedAt: T0 + 10,
      revokedReason: 'logout',
    })
  })

  test("sessions: revokeAllForUser ends the user's active sessions but `keep`", async () => {
    const storage = await make()
    const { tenant, user, session: kept } = await givenSession(storage)
    const one = sessionRecord(tenant.id, user.id)
    const two = sessionRecord(tenant.id, user.id)
    const ended = sessionRecord(tenant.id, user.id, { revokedAt: T0, revokedReason: 'old' })
    const stranger = userRecord(tenant.id)
    await storage.users.create(stranger)
    const theirs = sessionRecord(tenant.id, stranger.id)
    for (const s of [one, two, ended, theirs]) await storage.sessions.create(s)

    const ids = await storage.sessions.revokeAllForUser(tenant.id, user.id, T0 + 9, 'pw', kept.id)
    assert.deepEqual(ids.sort(), [one.id, two.id].sort())
    assert.equal((await storage.sessions.get(tenant.id, one.id))!.revokedReason, 'pw')
    assert.equal((await storage.sessions.get(tenant.id, two.id))!.revokedAt, T0 + 9)
    assert.deepEqual(await storage.sessions.get(tenant.id, ended.id), ended)
    assert.deepEqual(await storage.sessions.get(tenant.id, kept.id), kept)
    assert.deepEqual(await storage.sessions.get(tenant.id, theirs.id), theirs)

    const rest = await storage.sessions.revokeAllForUser(tenant.id, user.id, T0 + 10, 'all')
    assert.deepEqual(rest, [kept.id])
    assert.deepEqual(await storage.sessions.revokeAllForUser(tenant.id, user.id, T0, 'x'), [])
  })

  test('sessions: revokeAllForTenant ends every active session of that tenant only', async () => {
    const storage = await make()
    const { tenant, user, session } = await givenSession(storage)
    const second = sessionRecord(tenant.id, user.id)
    const ended = sessionRecord(tenant.id, user.id, { revokedAt: T0, revokedReason: 'old' })
    for (const s of [second, ended]) await storage.sessions.create(s)
    const elsewhere = await givenSession(storage)

    assert.equal(await storage.sessions.revokeAllForTenant(tenant.id, T0 + 5, 'revoked'), 2)
    for (const id of [session.id, second.id]) {
      const now = (await storage.sessions.get(tenant.id, id))!
      assert.deepEqual([now.revokedAt, now.revokedReason], [T0 + 5, 'revoked'])
    }
    assert.deepEqual(await storage.sessions.get(tenant.id, ended.id), ended)
    const other = elsewhere.session
    assert.deepEqual(await storage.sessions.get(other.tenantId, other.id), other)
    assert.equal(await storage.sessions.revokeAllForTenant(tenant.id, T0 + 6, 'again'), 0)
  })

  test('sessions: a session and its tokens of tenant A are invisible in tenant B', async () => {
    const storage = await make()
    const { tenant, user, session } = await givenSession(storage)
    const other = await givenTenant(storage)
    const token = refreshTokenRecord(tenant.id, session.id)
    await storage.sessions.addRefreshToken(token)
    assert.equal(await storage.sessions.get(other.id, session.id), undefined)
    assert.deepEqual(await storage.sessions.listByUser(other.id, user.id), [])
    await storage.sessions.touch(other.id, session.id, T0 + 1, '203.0.113.9')
    assert.equal(await storage.sessions.revoke(other.id, session.id, T0, 'x'), false)
    assert.deepEqual(await storage.sessions.revokeAllForUser(other.id, user.id, T0, 'x'), [])
    assert.deepEqual(await storage.sessions.get(tenant.id, session.id), session)
    assert.equal(await storage.sessions.findRefreshToken(other.id, token.hash), undefined)
    const stolen = await storage.sessions.consumeRefreshToken(other.id, token.hash, T0, 'h', 's')
    assert.equal(stolen, false)
    assert.deepEqual(await storage.sessions.findRefreshToken(tenant.id, token.hash), token)
  })

  test('sessions: ids and token hashes are unique (ERR_CONFLICT); parents must exist', async () => {
    const storage = await make()
    const { tenant, user, session } = await givenSession(storage)
    const token = refreshTokenRecord(tenant.id, session.id)
    await storage.sessions.addRefreshToken(token)
    const again = sessionRecord(tenant.id, user.id, { id: session.id })
    await rejectsWith(storage.sessions.create(again), 'ERR_CONFLICT')
    const twin = refreshTokenRecord(tenant.id, session.id, { hash: token.hash })
    await rejectsWith(storage.sessions.addRefreshToken(twin), 'ERR_CONFLICT')
    const orphanSession = sessionRecord('no-such-tenant', user.id)
    await rejectsWith(storage.sessions.create(orphanSession), 'ERR_STORE_UNAVAILABLE')
    const orphanToken = refreshTokenRecord(tenant.id, 'no-such-session')
    await rejectsWith(storage.sessions.addRefreshToken(orphanToken), 'ERR_STORE_UNAVAILABLE')
    assert.deepEqual(await storage.sessions.get(tenant.id, session.id), session)
    assert.equal(await storage.sessions.findRefreshToken(tenant.id, orphanToken.hash), undefined)
  })

  test('refresh tokens: add, find, consume once with its successor', async () => {
    const storage = await make()
    const { tenant, session } = await givenSession(storage)
    const token = refreshTokenRecord(tenant.id, session.id)
    await storage.sessions.addRefreshToken(token)
    assert.deepEqual(await storage.sessions.findRefreshToken(tenant.id, token.hash), token)
    assert.equal(await storage.sessions.findRefreshToken(tenant.id, 'f'.repeat(64)), undefined)

    const first = await storage.sessions.consumeRefreshToken(
      tenant.id,
      token.hash,
      T0 + 5,
      'n1',
      's1',
    )
    const second = await storage.sessions.consumeRefreshToken(
      tenant.id,
      token.hash,
      T0 + 6,
      'n2',
      's2',
    )
    assert.deepEqual([first, second], [true, false])
    assert.deepEqual(await storage.sessions.findRefreshToken(tenant.id, token.hash), {
      ...token,
      consumedAt: T0 + 5,
      successorHash: 'n1',
      sealedSuccessor: 's1',
    })
    const unknown = await storage.sessions.consumeRefreshToken(
      tenant.id,
      'e'.repeat(64),
      T0,
      'n',
      's',
    )
    assert.equal(unknown, false)
  })

  test('refresh tokens: pruneSealed forgets successors consumed before the cut-off', async () => {
    const storage = await make()
    const { tenant, session } = await givenSession(storage)
    const other = await givenSession(storage)
    const old = refreshTokenRecord(tenant.id, session.id)
    const recent = refreshTokenRecord(tenant.id, session.id)
    const fresh = refreshTokenRecord(tenant.id, session.id)
    const elsewhere = refreshTokenRecord(other.tenant.id, other.session.id)
    for (const t of [old, recent, fresh, elsewhere]) await storage.sessions.addRefreshToken(t)
    await storage.sessions.consumeRefreshToken(tenant.id, old.hash, T0 + 10, 'a', 'sealed-a')
    await storage.sessions.consumeRefreshToken(tenant.id, recent.hash, T0 + 100, 'b', 'sealed-b')
    await storage.sessions.consumeRefreshToken(other.tenant.id, elsewhere.hash, T0 + 20, 'c', 'sc')

    assert.equal(await storage.sessions.pruneSealed(T0 + 50), 2)
    assert.equal(await storage.sessions.pruneSealed(T0 + 50), 0)
    const pruned = await storage.sessions.findRefreshToken(tenant.id, old.hash)
    assert.deepEqual(pruned, {
      ...old,
      consumedAt: T0 + 10,
      successorHash: 'a',
      sealedSuccessor: null,
    })
    assert.equal(
      (await storage.sessions.findRefreshToken(tenant.id, recent.hash))!.sealedSuccessor,
      'sealed-b',
    )
    assert.deepEqual(await storage.sessions.findRefreshToken(tenant.id, fresh.hash), fresh)
    const theirs = await storage.sessions.findRefreshToken(other.tenant.id, elsewhere.hash)
    assert.equal(theirs!.sealedSuccessor, null)
  })

  test('refresh tokens: pruneRefreshTokens deletes those of sessions ended before the cut-off', async () => {
    const storage = await make()
    const { tenant, user, session: live } = await givenSession(storage)
    const session = async (overrides: Partial<SessionRecord>) => {
      const record = sessionRecord(tenant.id, user.id, overrides)
      await storage.sessions.create(record)
      return record
    }
    const expiredLongAgo = await session({ expiresAt: T0 + 10 })
    const expiredRecently = await session({ expiresAt: T0 + 100 })
    const revokedLongAgo = await session({})
    await storage.sessions.revoke(tenant.id, revokedLongAgo.id, T0 + 20, 'test')
    const revokedRecently = await session({})
    await storage.sessions.revoke(tenant.id, revokedRecently.id, T0 + 90, 'test')
    const tokens = new Map<string, RefreshTokenRecord[]>()
    for (const s of [live, expiredLongAgo, expiredRecently, revokedLongAgo, revokedRecently]) {
      const pair = [refreshTokenRecord(tenant.id, s.id), refreshTokenRecord(tenant.id, s.id)]
      for (const token of pair) await storage.sessions.addRefreshToken(token)
      tokens.set(s.id, pair)
    }
    const kept = (sessionId: string) =>
      Promise.all(
        tokens
          .get(sessionId)!
          .map(
            async (t) => (await storage.sessions.findRefreshToken(tenant.id, t.hash)) !== undefined,
          ),
      )

    assert.equal(await storage.sessions.pruneRefreshTokens(T0 + 50), 4)
    assert.equal(await storage.sessions.pruneRefreshTokens(T0 + 50), 0)
    assert.deepEqual(await kept(expiredLongAgo.id), [false, false])
    assert.deepEqual(await kept(revokedLongAgo.id), [false, false])
    for (const s of [live, expiredRecently, revokedRecently]) {
      assert.deepEqual(await kept(s.id), [true, true], s.id)
    }
  })

  test('THE RACE: 50 concurrent refreshes of one token, each in a transaction: one wins', async () => {
    const storage = await make()
    const { tenant, session } = await givenSession(storage)
    const token = refreshTokenRecord(tenant.id, session.id)
    await storage.sessions.addRefreshToken(token)
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        storage.transaction(async (stores) => {
          const won = await stores.sessions.consumeRefreshToken(
            tenant.id,
            token.hash,
            T0 + i,
            `successor-${i}`,
            `sealed-${i}`,
          )
          if (won) {
            await stores.sessions.addRefreshToken(
              refreshTokenRecord(tenant.id, session.id, { hash: `next-${i}`.padEnd(64, '0') }),
            )
          }
          return won
        }),
      ),
    )
    assert.equal(results.filter(Boolean).length, 1)
    const winner = results.indexOf(true)
    const consumed = await storage.sessions.findRefreshToken(tenant.id, token.hash)
    assert.equal(consumed!.successorHash, `successor-${winner}`)
    assert.equal(consumed!.sealedSuccessor, `sealed-${winner}`)
    const next = await storage.sessions.findRefreshToken(
      tenant.id,
      `next-${winner}`.padEnd(64, '0'),
    )
    assert.equal(next?.sessionId, session.id)
  })

  test('the race without transactions: 50 concurrent consumes, one wins', async () => {
    const storage = await make()
    const { tenant, session } = await givenSession(storage)
    const token = refreshTokenRecord(tenant.id, session.id)
    await storage.sessions.addRefreshToken(token)
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        storage.sessions.consumeRefreshToken(tenant.id, token.hash, T0 + i, `n-${i}`, `s-${i}`),
      ),
    )
    assert.equal(results.filter(Boolean).length, 1)
  })
}
