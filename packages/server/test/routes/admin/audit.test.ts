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
  // A bad export is refused before it starts: a JSON error, labelled as one. (A leap second is a
  // date-time to the schema, and no time to Date.parse: the library refuses it.)
  const badExport = await get('/admin/audit/export?from=2016-12-31T23:59:60Z')
  assertError(badExport, 400, 'ERR_INVALID_INPUT')
  assert.match(String(badExport.headers['content-type']), /^application\/json/)
  const empty = await get(
    `/admin/audit/export?from=${new Date(Date.now() + 3_600_000).toISOString()}`,
  )
  assert.equal(empty.statusCode, 200)
  assert.match(String(empty.headers['content-type']), /application\/x-ndjson/)
  assert.equal(empty.body, '')
})

test('audit query and export apply every filter: actor, user, session, jti, ip, from and to', async (t) => {
  const { app, clock } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  const start = new Date(clock.now).toISOString()
  clock.advance(60_000)
  const later = new Date(clock.now).toISOString()
  // Events with every field: a login from another address, its access token revoked (jti), its
  // session ended.
  const other = (
    await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
      remoteAddress: '192.0.2.7',
    })
  ).json()
  const revoked = await app.inject({
    method: 'POST',
    url: '/auth/revoke',
    payload: { token: other.access_token },
  })
  assert.equal(revoked.statusCode, 200, revoked.body)
  const ended = await app.inject({
    method: 'POST',
    url: '/auth/logout',
    payload: { refresh_token: other.refresh_token },
  })
  assert.equal(ended.statusCode < 300, true, ended.body)
  const get = (url: string) => app.inject({ url, headers: bearer(admin.access_token) })
  type Event = Record<string, string | null>
  const all: Event[] = (await get('/admin/audit?limit=1000')).json().events
  const fields = ['actor', 'user_id', 'session_id', 'jti', 'ip'] as const
  for (const field of fields) {
    const values = new Set(all.map((e) => e[field]).filter((v): v is string => v !== null))
    assert.ok(values.size > 0, `some event has a ${field}`)
    for (const value of values) {
      const query = `${field}=${encodeURIComponent(value)}`
      const expected = all.filter((e) => e[field] === value).map((e) => e.id)
      const events: Event[] = (await get(`/admin/audit?${query}&limit=1000`)).json().events
      assert.deepEqual(
        events.map((e) => e.id),
        expected,
        query,
      )
      const exported = (await get(`/admin/audit/export?${query}`)).body.trim().split('\n')
      assert.equal(exported.length, expected.length, `export ${query}`)
    }
    const none = (await get(`/admin/audit?${field}=nothing-has-this`)).json().events
    assert.deepEqual(none, [], `${field} with no match`)
  }
  const count = async (query: string) => (await get(`/admin/audit?${query}`)).json().events.length
  const early = all.filter((e) => e.time === start).length
  assert.ok(early > 0 && early < all.length)
  assert.equal(await count(`to=${start}`), 0, 'to is exclusive')
  assert.equal(await count(`to=${later}`), early)
  assert.equal(await count(`from=${later}`), all.length - early, 'from is inclusive')
  assert.equal(await count(`from=${start}&to=${later}`), early)
})

test('audit events record the client IP (X-Forwarded-For from trusted proxies only) and user agent', async (t) => {
  const ipOf = async (env: Record<string, string>) => {
    const { app } = await testApp(t, env)
    const res = await app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'x-forwarded-for': '203.0.113.9', 'user-agent': 'audit-agent/1.0' },
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    })
    const events = (
      await app.inject({
        url: '/admin/audit?type=login.succeeded',
        headers: bearer(res.json().access_token),
      })
    ).json().events
    assert.equal(events.length, 1)
    assert.equal(events[0].user_agent, 'audit-agent/1.0')
    return events[0].ip
  }
  assert.equal(await ipOf({}), '127.0.0.1')
  assert.equal(await ipOf({ TESSERA_TRUSTED_PROXIES: 'loopback' }), '203.0.113.9')
  assert.equal(await ipOf({ TESSERA_TRUSTED_PROXIES: '10.0.0.0/8' }), '127.0.0.1')
})
