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
} from '../../support.js'

test('default-tenant admins create, list, read and configure tenants', async (t) => {
  const { app } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: bearer(admin.access_token),
      ...(payload ? { payload } : {}),
    })
  const created = await call('POST', '/admin/tenants', {
    name: 'acme',
    settings: { access_token_ttl: 300 },
  })
  assert.equal(created.statusCode, 201, created.body)
  assert.equal(created.json().issuer, 'http://tessera.test/t/acme')
  assert.equal(created.json().settings.access_token_ttl, 300)
  assert.deepEqual(
    (await call('GET', '/admin/tenants'))
      .json()
      .tenants.map((x: { name: string }) => x.name)
      .sort(),
    ['acme', 'default'],
  )
  const patched = await call('PATCH', '/admin/tenants/acme', { max_login_attempts: 9 })
  assert.equal(patched.json().settings.max_login_attempts, 9)
  assertError(await call('POST', '/admin/tenants', { name: 'acme' }), 409, 'ERR_CONFLICT')
  assertError(await call('POST', '/admin/tenants', { name: 'Not Valid' }), 400, 'ERR_INVALID_INPUT')
  assertError(await call('GET', '/admin/tenants/nope'), 404, 'ERR_NOT_FOUND')
  assertError(
    await call('PATCH', '/admin/tenants/default', { max_login_attempts: 9 }),
    400,
    'ERR_INVALID_INPUT',
  )
  // A default-tenant admin administers the users of another tenant too.
  const id = await createUser(app, admin.access_token, { username: 'kim' }, '/t/acme')
  assert.equal((await login(app, 'kim', PASSWORD, '/t/acme')).expires_in, 300)
  assert.ok(id)
})

test("a named tenant's admin manages that tenant only, and never the tenants", async (t) => {
  const { app } = await testApp(t)
  const root = await login(app, 'admin', ADMIN_PASSWORD)
  await app.inject({
    method: 'POST',
    url: '/admin/tenants',
    headers: bearer(root.access_token),
    payload: { name: 'acme' },
  })
  await app.inject({
    method: 'POST',
    url: '/admin/tenants',
    headers: bearer(root.access_token),
    payload: { name: 'beta' },
  })
  await createUser(app, root.access_token, { username: 'boss', roles: ['admin'] }, '/t/acme')
  const boss = await login(app, 'boss', PASSWORD, '/t/acme')
  assert.equal(
    (await app.inject({ url: '/t/acme/admin/users', headers: bearer(boss.access_token) }))
      .statusCode,
    200,
  )
  const elsewhere = await app.inject({
    url: '/t/beta/admin/users',
    headers: bearer(boss.access_token),
  })
  assertError(elsewhere, 401, 'ERR_TOKEN_INVALID')
  assertError(
    await app.inject({ url: '/admin/tenants', headers: bearer(boss.access_token) }),
    401,
    'ERR_TOKEN_INVALID',
  )
})

test("a tenant's own rate limits apply to it alone, and bad ones are refused", async (t) => {
  const { app } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  const call = (method: 'POST' | 'PATCH', url: string, payload: object) =>
    app.inject({ method, url, headers: bearer(admin.access_token), payload })
  const created = await call('POST', '/admin/tenants', {
    name: 'strict',
    settings: { rate_limits: { loginPerAccount: { points: 2, duration: 60 } } },
  })
  assert.equal(created.statusCode, 201, created.body)
  assert.deepEqual(created.json().settings.rate_limits, {
    loginPerAccount: { points: 2, duration: 60, block_duration: 0 },
  })
  await createUser(app, admin.access_token, { username: 'kim' }, '/t/strict')
  await createUser(app, admin.access_token, { username: 'kim' })
  const attempt = (prefix: string) =>
    app.inject({
      method: 'POST',
      url: `${prefix}/auth/login`,
      payload: { username: 'kim', password: 'not the password' },
    })
  // Two tries a minute in this tenant, then 429 (the lockout would only come at the fifth).
  assert.equal((await attempt('/t/strict')).statusCode, 401)
  assert.equal((await attempt('/t/strict')).statusCode, 401)
  assertError(await attempt('/t/strict'), 429, 'ERR_RATE_LIMITED')
  // The default tenant keeps the server's rule (10 a minute).
  for (let i = 0; i < 3; i++) assert.equal((await attempt('')).statusCode, 401)
  // Changed later: the new rule applies from the next request.
  const patched = await call('PATCH', '/admin/tenants/strict', {
    rate_limits: { loginPerAccount: { points: 50, duration: 60 } },
  })
  assert.equal(patched.statusCode, 200, patched.body)
  assert.equal((await attempt('/t/strict')).statusCode, 401)
  for (const bad of [
    { rate_limits: { loginPerIp: { points: 0, duration: 60 } } },
    { rate_limits: { loginPerIp: { points: 5 } } },
    { rate_limits: { loginPerIp: { points: 5, duration: 60, extra: 1 } } },
    { rate_limits: { '': { points: 5, duration: 60 } } },
    // A profile the server never consults (a misspelling) would be stored and never apply.
    { rate_limits: { loginPerIP: { points: 5, duration: 60 } } },
    { rate_limits: { signupPerIp: { points: 5, duration: 60 } } },
    // Windows past a timer's reach (2^31 - 1 ms) would end at once: no limit at all.
    { rate_limits: { loginPerIp: { points: 5, duration: 2_147_484 } } },
    { rate_limits: { loginPerIp: { points: 5, duration: 60, block_duration: 2_147_484 } } },
    { max_login_attemps: 3 }, // a typo is an error, not silently dropped
  ]) {
    assertError(await call('PATCH', '/admin/tenants/strict', bad), 400, 'ERR_INVALID_INPUT')
  }
})

test("a default-tenant admin's credentials at a named tenant are refused for what is wrong with them", async (t) => {
  const { app, clock } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  const created = await app.inject({
    method: 'POST',
    url: '/admin/tenants',
    headers: bearer(admin.access_token),
    payload: { name: 'acme' },
  })
  assert.equal(created.statusCode, 201, created.body)
  const key = await app.inject({
    method: 'POST',
    url: '/admin/api-keys',
    headers: bearer(admin.access_token),
    payload: { name: 'ops', scopes: ['admin'] },
  })
  assert.equal(key.statusCode, 201, key.body)
  const users = (token: string, prefix: string) =>
    app.inject({ url: `${prefix}/admin/users`, headers: bearer(token) })
  assert.equal((await users(key.json().key, '/t/acme')).statusCode, 200)
  // The same answer at a named tenant as at the root: revoked, not "not valid".
  const revoked = await login(app, 'admin', ADMIN_PASSWORD)
  const logout = await app.inject({
    method: 'POST',
    url: '/auth/logout',
    headers: bearer(revoked.access_token),
  })
  assert.equal(logout.statusCode, 200, logout.body)
  await app.inject({
    method: 'DELETE',
    url: `/admin/api-keys/${key.json().api_key.id}`,
    headers: bearer(admin.access_token),
  })
  for (const prefix of ['', '/t/acme']) {
    assertError(
      await users(revoked.access_token, prefix),
      401,
      'ERR_TOKEN_REVOKED',
      'invalid_token',
    )
    assertError(await users(key.json().key, prefix), 401, 'ERR_TOKEN_REVOKED', 'invalid_token')
  }
  clock.advance(3_600_000)
  for (const prefix of ['', '/t/acme']) {
    assertError(await users(admin.access_token, prefix), 401, 'ERR_TOKEN_EXPIRED', 'invalid_token')
  }
})
