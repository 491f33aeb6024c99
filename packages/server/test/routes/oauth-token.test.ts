import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD, assertError, bearer, login, testApp } from '../support.js'

const form = (fields: Record<string, string>) => ({
  method: 'POST' as const,
  url: '/oauth/token',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
})

test('the password grant issues tokens, form-encoded, with no-store caching', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject(
    form({ grant_type: 'password', username: 'admin', password: ADMIN_PASSWORD, client_id: 'cli' }),
  )
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['cache-control'], 'no-store')
  assert.equal(res.headers.pragma, 'no-cache')
  const body = res.json()
  assert.equal(body.token_type, 'Bearer')
  const claims = await app.inject({ url: '/auth/validate', headers: bearer(body.access_token) })
  assert.equal(claims.json().client_id, 'cli')
})

test('the refresh_token grant rotates', async (t) => {
  const { app } = await testApp(t)
  const first = await login(app, 'admin', ADMIN_PASSWORD)
  const res = await app.inject(
    form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }),
  )
  assert.equal(res.statusCode, 200)
  assert.notEqual(res.json().refresh_token, first.refresh_token)
})

test('errors are RFC 6749 §5.2 bodies', async (t) => {
  const { app, clock } = await testApp(t)
  const first = await login(app, 'admin', ADMIN_PASSWORD)
  const cases: [Record<string, string>, number, string, string][] = [
    [
      { grant_type: 'password', username: 'admin', password: 'wrong' },
      400,
      'invalid_grant',
      'ERR_INVALID_CREDENTIALS',
    ],
    [{ grant_type: 'password', username: 'admin' }, 400, 'invalid_request', 'ERR_INVALID_INPUT'],
    [{ grant_type: 'refresh_token' }, 400, 'invalid_request', 'ERR_INVALID_INPUT'],
    [
      { grant_type: 'refresh_token', refresh_token: 'rt_nope' },
      400,
      'invalid_grant',
      'ERR_TOKEN_INVALID',
    ],
    [{ grant_type: 'x'.repeat(200) }, 400, 'invalid_request', 'ERR_INVALID_INPUT'],
    [
      { grant_type: 'authorization_code' },
      400,
      'unsupported_grant_type',
      'ERR_UNSUPPORTED_GRANT_TYPE',
    ],
    [{ grant_type: 'client_credentials' }, 401, 'invalid_client', 'ERR_TOKEN_INVALID'],
    [{}, 400, 'invalid_request', 'ERR_INVALID_INPUT'],
  ]
  for (const [fields, status, error, code] of cases) {
    const res = await app.inject(form(fields))
    assertError(res, status, code, error)
  }
  await app.inject(form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }))
  clock.advance(60_000)
  const reused = await app.inject(
    form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }),
  )
  assertError(reused, 400, 'ERR_TOKEN_REUSED', 'invalid_grant')
})

test('a client that authenticates must do so with a valid API key (invalid_client)', async (t) => {
  const { app } = await testApp(t)
  const fields = { grant_type: 'password', username: 'admin', password: ADMIN_PASSWORD }
  const bad = await app.inject({
    ...form(fields),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('abc:tsk_nope').toString('base64')}`,
    },
  })
  assertError(bad, 401, 'ERR_TOKEN_INVALID', 'invalid_client')
  assert.equal(bad.headers['www-authenticate'], 'Basic realm="default"')
  const post = await app.inject(form({ ...fields, client_secret: 'tsk_wrong' }))
  assertError(post, 401, 'ERR_TOKEN_INVALID', 'invalid_client')
})

test("a confidential client's refresh token is refreshed by that client only (RFC 6749 §6)", async (t) => {
  const { app } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  const basicOf = async (name: string) => {
    const created = await app.inject({
      method: 'POST',
      url: '/admin/api-keys',
      headers: bearer(admin.access_token),
      payload: { name, scopes: ['read'] },
    })
    const { key, api_key } = created.json()
    return `Basic ${Buffer.from(`${api_key.id}:${key}`).toString('base64')}`
  }
  const [a, b] = [await basicOf('a'), await basicOf('b')]
  const as = (authorization: string | undefined, fields: Record<string, string>) =>
    app.inject({
      ...form(fields),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization === undefined ? {} : { authorization }),
      },
    })
  const issued = await as(a, {
    grant_type: 'password',
    username: 'admin',
    password: ADMIN_PASSWORD,
  })
  assert.equal(issued.statusCode, 200)
  const refresh = { grant_type: 'refresh_token', refresh_token: issued.json().refresh_token }
  assertError(await as(undefined, refresh), 400, 'ERR_TOKEN_INVALID', 'invalid_grant')
  assertError(await as(b, refresh), 400, 'ERR_TOKEN_INVALID', 'invalid_grant')
  const json = { 'content-type': 'application/json' }
  const viaAuth = await app.inject({
    method: 'POST',
    url: '/auth/refresh',
    headers: json,
    payload: { refresh_token: refresh.refresh_token },
  })
  // /auth/refresh is no OAuth token endpoint: a refresh token it does not take is 401
  // invalid_token there, whatever the reason, as the README says.
  assertError(viaAuth, 401, 'ERR_TOKEN_INVALID', 'invalid_token')
  assert.match(String(viaAuth.headers['www-authenticate']), /^Bearer realm="default"/)
  const mine = await as(a, refresh)
  assert.equal(mine.statusCode, 200)
  // A first-party token is not refreshed for a client that authenticates.
  const own = await login(app, 'admin', ADMIN_PASSWORD)
  const ownRefresh = { grant_type: 'refresh_token', refresh_token: own.refresh_token }
  assertError(await as(a, ownRefresh), 400, 'ERR_TOKEN_INVALID', 'invalid_grant')
  assert.equal((await as(undefined, ownRefresh)).statusCode, 200)
})

test('the client_credentials grant issues a token to an API key, within its scopes', async (t) => {
  const { app } = await testApp(t)
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  const created = await app.inject({
    method: 'POST',
    url: '/admin/api-keys',
    headers: bearer(admin.access_token),
    payload: { name: 'billing', scopes: ['read', 'write'] },
  })
  const { key, api_key } = created.json()
  const basic = `Basic ${Buffer.from(`${api_key.id}:${key}`).toString('base64')}`
  const grant = (fields: Record<string, string>) =>
    app.inject({
      ...form({ grant_type: 'client_credentials', ...fields }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
    })
  const res = await grant({ scope: 'read' })
  assert.equal(res.statusCode, 200)
  const body = res.json()
  assert.equal(body.refresh_token, undefined)
  assert.equal(body.scope, 'read')
  const claims = await app.inject({ url: '/auth/validate', headers: bearer(body.access_token) })
  assert.equal(claims.json().client_id, api_key.id)
  assertError(await grant({ scope: 'admin' }), 400, 'ERR_INVALID_SCOPE', 'invalid_scope')
  // Revoking the key revokes its tokens.
  await app.inject({
    method: 'DELETE',
    url: `/admin/api-keys/${api_key.id}`,
    headers: bearer(admin.access_token),
  })
  const after = await app.inject({ url: '/auth/validate', headers: bearer(body.access_token) })
  assertError(after, 401, 'ERR_TOKEN_REVOKED')
  assertError(await grant({}), 401, 'ERR_TOKEN_REVOKED', 'invalid_client')
})
