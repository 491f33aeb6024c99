// Each rate-limit profile the README lists is applied by the server, from its TESSERA_ variable:
// logins per IP, refreshes per session, authenticated requests per client, admin calls per admin.
// (Logins per account: plugins/error-handler.test.ts.) Each refusal is 429 ERR_RATE_LIMITED with
// Retry-After, counted by profile, and audited.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { ADMIN_PASSWORD, assertError, bearer, login, testApp } from '../support.js'

async function limitedApp(t: test.TestContext, variable: string) {
  const setup = await testApp(t, { [variable]: '2/1m' })
  const assertLimited = async (res: LightMyRequestResponse, profile: string) => {
    assertError(res, 429, 'ERR_RATE_LIMITED', 'slow_down')
    assert.ok(Number(res.headers['retry-after']) > 0, `${profile}: Retry-After`)
    const metrics = (await setup.app.inject('/metrics')).body
    assert.match(metrics, new RegExp(`tessera_rate_limited_total\\{profile="${profile}"\\} 1`))
  }
  return { ...setup, assertLimited }
}

test('TESSERA_RATE_LIMIT_LOGIN_PER_IP limits logins from one address, whoever logs in', async (t) => {
  const { app, assertLimited } = await limitedApp(t, 'TESSERA_RATE_LIMIT_LOGIN_PER_IP')
  const attempt = (username: string, remoteAddress = '192.0.2.1') =>
    app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { username, password: 'not the password' },
      remoteAddress,
    })
  await attempt('ann')
  await attempt('bob')
  await assertLimited(await attempt('cat'), 'loginPerIp')
  assert.equal((await attempt('cat', '192.0.2.2')).statusCode, 401, 'another address')
})

test('TESSERA_RATE_LIMIT_REFRESH_PER_SESSION limits refreshes of one session', async (t) => {
  const { app, assertLimited } = await limitedApp(t, 'TESSERA_RATE_LIMIT_REFRESH_PER_SESSION')
  let tokens = await login(app, 'admin', ADMIN_PASSWORD)
  const refresh = () =>
    app.inject({
      method: 'POST',
      url: '/auth/refresh',
      payload: { refresh_token: tokens.refresh_token },
    })
  for (let i = 0; i < 2; i++) {
    const res = await refresh()
    assert.equal(res.statusCode, 200, res.body)
    tokens = res.json()
  }
  await assertLimited(await refresh(), 'refreshPerSession')
  const other = await login(app, 'admin', ADMIN_PASSWORD)
  const fresh = await app.inject({
    method: 'POST',
    url: '/auth/refresh',
    payload: { refresh_token: other.refresh_token },
  })
  assert.equal(fresh.statusCode, 200, 'another session')
})

test('TESSERA_RATE_LIMIT_VALIDATE_PER_CLIENT limits authenticated requests per client', async (t) => {
  const { app, assertLimited } = await limitedApp(t, 'TESSERA_RATE_LIMIT_VALIDATE_PER_CLIENT')
  const { access_token } = await login(app, 'admin', ADMIN_PASSWORD)
  const validate = () => app.inject({ url: '/auth/validate', headers: bearer(access_token) })
  assert.equal((await validate()).statusCode, 200)
  assert.equal((await validate()).statusCode, 200)
  await assertLimited(await validate(), 'validatePerClient')
})

test('TESSERA_RATE_LIMIT_ADMIN limits admin API calls per admin, and audits the refusal', async (t) => {
  const { app, assertLimited } = await limitedApp(t, 'TESSERA_RATE_LIMIT_ADMIN')
  const { access_token } = await login(app, 'admin', ADMIN_PASSWORD)
  const created = await app.inject({
    method: 'POST',
    url: '/admin/api-keys',
    headers: bearer(access_token),
    payload: { name: 'ops', scopes: ['admin'] },
  })
  assert.equal(created.statusCode, 201, created.body)
  const list = () => app.inject({ url: '/admin/users', headers: bearer(access_token) })
  assert.equal((await list()).statusCode, 200)
  await assertLimited(await list(), 'adminApi')
  assert.equal(
    (await app.inject({ url: '/auth/me', headers: bearer(access_token) })).statusCode,
    200,
  )
  // Another admin (an API key) has its own allowance, and finds the refusal in the audit log.
  const audit = await app.inject({
    url: '/admin/audit?type=rate_limit.exceeded',
    headers: bearer(created.json().key),
  })
  assert.equal(audit.statusCode, 200, audit.body)
  const [event] = audit.json().events
  assert.equal(event.details.profile, 'adminApi')
})
