import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MasterKey } from '@tessera/tokens'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { ADMIN_PASSWORD, bearer, fastPasswords, login, testApp } from './support.js'

test('an empty database gets the default tenant, its signing key and an admin', async (t) => {
  const { app, stderr, logs } = await testApp(t)
  const jwks = await app.inject('/.well-known/jwks.json')
  assert.equal(jwks.json<{ keys: unknown[] }>().keys.length, 1)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  const me = await app.inject({ url: '/auth/me', headers: bearer(admin.access_token) })
  assert.deepEqual(me.json<{ roles: string[] }>().roles, ['admin'])
  assert.equal(me.json<{ tenant: string }>().tenant, 'default')
  assert.deepEqual(stderr, [], 'a given password is not printed')
  assert.ok(logs.some((line) => line.includes('created the administrator')))
})

test('without TESSERA_ADMIN_PASSWORD, a random password is printed once to stderr, never logged', async (t) => {
  const env = { TESSERA_ADMIN_PASSWORD: '' }
  const { app, stderr, logs, config, dir } = await testApp(t, env)
  assert.equal(stderr.length, 1)
  const password = /\n {4}(\S+)\n/.exec(stderr[0]!)![1]!
  assert.ok(password.length >= 20)
  await login(app, 'admin', password)
  assert.ok(!logs.join('').includes(password))
  await app.close()
  // A second start on the same database: the admin exists, nothing is printed.
  const again: string[] = []
  const second = await buildApp(config, {
    passwords: fastPasswords(),
    logStream: { write: () => {} },
    stderr: { write: (text: string) => again.push(text) },
  })
  t.after(() => second.close())
  assert.deepEqual(again, [])
  await login(second, 'admin', password)
  assert.ok(dir)
})

test("the default tenant takes the environment's settings at every start", async (t) => {
  const { app, config, env } = await testApp(t, { TESSERA_ACCESS_TOKEN_TTL: '10m' })
  assert.equal((await login(app, 'admin', ADMIN_PASSWORD)).expires_in, 600)
  await app.close()
  const changed = loadConfig({ ...env, TESSERA_ACCESS_TOKEN_TTL: '2m' })
  const second = await buildApp(changed, { passwords: fastPasswords(), logStream: { write() {} } })
  t.after(() => second.close())
  assert.equal((await login(second, 'admin', ADMIN_PASSWORD)).expires_in, 120)
  assert.ok(config)
})

test('a master key that does not open the stored signing keys stops the start, saying so', async (t) => {
  const { app, env } = await testApp(t)
  await app.close()
  const wrong = loadConfig({ ...env, TESSERA_MASTER_KEY: MasterKey.generate() })
  await assert.rejects(
    buildApp(wrong, { passwords: fastPasswords(), logStream: { write() {} } }),
    /master key does not decrypt the signing keys/,
  )
})
