import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD, assertError, bearer, login, testApp } from '../../support.js'

test('audit query filters by type and severity; export is NDJSON; the chain verifies', async (t) => {
  const { app } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  await app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { username: 'admin', password: 'bad bad bad' },
  })
  const get = (url: string) => app.inject({ url, headers: bearer(admin.access_token) })
  const failed = (await get('/admin/audit?type=login.failed')).json()
  assert.equal(failed.events.length, 1)
  assert.equal(failed.events[0].severity, 'warning')
  assert.equal(failed.events[0].details.reason, 'bad_password')
  const several = (await get('/admin/audit?type=login.failed&type=login.succeeded')).json()
  assert.equal(several.events.length, 2)
  const warnings = (await get('/admin/audit?severity=warning&limit=1')).json()
  assert.equal(warnings.events.length, 1)
  const since = (
    await get(`/admin/audit?from=${new Date(Date.now() + 3_600_000).toISOString()}`)
  ).json()
  assert.equal(since.events.length, 0)
  const exported = await get('/admin/audit/export?type=login.failed&type=login.succeeded')
  assert.equal(exported.statusCode, 200)
  assert.match(String(exported.headers['content-type']), /application\/x-ndjson/)
  const lines = exported.body
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
  assert.equal(lines.length, 2)
  assert.deepEqual(lines.map((e) => e.type).sort(), ['login.failed', 'login.succeeded'])
  const verified = (await get('/admin/audit/verify')).json()
  assert.equal(verified.ok, true)
  assert.ok(verified.checked > 3)
  assertError(await get('/admin/audit?type=not.a.type'), 400, 'ERR_INVALID_INPUT')
  assertError(await get('/admin/audit?from=yesterday'), 400, 'ERR_INVALID_INPUT')
})
