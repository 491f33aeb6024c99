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

async function withAlice(t: Parameters<typeof testApp>[0]) {
  const setup = await testApp(t)
  const admin = await login(setup.app, 'admin', ADMIN_PASSWORD)
  const id = await createUser(setup.app, admin.access_token, { username: 'alice' })
  return { ...setup, admin, id }
}

test('logout ends this session only; its tokens stop working', async (t) => {
  const { app } = await withAlice(t)
  const laptop = await login(app, 'alice', PASSWORD)
  const phone = await login(app, 'alice', PASSWORD)
  const out = await app.inject({
    method: 'POST',
    url: '/auth/logout',
    headers: bearer(laptop.access_token),
  })
  assert.deepEqual(out.json(), { sessions_ended: 1 })
  assertError(
    await app.inject({ url: '/auth/me', headers: bearer(laptop.access_token) }),
    401,
    'ERR_TOKEN_REVOKED',
  )
  const again = await app.inject({
    method: 'POST',
    url: '/auth/refresh',
    payload: { refresh_token: laptop.refresh_token },
  })
  assertError(again, 401, 'ERR_TOKEN_REVOKED')
  assert.equal(
    (await app.inject({ url: '/auth/me', headers: bearer(phone.access_token) })).statusCode,
    200,
  )
})

test('logout by refresh token works when the access token is gone', async (t) => {
  const { app } = await withAlice(t)
  const pair = await login(app, 'alice', PASSWORD)
  const out = await app.inject({
    method: 'POST',
    url: '/auth/logout',
    payload: { refresh_token: pair.refresh_token },
  })
  assert.deepEqual(out.json(), { sessions_ended: 1 })
  const me = await app.inject({ url: '/auth/me', headers: bearer(pair.access_token) })
  assertError(me, 401, 'ERR_TOKEN_REVOKED')
  const none = await app.inject({ method: 'POST', url: '/auth/logout' })
  assertError(none, 401, 'ERR_TOKEN_INVALID')
  assert.equal(none.headers['www-authenticate'], 'Bearer realm="default"')
})

test('logout-all ends every session and revokes every token', async (t) => {
  const { app, clock } = await withAlice(t)
  const a = await login(app, 'alice', PASSWORD)
  const b = await login(app, 'alice', PASSWORD)
  const out = await app.inject({
    method: 'POST',
    url: '/auth/logout-all',
    headers: bearer(b.access_token),
  })
  assert.deepEqual(out.json(), { sessions_ended: 2 })
  for (const pair of [a, b]) {
    assertError(
      await app.inject({ url: '/auth/me', headers: bearer(pair.access_token) }),
      401,
      'ERR_TOKEN_REVOKED',
    )
  }
  // A login after it works (a millisecond after: in the cut-off's own, a session's order is
  // unknown, and its token is refused).
  clock.advance(1)
  const fresh = await login(app, 'alice', PASSWORD)
  assert.equal(
    (await app.inject({ url: '/auth/me', headers: bearer(fresh.access_token) })).statusCode,
    200,
  )
})

test("sessions are listed, the current one marked; one can be ended, not another user's", async (t) => {
  const { app, admin } = await withAlice(t)
  const a = await login(app, 'alice', PASSWORD)
  const b = await login(app, 'alice', PASSWORD)
  const list = await app.inject({ url: '/auth/sessions', headers: bearer(a.access_token) })
  const sessions = list.json<{ sessions: { id: string; current: boolean }[] }>().sessions
  assert.equal(sessions.length, 2)
  assert.deepEqual(
    sessions.filter((s) => s.current).map((s) => s.id),
    [a.session_id],
  )
  const end = await app.inject({
    method: 'DELETE',
    url: `/auth/sessions/${b.session_id}`,
    headers: bearer(a.access_token),
  })
  assert.deepEqual(end.json(), { sessions_ended: 1 })
  assertError(
    await app.inject({ url: '/auth/me', headers: bearer(b.access_token) }),
    401,
    'ERR_TOKEN_REVOKED',
  )
  const theirs = await app.inject({
    method: 'DELETE',
    url: `/auth/sessions/${admin.session_id}`,
    headers: bearer(a.access_token),
  })
  assertError(theirs, 404, 'ERR_NOT_FOUND')
})
