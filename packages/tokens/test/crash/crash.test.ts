// Crash safety: a process killed with SIGKILL in the middle of login, refresh and revoke loops leaves
// a SQLite file where every change it reported as committed is present with its audit event, and
// nothing is half-written: every consumed refresh token has its successor, every session its first
// token, and the audit chain verifies.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { Accounts } from '../../src/accounts.js'
import { createSqlStorage } from '../../src/adapters/sql/storage.js'
import { verifyChain } from '../../src/audit/verify.js'
import { openSqlite } from '../../src/db/sqlite.js'
import { MasterKey } from '../../src/key-wrap.js'
import { Passwords } from '../../src/passwords.js'
import { Tenants } from '../../src/tenants.js'
import { sqliteStorage } from '../support.js'

const PASSWORD = 'correct horse battery staple'
const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url))

/** Runs the worker until it has reported `lines` changes after `ready`, then SIGKILLs it. */
function runAndKill(args: string[], lines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    const reported: string[] = []
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready') return
      reported.push(line)
      // Kill at an arbitrary point, most likely inside the next transaction.
      if (reported.length === lines) child.kill('SIGKILL')
    })
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(reported)
      else reject(new Error(`the worker exited (${code}): ${stderr}`))
    })
  })
}

test('SIGKILL mid-loop loses nothing committed and leaves nothing half-written', async (t) => {
  const { storage, file } = await sqliteStorage(t)
  const tenant = await new Tenants(storage).create('crash')
  const accounts = new Accounts({
    storage,
    passwords: new Passwords({ params: { memoryCost: 256, timeCost: 1, parallelism: 1 } }),
  })
  await accounts.createUser({ tenantId: tenant.id, username: 'crash', password: PASSWORD })
  await storage.close()
  const masterKey = MasterKey.generate()

  const reported: string[] = []
  for (const lines of [7, 23, 41]) {
    reported.push(...(await runAndKill([file, tenant.id, PASSWORD, masterKey], lines)))
  }

  const after = await createSqlStorage(openSqlite({ driver: Database, filename: file }))
  t.after(() => after.close())
  const db = new Database(file, { readonly: true })
  t.after(() => db.close())
  const count = (sql: string, ...params: unknown[]) =>
    (db.prepare(sql).get(...params) as { n: number }).n
  // A worker killed between a commit and its seal leaves events queued: the next storage on the
  // file chains them, at the latest before its first read.
  await after.audit.head(tenant.id)
  assert.equal(count('select count(*) n from audit_queue'), 0)

  for (const line of reported) {
    const [kind, sessionId, n] = line.split(' ') as [string, string, string?]
    if (kind === 'login') {
      assert.equal(count('select count(*) n from sessions where id = ?', sessionId), 1, line)
      assert.equal(
        count(
          `select count(*) n from audit_events where session_id = ? and type = 'token.issued'`,
          sessionId,
        ),
        1,
        line,
      )
    } else if (kind === 'refresh') {
      const consumed = count(
        'select count(*) n from refresh_tokens where session_id = ? and consumed_at is not null',
        sessionId,
      )
      assert.ok(consumed >= Number(n), line)
      const events = count(
        `select count(*) n from audit_events where session_id = ? and type = 'token.refreshed'`,
        sessionId,
      )
      assert.ok(events >= Number(n), line)
    } else if (kind === 'revoke') {
      assert.equal(
        count('select count(*) n from sessions where id = ? and revoked_at is not null', sessionId),
        1,
        line,
      )
      assert.equal(
        count(
          `select count(*) n from audit_events where session_id = ? and type = 'session.revoked'`,
          sessionId,
        ),
        1,
        line,
      )
    }
  }
  assert.ok(reported.length >= 60, 'the workers made progress')

  // Nothing half-written: each consumed token's successor exists; each refresh has its event.
  assert.equal(
    count(`select count(*) n from refresh_tokens t where t.consumed_at is not null
           and not exists (select 1 from refresh_tokens s where s.hash = t.successor_hash)`),
    0,
  )
  assert.equal(
    count(`select count(*) n from refresh_tokens where consumed_at is not null`),
    count(`select count(*) n from audit_events where type = 'token.refreshed'`),
  )
  assert.equal(
    count('select count(*) n from sessions'),
    count(`select count(*) n from audit_events where type = 'token.issued'`),
  )
  assert.deepEqual(await verifyChain(after.audit, tenant.id), {
    ok: true,
    checked: count('select count(*) n from audit_events where tenant_id = ?', tenant.id),
  })
})
