// `tessera keys rewrap --new-key-stdin`: every private signing key re-encrypted under a new master
// key read from a pipe, with the key from TESSERA_MASTER_KEY or from the development key file. No
// key ever reaches the output.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { runCli, storeEnv } from './run.js'

const newKey = () => randomBytes(32).toString('base64url')

function folder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-rewrap-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

test('rewrap moves every signing key to the new master key; the old one no longer opens them', async (t) => {
  const env = storeEnv(folder(t))
  assert.equal((await runCli(['migrate'], env)).code, 0)
  assert.equal((await runCli(['keys', 'rotate'], env)).code, 0)
  const next = newKey()
  const result = await runCli(['keys', 'rewrap', '--new-key-stdin', '--json'], env, `${next}\n`)
  assert.equal(result.code, 0, result.stderr)
  const report = JSON.parse(result.stdout) as { ok: boolean; rewrapped: number; next: string }
  assert.equal(report.rewrapped, 2)
  assert.match(report.next, /TESSERA_MASTER_KEY/)
  for (const secret of [next, env.TESSERA_MASTER_KEY!]) {
    assert.ok(!(result.stdout + result.stderr).includes(secret))
  }
  // Rewrapping decrypts every key: with the old master key it fails, with the new one it works.
  const withOld = await runCli(['keys', 'rewrap', '--new-key-stdin'], env, newKey())
  assert.notEqual(withOld.code, 0)
  assert.ok(!(withOld.stdout + withOld.stderr).includes(env.TESSERA_MASTER_KEY!))
  const withNew = await runCli(
    ['keys', 'rewrap', '--new-key-stdin'],
    { ...env, TESSERA_MASTER_KEY: next },
    newKey(),
  )
  assert.equal(withNew.code, 0, withNew.stderr)
})

test('with the development key file, rewrap writes the new key into it', async (t) => {
  const dir = folder(t)
  const { TESSERA_MASTER_KEY: _unused, ...env } = storeEnv(dir)
  assert.equal((await runCli(['migrate'], env)).code, 0)
  const file = join(dir, 't.db.master-key')
  const next = newKey()
  const result = await runCli(['keys', 'rewrap', '--new-key-stdin'], env, next)
  assert.equal(result.code, 0, result.stderr)
  assert.equal(readFileSync(file, 'utf8').trim(), next)
  assert.equal(statSync(file).mode & 0o777, 0o600)
  assert.equal(existsSync(`${file}.new`), false)
  // The store opens with the file's new key.
  assert.equal((await runCli(['keys', 'rewrap', '--new-key-stdin'], env, newKey())).code, 0)
})

test('rewrap refuses a missing or malformed new key, and changes nothing', async (t) => {
  const env = storeEnv(folder(t))
  assert.equal((await runCli(['migrate'], env)).code, 0)
  const without = await runCli(['keys', 'rewrap'], env)
  assert.equal(without.code, 2)
  assert.match(without.stderr, /--new-key-stdin/)
  const malformed = await runCli(['keys', 'rewrap', '--new-key-stdin'], env, 'not a key')
  assert.equal(malformed.code, 2)
  assert.match(malformed.stderr, /43 characters/)
  assert.ok(!malformed.stderr.includes('not a key'))
  // The current key still opens every signing key.
  assert.equal((await runCli(['keys', 'rewrap', '--new-key-stdin'], env, newKey())).code, 0)
})
