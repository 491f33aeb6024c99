import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ADMIN_PASSWORD,
  assertError,
  bearer,
  createUser,
  login,
  PASSWORD,
  testApp,
} from '../support.js'

const NEW_PASSWORD = 'a brand new password'

test('me returns the user, without any password hash', async (t) => {
  const { app } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  await createUser(app, admin.access_token, {
    username: 'Carol',
    roles: ['viewer'],
    scopes: ['read'],
  })
  const carol = await login(app, 'carol', PASSWORD)
  const me = await app.inject({ url: '/auth/me', headers: bearer(carol.access_token) })
  const body = me.json()
  assert.equal(body.username, 'carol')
  assert.deepEqual(body.roles, ['viewer'])
  assert.deepEqual(body.scopes, ['read'])
  assert.equal(body.session_id, carol.session_id)
  assert.doesNotMatch(me.body, /argon2|password_hash|passwordHash/)
})

test('a password change keeps this session, ends the others, and swaps the passwords', async (t) => {
  const { app } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  await createUser(app, admin.access_token, { username: 'dave' })
  const here = await login(app, 'dave', PASSWORD)
  const there = await login(app, 'dave', PASSWORD)
  const change = (current: string) =>
    app.inject({
      method: 'POST',
      url: '/auth/password',
      headers: bearer(here.access_token),
      payload: { current_password: current, new_password: NEW_PASSWORD },
    })
  assertError(await change('wrong wrong wrong'), 401, 'ERR_INVALID_CREDENTIALS')
  assert.deepEqual((await change(PASSWORD)).json(), { sessions_ended: 1 })
  assert.equal(
    (await app.inject({ url: '/auth/me', headers: bearer(here.access_token) })).statusCode,
    200,
  )
  assertError(
    await app.inject({ url: '/auth/me', headers: bearer(there.access_token) }),
    401,
    'ERR_TOKEN_REVOKED',
  )
  await login(app, 'dave', NEW_PASSWORD)
  const old = await app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { username: 'dave', password: PASSWORD },
  })
  assertError(old, 401, 'ERR_INVALID_CREDENTIALS')
  const weak = await app.inject({
    method: 'POST',
    url: '/auth/password',
    headers: bearer(here.access_token),
    payload: { current_password: NEW_PASSWORD, new_password: 'short' },
  })
  assertError(weak, 400, 'ERR_INVALID_INPUT')
})

test("the audit log shows the caller's own events only, newest first, in pages", async (t) => {
  const { app } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  await createUser(app, admin.access_token, { username: 'erin' })
  const erin = await login(app, 'erin', PASSWORD)
  await login(app, 'erin', PASSWORD)
  const page = await app.inject({
    url: '/auth/audit-log?limit=2',
    headers: bearer(erin.access_token),
  })
  const body = page.json<{ events: { type: string; user_id: string }[]; next_cursor: string }>()
  assert.equal(body.events.length, 2)
  assert.ok(body.next_cursor)
  const me = (await app.inject({ url: '/auth/me', headers: bearer(erin.access_token) })).json().id
  const all = await app.inject({ url: '/auth/audit-log', headers: bearer(erin.access_token) })
  const events = all.json<{ events: { type: string; user_id: string }[] }>().events
  assert.ok(events.every((event) => event.user_id === me))
  assert.ok(events.some((event) => event.type === 'login.succeeded'))
  const next = await app.inject({
    url: `/auth/audit-log?limit=2&cursor=${encodeURIComponent(body.next_cursor)}`,
    headers: bearer(erin.access_token),
  })
  assert.equal(next.statusCode, 200)
  const bad = await app.inject({
    url: '/auth/audit-log?limit=5000',
    headers: bearer(erin.access_token),
  })
  assertError(bad, 400, 'ERR_INVALID_INPUT')
  const garbage = await app.inject({
    url: '/auth/audit-log?cursor=zzz',
    headers: bearer(erin.access_token),
  })
  assertError(garbage, 400, 'ERR_INVALID_INPUT')
})
