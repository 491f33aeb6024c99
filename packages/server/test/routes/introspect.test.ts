import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD, assertError, bearer, login, testApp } from '../support.js'

async function withKey(t: Parameters<typeof testApp>[0], scopes: string[]) {
  const setup = await testApp(t)
  const admin = await login(setup.app, 'admin', ADMIN_PASSWORD)
  const created = await setup.app.inject({
    method: 'POST',
    url: '/admin/api-keys',
    headers: bearer(admin.access_token),
    payload: { name: 'resource server', scopes },
  })
  assert.equal(created.statusCode, 201, created.body)
  const { key, api_key } = created.json<{ key: string; api_key: { id: string } }>()
  return { ...setup, admin, key, keyId: api_key.id }
}

const introspect = (token: string, authorization?: string) => ({
  method: 'POST' as const,
  url: '/oauth/introspect',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    ...(authorization === undefined ? {} : { authorization }),
  },
  payload: new URLSearchParams({ token }).toString(),
})

test('an active access token is introspected with its claims (RFC 7662)', async (t) => {
  const { app, admin, key, keyId } = await withKey(t, ['introspect'])
  const basic = `Basic ${Buffer.from(`${keyId}:${key}`).toString('base64')}`
  for (const auth of [basic, `Bearer ${key}`]) {
    const res = await app.inject(introspect(admin.access_token, auth))
    assert.equal(res.statusCode, 200)
    const body = res.json()
    assert.equal(body.active, true)
    assert.equal(body.token_type, 'Bearer')
    assert.equal(body.sid, admin.session_id)
    assert.ok(body.exp > body.iat)
  }
  const refresh = await app.inject(introspect(admin.refresh_token, `Bearer ${key}`))
  assert.equal(refresh.json().active, true)
  assert.equal(refresh.json().token_type, 'refresh_token')
})

test('anything not currently valid is { active: false }, saying nothing else', async (t) => {
  const { app, admin, key, clock } = await withKey(t, ['introspect'])
  const auth = `Bearer ${key}`
  await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(admin.access_token) })
  for (const token of [admin.access_token, admin.refresh_token, 'garbage', 'rt_x']) {
    const res = await app.inject(introspect(token, auth))
    assert.deepEqual(res.json(), { active: false })
  }
  const fresh = await login(app, 'admin', ADMIN_PASSWORD)
  clock.advance(20 * 60_000)
  assert.deepEqual((await app.inject(introspect(fresh.access_token, auth))).json(), {
    active: false,
  })
})

test('introspection needs an API key with the introspect scope', async (t) => {
  const { app, admin, key, keyId } = await withKey(t, ['read'])
  const none = await app.inject(introspect(admin.access_token))
  assertError(none, 401, 'ERR_TOKEN_INVALID', 'invalid_client')
  assert.equal(none.headers['www-authenticate'], 'Basic realm="default"')
  const wrongScope = await app.inject(introspect(admin.access_token, `Bearer ${key}`))
  assertError(wrongScope, 403, 'ERR_FORBIDDEN', 'insufficient_scope')
  const wrongId = `Basic ${Buffer.from(`other:${key}`).toString('base64')}`
  assertError(
    await app.inject(introspect(admin.access_token, wrongId)),
    401,
    'ERR_TOKEN_INVALID',
    'invalid_client',
  )
  const userToken = await app.inject(introspect(admin.access_token, `Bearer ${admin.access_token}`))
  assertError(userToken, 401, 'ERR_TOKEN_INVALID', 'invalid_client')
  assert.ok(keyId)
})
