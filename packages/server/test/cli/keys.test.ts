// `tessera migrate` and `tessera keys list|rotate|revoke`, driven as child processes on a temp
// SQLite file, configured through TESSERA_* variables as `serve` is.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { runCli, storeEnv } from './run.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-keys-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const base = storeEnv(dir)
const cli = (args: readonly string[], env: Record<string, string> = {}) =>
  runCli(args, { ...base, ...env })

interface KeyRow {
  kid: string
  state: string
}

const listKeys = async (): Promise<KeyRow[]> => {
  const result = await cli(['keys', 'list', '--json'])
  assert.equal(result.code, 0, result.stderr)
  return (JSON.parse(result.stdout) as { keys: KeyRow[] }).keys
}

test('store commands refuse a missing database and point at tessera migrate (78)', async () => {
  const result = await cli(['keys', 'list'])
  assert.equal(result.code, 78)
  assert.match(result.stderr, /no database at .*tessera migrate/)
})

test('migrate creates the database with the default tenant and its first key', async () => {
  const result = await cli(['migrate', '--json'])
  assert.equal(result.code, 0, result.stderr)
  assert.deepEqual(JSON.parse(result.stdout), { ok: true, database: join(dir, 't.db') })
  assert.doesNotMatch(result.stdout + result.stderr, /a fine admin password/)
  assert.equal((await cli(['migrate'])).code, 0, 'migrate runs again harmlessly')
  const keys = await listKeys()
  assert.equal(keys.length, 1)
  assert.equal(keys[0]!.state, 'active')
  assert.doesNotMatch(JSON.stringify(keys), /privateJwe|"d"/)
})

test('keys rotate adds a next key; keys revoke removes one', async () => {
  const rotated = await cli(['keys', 'rotate', '--json'])
  assert.equal(rotated.code, 0, rotated.stderr)
  const { kid } = JSON.parse(rotated.stdout) as { kid: string }
  const keys = await listKeys()
  assert.deepEqual(keys.find((k) => k.kid === kid)?.state, 'next')
  const human = await cli(['keys', 'list'])
  assert.match(human.stdout, new RegExp(`${kid}\\s+ES256\\s+next`))
  const revoked = await cli(['keys', 'revoke', kid, '--yes'])
  assert.equal(revoked.code, 0, revoked.stderr)
  assert.match(revoked.stdout, /revoked/)
  assert.equal((await listKeys()).find((k) => k.kid === kid)?.state, 'revoked')
})

test('keys error paths: confirmation, unknown key or tenant, bad configuration', async () => {
  const unconfirmed = await cli(['keys', 'revoke', 'some-kid'])
  assert.equal(unconfirmed.code, 2)
  assert.match(unconfirmed.stderr, /--yes/)
  const unknown = await cli(['keys', 'revoke', 'no-such-kid', '--yes', '--json'])
  assert.equal(unknown.code, 1)
  assert.equal(
    (JSON.parse(unknown.stdout) as { error: { code: string } }).error.code,
    'ERR_NOT_FOUND',
  )
  const tenant = await cli(['keys', 'list', '--tenant', 'nobody'])
  assert.equal(tenant.code, 1)
  assert.match(tenant.stderr, /no tenant "nobody"/)
  const badPort = await cli(['keys', 'list'], { TESSERA_PORT: 'eighty' })
  assert.equal(badPort.code, 78)
  assert.match(badPort.stderr, /TESSERA_PORT/)
  const wrongKey = await cli(['keys', 'list'], {
    TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
  })
  assert.equal(wrongKey.code, 78)
  assert.match(wrongKey.stderr, /set TESSERA_MASTER_KEY to the key this database was created with/)
  assert.doesNotMatch(wrongKey.stderr, new RegExp(base.TESSERA_MASTER_KEY!))
  assert.equal((await cli(['keys', 'revoke'])).code, 2, 'missing argument')
  assert.equal((await cli(['keys', '--help'])).code, 0)
})
