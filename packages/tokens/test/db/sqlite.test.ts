import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import { sql } from 'kysely'
import { createSqlStorage } from '../../src/adapters/sql/storage.js'
import { openSqlite } from '../../src/db/sqlite.js'
import { verifyChain } from '../../src/audit/verify.js'
import { ConflictError, InvalidInputError } from '../../src/errors.js'
import { givenSession as givenUserSession, refreshTokenRecord } from '../stores/fixtures.js'
import { events, givenTenant, T0 } from '../support.js'

function tempFile(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'tessera.db')
}

test('openSqlite: WAL, checkpoints every 10,000 pages unless told, and refuses a bad count', async (t) => {
  const file = tempFile(t)
  const pragma = async (db: ReturnType<typeof openSqlite>, name: string) =>
    Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0]
  const db = openSqlite({ driver: Database, filename: file })
  assert.equal(await pragma(db, 'journal_mode'), 'wal')
  assert.equal(await pragma(db, 'wal_autocheckpoint'), 10_000)
  await db.destroy()
  const small = openSqlite({ driver: Database, filename: file, checkpointPages: 500 })
  assert.equal(await pragma(small, 'wal_autocheckpoint'), 500)
  await small.destroy()
  const elsewhere = tempFile(t)
  for (const checkpointPages of [0, -1, 1.5, Number.NaN]) {
    assert.throws(
      () => openSqlite({ driver: Database, filename: elsewhere, checkpointPages }),
      InvalidInputError,
    )
  }
  assert.equal(existsSync(elsewhere), false, 'nothing is opened before the options are checked')
})

// Inside a transaction, compiled statements run on the connection directly (skipping Kysely's queue):
// their failures must still be typed and still roll the whole transaction back.
test('a statement that fails inside a SQLite transaction is typed and rolls everything back', async (t) => {
  const storage = await createSqlStorage(openSqlite({ driver: Database, filename: tempFile(t) }))
  t.after(() => storage.close())
  const { tenant, session } = await givenUserSession(storage)
  const token = refreshTokenRecord(tenant.id, session.id)
  await storage.sessions.addRefreshToken(token)
  const before = (await events(storage, tenant.id)).length
  // An audit event and a session touch, then (when asked) a write that fails.
  const writes = (at: number, failing: boolean) =>
    storage.transaction(async (tx) => {
      await tx.audit.append({
        tenantId: tenant.id,
        type: 'token.refreshed',
        severity: 'info',
        time: T0,
      })
      await tx.sessions.touch(tenant.id, session.id, at, '10.0.0.1')
      if (failing) await tx.sessions.addRefreshToken(token)
    })
  await assert.rejects(writes(T0 + 5, true), ConflictError)
  assert.equal((await events(storage, tenant.id)).length, before)
  assert.equal((await storage.sessions.get(tenant.id, session.id))!.lastUsedAt, session.lastUsedAt)
  // And a transaction that succeeds leaves both writes, with the chain intact.
  await writes(T0 + 7, false)
  assert.equal((await events(storage, tenant.id)).length, before + 1)
  assert.equal((await storage.sessions.get(tenant.id, session.id))!.lastUsedAt, T0 + 7)
  assert.equal((await verifyChain(storage.audit, tenant.id)).ok, true)
})

test('the log is checkpointed on a timer, so a quiet database does not keep commits only in the WAL', async (t) => {
  const file = tempFile(t)
  const storage = await createSqlStorage(openSqlite({ driver: Database, filename: file }), {
    checkpointIntervalMs: 50,
  })
  t.after(() => storage.close())
  const marker = `checkpoint-marker-${Date.now()}`
  await givenTenant(storage, {}).then((tenant) =>
    storage.tenants.update({ ...tenant, name: marker, updatedAt: T0 + 1 }),
  )
  // Far fewer pages than the page-count threshold: only the timer moves them into the file.
  let inFile = false
  for (let i = 0; i < 100 && !inFile; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    inFile = readFileSync(file).includes(marker)
  }
  assert.ok(inFile, 'the commit reached the database file')
  const other = openSqlite({ driver: Database, filename: tempFile(t) })
  for (const checkpointIntervalMs of [0, -5, 2.5]) {
    await assert.rejects(createSqlStorage(other, { checkpointIntervalMs }), InvalidInputError)
  }
  await other.destroy()
})
