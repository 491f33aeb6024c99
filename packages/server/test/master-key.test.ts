import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { jwk } from '@tessera/jose'
import { MasterKey } from '@tessera/tokens'
import { loadConfig } from '../src/config.js'
import { masterKeyFile, resolveMasterKey } from '../src/master-key.js'

function dir(t: TestContext): string {
  const path = mkdtempSync(join(tmpdir(), 'tessera-key-'))
  t.after(() => rmSync(path, { recursive: true, force: true }))
  return path
}

test('TESSERA_MASTER_KEY is used as it is, with no warning and no file', (t) => {
  const database = join(dir(t), 'tessera.db')
  const config = loadConfig({
    TESSERA_DATABASE_URL: database,
    TESSERA_MASTER_KEY: MasterKey.generate(),
  })
  const warnings: string[] = []
  assert.equal(resolveMasterKey(config, (w) => warnings.push(w)).origin, 'environment')
  assert.deepEqual(warnings, [])
  assert.throws(() => statSync(`${database}.master-key`), { code: 'ENOENT' })
})

test('without it, a key file with mode 0600 is made beside the database, then reused', (t) => {
  const database = join(dir(t), 'tessera.db')
  const config = loadConfig({ TESSERA_DATABASE_URL: database })
  const warnings: string[] = []
  const first = resolveMasterKey(config, (w) => warnings.push(w))
  assert.equal(first.origin, 'new-file')
  assert.equal(first.file, masterKeyFile(config))
  assert.equal(statSync(first.file!).mode & 0o777, 0o600)
  assert.match(warnings[0]!, /TESSERA_MASTER_KEY is not set: created .*mode 0600/)
  const text = readFileSync(first.file!, 'utf8').trim()
  assert.doesNotMatch(warnings.join('\n'), new RegExp(text), 'the key is never in a warning')
  const second = resolveMasterKey(config, (w) => warnings.push(w))
  assert.equal(second.origin, 'file')
  const sealed = first.key.wrap(jwk.generate('ES256'))
  assert.ok(second.key.unwrap(sealed, 'ES256'), 'the same key')
})

test('a key file others can read, or one without a key, is refused', (t) => {
  const database = join(dir(t), 'tessera.db')
  const config = loadConfig({ TESSERA_DATABASE_URL: database })
  writeFileSync(`${database}.master-key`, `${MasterKey.generate()}\n`, { mode: 0o644 })
  chmodSync(`${database}.master-key`, 0o644)
  assert.throws(() => resolveMasterKey(config, () => {}), /readable by others; chmod 600/)
  writeFileSync(`${database}.master-key`, 'nonsense\n', { mode: 0o600 })
  chmodSync(`${database}.master-key`, 0o600)
  assert.throws(() => resolveMasterKey(config, () => {}), /does not hold a master key/)
})

test('an in-memory database gets a throw-away key, with a warning', () => {
  const warnings: string[] = []
  const config = loadConfig({ TESSERA_DATABASE_URL: ':memory:' })
  assert.equal(resolveMasterKey(config, (w) => warnings.push(w)).origin, 'ephemeral')
  assert.equal(warnings.length, 1)
})
