// The log of a full scenario, at the most verbose level, holds none of the secrets the scenario used:
// passwords, access tokens, refresh tokens, API keys or the master key.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PASSWORD } from '../support.js'
import { liveServer } from './server.js'

test('no secret reaches the log', async (t) => {
  const server = await liveServer(t, { TESSERA_LOG_LEVEL: 'trace', TESSERA_ADMIN_PASSWORD: '' })
  const { call, logs, stderr, env } = server
  const secrets: string[] = [env.TESSERA_MASTER_KEY!, PASSWORD, 'the new password of alice']
  const adminPassword = /\n {4}(\S+)\n/.exec(stderr.join(''))![1]!
  secrets.push(adminPassword)
  const keep = (...values: unknown[]) => {
    for (const value of values) if (typeof value === 'string') secrets.push(value)
  }

  const admin = await call('POST', '/auth/login', {
    json: { username: 'admin', password: adminPassword },
  })
  keep(admin.body.access_token, admin.body.refresh_token)
  const token = admin.body.access_token as string
  await call('POST', '/admin/users', { token, json: { username: 'alice', password: PASSWORD } })
  const key = await call('POST', '/admin/api-keys', {
    token,
    json: { name: 'rs', scopes: ['introspect'] },
  })
  keep(key.body.key)
  const alice = await call('POST', '/oauth/token', {
    form: { grant_type: 'password', username: 'alice', password: PASSWORD },
  })
  keep(alice.body.access_token, alice.body.refresh_token)
  const next = await call('POST', '/auth/refresh', {
    json: { refresh_token: alice.body.refresh_token },
  })
  keep(next.body.access_token, next.body.refresh_token)
  await call('POST', '/auth/refresh', { json: { refresh_token: alice.body.refresh_token } })
  await call('POST', '/oauth/introspect', {
    form: { token: next.body.access_token as string },
    headers: { authorization: `Bearer ${key.body.key}` },
  })
  // Secrets where they do not belong: a query string, a broken JSON body, a wrong password.
  await call('GET', `/auth/validate?access_token=${next.body.access_token}`)
  await call('POST', '/auth/login', {
    headers: { 'content-type': 'application/json' },
    json: undefined,
    form: undefined,
  })
  await fetch(`${server.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: `{"username":"alice","password":"${PASSWORD}"`,
  })
  await call('POST', '/auth/login', {
    json: { username: 'alice', password: 'the wrong one, a secret too' },
  })
  secrets.push('the wrong one, a secret too')
  await call('POST', '/auth/password', {
    token: next.body.access_token as string,
    json: { current_password: PASSWORD, new_password: 'the new password of alice' },
  })
  await call('POST', '/oauth/revoke', { form: { token: next.body.refresh_token as string } })
  await call('GET', '/auth/me', { token: `${next.body.access_token}` })
  await call('GET', '/admin/audit/export', { token })

  const log = logs.join('')
  assert.ok(logs.length > 30, 'the scenario was logged')
  assert.match(log, /"authorization":"\[redacted\]"|\?\[redacted\]/, 'redaction was exercised')
  for (const secret of secrets) {
    assert.ok(secret.length >= 8)
    assert.ok(!log.includes(secret), `a secret of ${secret.length} characters is in the log`)
    // Tokens also leave no recognizable piece (a JWT's signature, a key's secret half).
    const tail = secret.slice(-16)
    assert.ok(!log.includes(tail), 'no piece of a secret is in the log')
  }
})
