// The one-statement rotation on PostgreSQL (Storage.rotateFresh): it rotates exactly the common
// case, with every write the full path makes, and in every other case changes nothing, so that the
// full path can tell the cases apart. Of concurrent rotations of one token exactly one wins.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { sql } from 'kysely'
import { createSqlStorage } from '../../src/adapters/sql/storage.js'
import { openPostgres } from '../../src/db/postgres.js'
import type { FreshRotation, Storage } from '../../src/stores/interfaces.js'
import type { RefreshTokenRecord, SessionRecord, UserRecord } from '../../src/stores/records.js'
import { postgresForFile, privateSchema } from '../stores/adapters.js'
import { chained, givenSession, refreshTokenRecord, T0 } from '../stores/fixtures.js'

const { adapter, skip } = postgresForFile()

const NOW = T0 + 60_000
const IDLE = 3_600_000

/** A storage with a session and one fresh refresh token in it. */
async function given(): Promise<{
  storage: Storage & Required<Pick<Storage, 'rotateFresh'>>
  user: UserRecord
  session: SessionRecord
  token: RefreshTokenRecord
}> {
  await adapter.closeMade()
  const storage = await adapter.make()
  assert.ok(storage.rotateFresh, 'PostgreSQL storage rotates in one statement')
  const { user, session } = await givenSession(storage)
  const token = refreshTokenRecord(session.tenantId, session.id)
  await storage.sessions.addRefreshToken(token)
  return {
    storage: storage as Storage & Required<Pick<Storage, 'rotateFresh'>>,
    user,
    session,
    token,
  }
}

function rotation(
  token: RefreshTokenRecord,
  overrides: Partial<FreshRotation> = {},
): FreshRotation {
  return {
    tenantId: token.tenantId,
    hash: token.hash,
    now: NOW,
    successorHash: randomUUID().replaceAll('-', '').padEnd(64, '1'),
    sealedSuccessor: 'v2.sealed',
    idleTtlMs: IDLE,
    ip: '198.51.100.7',
    userAgent: 'curl/8',
    eventId: randomUUID(),
    authenticatedClient: null,
    ...overrides,
  }
}

test(
  'a fresh token rotates: consumed, successor added, session touched, event recorded',
  { skip },
  async () => {
    const { storage, user, session, token } = await given()
    const r = rotation(token)
    const rotated = await storage.rotateFresh(r)
    assert.deepEqual(rotated, {
      session: { ...session, lastUsedAt: NOW, lastIp: r.ip },
      user,
    })
    assert.deepEqual(await storage.sessions.findRefreshToken(token.tenantId, token.hash), {
      ...token,
      consumedAt: NOW,
      successorHash: r.successorHash,
      sealedSuccessor: r.sealedSuccessor,
    })
    assert.deepEqual(await storage.sessions.findRefreshToken(token.tenantId, r.successorHash), {
      hash: r.successorHash,
      tenantId: token.tenantId,
      sessionId: session.id,
      createdAt: NOW,
      expiresAt: NOW + IDLE,
      consumedAt: null,
      successorHash: null,
      sealedSuccessor: null,
    })
    const [event] = await chained(storage.audit, [
      {
        id: r.eventId,
        tenantId: token.tenantId,
        time: NOW,
        type: 'token.refreshed',
        severity: 'info',
        actor: user.id,
        userId: user.id,
        sessionId: session.id,
        jti: null,
        ip: r.ip,
        userAgent: r.userAgent,
        details: {},
      },
    ])
    assert.equal(event!.seq, 1)
  },
)

test('the successor never outlives its session', { skip }, async () => {
  const { storage, session, token } = await given()
  const r = rotation(token, { idleTtlMs: 365 * 86_400_000 })
  assert.ok(await storage.rotateFresh(r))
  const successor = await storage.sessions.findRefreshToken(token.tenantId, r.successorHash)
  assert.equal(successor!.expiresAt, session.expiresAt)
})

test('anything but the common case changes nothing and returns undefined', { skip }, async () => {
  const cases: Array<[string, (s: Awaited<ReturnType<typeof given>>) => Promise<FreshRotation>]> = [
    ['an unknown token', async ({ token }) => rotation(token, { hash: 'f'.repeat(64) })],
    ['another tenant', async ({ token }) => rotation(token, { tenantId: 'someone-else' })],
    ['an expired token', async ({ token }) => rotation(token, { now: token.expiresAt })],
    [
      'a consumed token',
      async ({ storage, token }) => {
        await storage.sessions.consumeRefreshToken(
          token.tenantId,
          token.hash,
          T0,
          'x'.repeat(64),
          's',
        )
        return rotation(token)
      },
    ],
    [
      'a revoked session',
      async ({ storage, session, token }) => {
        await storage.sessions.revoke(session.tenantId, session.id, T0, 'logout')
        return rotation(token)
      },
    ],
    ['an ended session', async ({ session, token }) => rotation(token, { now: session.expiresAt })],
    [
      'a disabled user',
      async ({ storage, user, token }) => {
        await storage.users.update({ ...user, disabled: true })
        return rotation(token)
      },
    ],
  ]
  for (const [name, arrange] of cases) {
    const state = await given()
    const r = await arrange(state)
    const tokenBefore = await state.storage.sessions.findRefreshToken(
      state.token.tenantId,
      state.token.hash,
    )
    const sessionBefore = await state.storage.sessions.get(state.session.tenantId, state.session.id)
    const headBefore = await state.storage.audit.head(state.session.tenantId)
    assert.equal(await state.storage.rotateFresh(r), undefined, name)
    assert.deepEqual(
      await state.storage.sessions.findRefreshToken(state.token.tenantId, state.token.hash),
      tokenBefore,
      name,
    )
    assert.equal(
      await state.storage.sessions.findRefreshToken(state.token.tenantId, r.successorHash),
      undefined,
      name,
    )
    assert.deepEqual(
      await state.storage.sessions.get(state.session.tenantId, state.session.id),
      sessionBefore,
      name,
    )
    assert.deepEqual(await state.storage.audit.head(state.session.tenantId), headBefore, name)
  }
})

