// `tessera users add|list|disable|unlock` and `tessera tenants add|list`, driven as child processes
// on a temp SQLite file, configured through TESSERA_* variables as `serve` is.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import Database from 'better-sqlite3'
import { runCli, storeEnv } from './run.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-users-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const env = storeEnv(dir)
const cli = (args: readonly string[], stdin = '') => runCli(args, env, stdin)

interface UserView {
  username: string
  disabled: boolean
  roles: string[]
}

before(async () => {
  const result = await cli(['migrate'])
  assert.equal(result.code, 0, result.stderr)
})

test('users add shows a generated password once, or takes one from stdin', async () => {
  const generated = await cli(['users', 'add', 'alice', '--role', 'admin', '--json'])
  assert.equal(generated.code, 0, generated.stderr)
  const report = JSON.parse(generated.stdout) as { user: UserView; password: string }
  assert.equal(report.user.username, 'alice')
  assert.deepEqual(report.user.roles, ['admin'])
  assert.ok(report.password.length >= 20)
  const piped = await cli(
    ['users', 'add', 'bob', '--password-stdin', '--json'],
    'a good password\n',
  )
  assert.equal(piped.code, 0, piped.stderr)
  assert.equal((JSON.parse(piped.stdout) as { password?: string }).password, undefined)
  assert.doesNotMatch(piped.stdout + piped.stderr, /a good password/)
  // Options before the username, repeated: the username is not taken for a role.
  const several = await cli([
    'users',
    'add',
    '--role',
    'admin',
    '--role',
    'ops',
    'carol',
    '--scope',
    'read',
    '--json',
  ])
  assert.equal(several.code, 0, several.stderr)
  const carol = (JSON.parse(several.stdout) as { user: UserView & { scopes: string[] } }).user
  assert.equal(carol.username, 'carol')
  assert.deepEqual(carol.roles, ['admin', 'ops'])
  assert.deepEqual(carol.scopes, ['read'])
  const list = await cli(['users', 'list', '--json'])
  assert.equal(list.code, 0, list.stderr)
  const names = (JSON.parse(list.stdout) as { users: UserView[] }).users.map((u) => u.username)
  assert.deepEqual(names.sort(), ['admin', 'alice', 'bob', 'carol'])
  assert.doesNotMatch(list.stdout, /password_hash|passwordHash|argon2/)
})

test('users disable, enable and unlock', async () => {
  const disabled = await cli(['users', 'disable', 'bob', '--json'])
  assert.equal(disabled.code, 0, disabled.stderr)
  assert.equal((JSON.parse(disabled.stdout) as { user: UserView }).user.disabled, true)
  const enabled = await cli(['users', 'disable', 'bob', '--enable'])
  assert.equal(enabled.code, 0, enabled.stderr)
  assert.match(enabled.stdout, /bob\s+-\s+enabled/)
  const unlocked = await cli(['users', 'unlock', 'bob'])
  assert.equal(unlocked.code, 0, unlocked.stderr)
})

test('users unlock lifts a lockout and clears the failure count, audited as the cli', async () => {
  // A lockout as five failed logins leave it (the command line has no login to fail).
  const db = new Database(env.TESSERA_DATABASE_URL!)
  const until = Date.now() + 30 * 60_000
  db.prepare("UPDATE users SET failed_attempts = 5, locked_until = ? WHERE username = 'bob'").run(
    until,
  )
  db.close()
  type Locked = UserView & { locked_until: string | null; failed_attempts: number }
  const bob = async () => {
    const list = await cli(['users', 'list', '--json'])
    return (JSON.parse(list.stdout) as { users: Locked[] }).users.find((u) => u.username === 'bob')!
  }
  assert.equal((await bob()).locked_until, new Date(until).toISOString())
  assert.match((await cli(['users', 'list'])).stdout, /bob.*locked until/)
  const unlocks = async () => {
    const audit = await cli([
      'audit',
      'query',
      '--type',
      'account.unlocked',
      '--actor',
      'cli',
      '--json',
    ])
    return (JSON.parse(audit.stdout) as { events: unknown[] }).events.length
  }
  const earlier = await unlocks()
  const unlocked = await cli(['users', 'unlock', 'bob', '--json'])
  assert.equal(unlocked.code, 0, unlocked.stderr)
  assert.equal((await bob()).locked_until, null)
  assert.equal((await bob()).failed_attempts, 0)
  assert.equal(await unlocks(), earlier + 1)
})

test('users error paths', async () => {
  const taken = await cli(['users', 'add', 'alice', '--json'])
  assert.equal(taken.code, 1)
  assert.equal((JSON.parse(taken.stdout) as { error: { code: string } }).error.code, 'ERR_CONFLICT')
  const weak = await cli(['users', 'add', 'carol', '--password-stdin'], 'short')
  assert.equal(weak.code, 2)
  assert.match(weak.stderr, /at least 8 characters/)
  const empty = await cli(['users', 'add', 'carol', '--password-stdin'], '')
  assert.equal(empty.code, 2)
  const missing = await cli(['users', 'unlock', 'nobody'])
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /no user "nobody".*tessera users list/)
  assert.equal((await cli(['users', 'list', '--tenant', 'nowhere'])).code, 1)
  assert.equal((await cli(['users', 'add'])).code, 2)
})

test('tenants add and list; a named tenant gets its own key and users', async () => {
  const added = await cli(['tenants', 'add', 'acme', '--json'])
  assert.equal(added.code, 0, added.stderr)
  assert.match(
    (JSON.parse(added.stdout) as { tenant: { issuer: string } }).tenant.issuer,
    /\/t\/acme$/,
  )
  const list = await cli(['tenants', 'list'])
  assert.match(list.stdout, /^acme\s/m)
  assert.match(list.stdout, /^default\s/m)
  const keys = await cli(['keys', 'list', '--tenant', 'acme', '--json'])
  assert.equal((JSON.parse(keys.stdout) as { keys: unknown[] }).keys.length, 1)
  const user = await cli(['users', 'add', 'alice', '--tenant', 'acme'])
  assert.equal(user.code, 0, 'the same name in another tenant')
  assert.equal((await cli(['tenants', 'add', 'acme'])).code, 1)
  const bad = await cli(['tenants', 'add', 'Not_Valid'])
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /lower-case letters/)
})
