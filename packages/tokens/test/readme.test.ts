// The README's embedding example, as written (but for the file name and the master key source).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import {
  Accounts,
  createSqlStorage,
  KeyManager,
  MasterKey,
  openSqlite,
  Tenants,
  TokenService,
} from '../src/index.js'
import { sqliteStorage } from './support.js'

test('the README example embeds the service in ten lines', async (t) => {
  const { file } = await sqliteStorage(t)
  const TESSERA_MASTER_KEY = MasterKey.generate()
  const storage = await createSqlStorage(openSqlite({ driver: Database, filename: file }))
  t.after(() => storage.close())
  const tenants = new Tenants(storage)
  const keys = new KeyManager({ storage, tenants, masterKey: new MasterKey(TESSERA_MASTER_KEY) })
  const accounts = new Accounts({
    storage,
    onRevoked: (r) => r.forEach((x) => service.revocations.apply(x)),
  })
  const service = new TokenService({ storage, tenants, keys, authenticator: accounts })
  await service.start()
  const { id: tenantId } = await tenants.create('acme', { issuer: 'https://id.acme.example' })
  await accounts.createUser({ tenantId, username: 'ada', password: 'correct horse battery staple' })
  const pair = await service.login({
    tenantId,
    username: 'ada',
    password: 'correct horse battery staple',
  })
  const claims = await service.validate(pair.accessToken, { tenantId })
  assert.equal(claims.iss, 'https://id.acme.example')

  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const example = readme.slice(
    readme.indexOf('```ts'),
    readme.indexOf('```', readme.indexOf('```ts') + 5),
  )
  const body = example
    .split('\n')
    .filter((line) => line.startsWith('const ') || line.startsWith('await '))
  assert.equal(body.length, 10, 'ten lines after the imports')
  assert.match(example, /service\.login\(\{ tenantId, username: 'ada'/)
})
