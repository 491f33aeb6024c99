import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createSqlStorage, openSqlite } from '@tessera/tokens'
import Database from 'better-sqlite3'
import { ADMIN_PASSWORD, login, testApp } from '../support.js'

test('health and ready answer ok', async (t) => {
  const { app } = await testApp(t)
  assert.deepEqual((await app.inject('/health')).json(), { status: 'ok' })
  const ready = await app.inject('/ready')
  assert.equal(ready.statusCode, 200)
  assert.deepEqual(ready.json(), { status: 'ok', checks: { store: 'ok', keys: 'ok' } })
})

test('ready is 503 when the store cannot be reached', async (t) => {
  const storage = await createSqlStorage(openSqlite({ driver: Database, filename: ':memory:' }))
  const { app } = await testApp(t, {}, { storage })
  await storage.close()
  const ready = await app.inject('/ready')
  assert.equal(ready.statusCode, 503)
  assert.equal(ready.json().status, 'unavailable')
  assert.equal(ready.json().checks.store, 'failing')
})

test('metrics count requests by route and token operations', async (t) => {
  const { app } = await testApp(t)
  await login(app, 'admin', ADMIN_PASSWORD)
  await app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { username: 'admin', password: 'nope nope' },
  })
  const res = await app.inject('/metrics')
  assert.equal(res.statusCode, 200)
  assert.match(String(res.headers['content-type']), /^text\/plain/)
  assert.match(
    res.body,
    /tessera_http_requests_total\{method="POST",route="\/auth\/login",status_code="200"\} 1/,
  )
  assert.match(
    res.body,
    /tessera_http_request_duration_seconds_bucket\{le="0.001",method="POST",route="\/auth\/login"\}/,
  )
  assert.match(res.body, /tessera_tokens_issued_total\{grant="password"\} 1/)
  assert.match(res.body, /tessera_logins_failed_total\{reason="bad_password"\} 1/)
  assert.match(res.body, /tessera_token_operation_seconds_count\{op="login"\} 1/)
  assert.match(res.body, /tessera_process_cpu_seconds_total/)
})

test('the OpenAPI document describes every route, root and tenant, with schemas', async (t) => {
  const { app } = await testApp(t)
  const doc = (await app.inject('/openapi.json')).json()
  assert.equal(doc.openapi, '3.1.0')
  for (const path of [
    '/auth/login',
    '/t/{tenant}/auth/login',
    '/oauth/token',
    '/oauth/introspect',
    '/.well-known/jwks.json',
    '/admin/users/{id}',
    '/health',
  ]) {
    assert.ok(doc.paths[path], path)
  }
  const login = doc.paths['/t/{tenant}/auth/login'].post
  assert.ok(login.requestBody.content['application/json'].schema.properties.password)
  assert.ok(login.parameters.some((p: { name: string }) => p.name === 'tenant'))
  assert.ok(
    !doc.paths['/auth/login'].post.parameters?.some((p: { name: string }) => p.name === 'tenant'),
  )
  assert.ok(login.responses['200'])
})