test(
  "a confidential client's session rotates in one statement only for that client",
  { skip },
  async () => {
    const { storage, session, token } = await given()
    const client = {
      id: randomUUID().replaceAll('-', ''),
      tenantId: session.tenantId,
      name: 'client',
      hash: randomUUID(),
      scopes: [],
      createdAt: T0,
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    }
    await storage.apiKeys.create(client)
    const theirs = { ...session, id: randomUUID(), clientId: client.id }
    await storage.sessions.create(theirs)
    const fresh = refreshTokenRecord(session.tenantId, theirs.id)
    await storage.sessions.addRefreshToken(fresh)
    for (const authenticatedClient of [null, 'another-client']) {
      assert.equal(await storage.rotateFresh(rotation(fresh, { authenticatedClient })), undefined)
    }
    const untouched = await storage.sessions.findRefreshToken(fresh.tenantId, fresh.hash)
    assert.equal(untouched!.consumedAt, null)
    const rotated = await storage.rotateFresh(rotation(fresh, { authenticatedClient: client.id }))
    assert.equal(rotated?.session.clientId, client.id)
    // A session of no confidential client ('web'): not for a client that authenticated.
    const forClient = rotation(token, { authenticatedClient: client.id })
    assert.equal(await storage.rotateFresh(forClient), undefined)
    assert.ok(await storage.rotateFresh(rotation(token)))
  },
)

test('of concurrent rotations of one token exactly one wins', { skip }, async () => {
  const { storage, session, token } = await given()
  const attempts = Array.from({ length: 20 }, () => rotation(token))
  const outcomes = await Promise.all(attempts.map((r) => storage.rotateFresh(r)))
  const winners = attempts.filter((_, i) => outcomes[i] !== undefined)
  assert.equal(winners.length, 1)
  const consumed = await storage.sessions.findRefreshToken(token.tenantId, token.hash)
  assert.equal(consumed!.successorHash, winners[0]!.successorHash)
  for (const r of attempts) {
    const successor = await storage.sessions.findRefreshToken(token.tenantId, r.successorHash)
    assert.equal(successor !== undefined, r === winners[0])
  }
  const events = await storage.audit.query({ tenantId: session.tenantId, type: 'token.refreshed' })
  assert.equal(events.length, 1)
})

test(
  'through openPostgres it runs as a prepared statement, planned once per connection',
  { skip },
  async (t) => {
    const schema = await privateSchema(t, 'prepared')
    // One connection, so that the statement and the look at the session's prepared ones share it.
    const db = openPostgres({ pool: schema.pool(1) })
    const storage = await createSqlStorage(db)
    schema.closeFirst(() => storage.close())
    const { session } = await givenSession(storage)
    const token = refreshTokenRecord(session.tenantId, session.id)
    await storage.sessions.addRefreshToken(token)
    const first = rotation(token)
    assert.ok(await storage.rotateFresh!(first))
    const second = { ...rotation(token), hash: first.successorHash }
    assert.ok(await storage.rotateFresh!(second))
    const { rows } = await sql<{ name: string; statement: string }>`
    select name, statement from pg_prepared_statements`.execute(db)
    assert.ok(rows.some((row) => row.name === 'tessera_rotate_fresh'))
    // The hot statements of the full path are prepared too, none of them a `select *`.
    assert.ok(rows.some((row) => row.name.startsWith('tessera_q')))
    for (const row of rows) assert.doesNotMatch(row.statement, /select \*/i)

    // Behind a pooler that cannot keep them, `prepare: false` runs everything unnamed.
    const unprepared = openPostgres({ pool: schema.pool(1), prepare: false })
    const plain = await createSqlStorage(unprepared)
    schema.closeFirst(() => plain.close())
    const third = { ...rotation(token), hash: second.successorHash }
    assert.ok(await plain.rotateFresh!(third))
    const none = await sql`select name from pg_prepared_statements`.execute(unprepared)
    assert.deepEqual(none.rows, [])
  },
)
