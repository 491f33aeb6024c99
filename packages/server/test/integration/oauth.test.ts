// OAuth 2 over HTTP: the token endpoint, introspection (RFC 7662) and revocation (RFC 7009) as a
// client and a resource server would use them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD } from '../support.js'
import { liveServer, type Reply } from './server.js'

test('a client gets tokens, a resource server introspects them, the client revokes them', async (t) => {
  const { call } = await liveServer(t)
  const grant = await call('POST', '/oauth/token', {
    form: { grant_type: 'password', username: 'admin', password: ADMIN_PASSWORD },
  })
  assert.equal(grant.status, 200)
  assert.equal(grant.headers.get('cache-control'), 'no-store')
  const { access_token, refresh_token } = grant.body as Record<string, string>

  const created = await call('POST', '/admin/api-keys', {
    token: access_token!,
    json: { name: 'orders-api', scopes: ['introspect'] },
  })
  const { key, api_key } = created.body as { key: string; api_key: { id: string } }
  const basic = `Basic ${Buffer.from(`${api_key.id}:${key}`).toString('base64')}`
  const introspect = (token: string) =>
    call('POST', '/oauth/introspect', { form: { token }, headers: { authorization: basic } })

  const active = await introspect(access_token!)
  assert.equal(active.status, 200)
  assert.equal(active.body.active, true)
  assert.equal(active.body.iss, 'http://tessera.test')
  assert.equal((await introspect(refresh_token!)).body.active, true)

  const rotated = await call('POST', '/oauth/token', {
    form: { grant_type: 'refresh_token', refresh_token: refresh_token! },
  })
  assert.equal(rotated.status, 200)
  assert.deepEqual((await introspect(refresh_token!)).body, { active: false }, 'consumed')

  const next = rotated.body as Record<string, string>
  const revoked = await call('POST', '/oauth/revoke', {
    form: { token: next.refresh_token!, token_type_hint: 'refresh_token' },
  })
  assert.equal(revoked.status, 200)
  assert.equal(revoked.text, '')
  assert.deepEqual((await introspect(next.access_token!)).body, { active: false })
  assert.deepEqual((await introspect(next.refresh_token!)).body, { active: false })
  const again = await call('POST', '/oauth/revoke', { form: { token: next.refresh_token! } })
  assert.equal(again.status, 200, 'revoking twice is fine')

  const noClient = await call('POST', '/oauth/introspect', { form: { token: access_token! } })
  assert.equal(noClient.status, 401)
  assert.equal(noClient.body.error, 'invalid_client')
  assert.equal(noClient.headers.get('www-authenticate'), 'Basic realm="default"')
})

test("a public client may not use a confidential client's id, nor a client another's", async (t) => {
  const { call } = await liveServer(t)
  const admin = await call('POST', '/auth/login', {
    json: { username: 'admin', password: ADMIN_PASSWORD },
  })
  const token = admin.body.access_token as string
  const keys: { key: string; id: string }[] = []
  for (const name of ['client-a', 'client-b']) {
    const created = await call('POST', '/admin/api-keys', {
      token,
      json: { name, scopes: ['read'] },
    })
    const body = created.body as { key: string; api_key: { id: string } }
    keys.push({ key: body.key, id: body.api_key.id })
  }
  const [a, b] = keys as [{ key: string; id: string }, { key: string; id: string }]
  const grant = { grant_type: 'password', username: 'admin', password: ADMIN_PASSWORD }
  const assertInvalidClient = (reply: Reply, what: string) => {
    assert.equal(reply.status, 401, `${what}: ${reply.text}`)
    assert.equal(reply.body.error, 'invalid_client', what)
    assert.equal(reply.headers.get('www-authenticate'), 'Basic realm="default"', what)
    assert.equal(reply.body.access_token, undefined, what)
  }

  // Claiming client A's id without its key, in either grant.
  const claimed = await call('POST', '/oauth/token', { form: { ...grant, client_id: a.id } })
  assertInvalidClient(claimed, 'password grant under client A without its key')
  const own = await call('POST', '/oauth/token', { form: grant })
  const refreshed = await call('POST', '/oauth/token', {
    form: {
      grant_type: 'refresh_token',
      refresh_token: own.body.refresh_token as string,
      client_id: a.id,
    },
  })
  assertInvalidClient(refreshed, 'refresh grant under client A without its key')

  // Authenticated as B (Basic, or B's key as a Bearer token) while naming A in the form.
  const basicB = `Basic ${Buffer.from(`${b.id}:${b.key}`).toString('base64')}`
  for (const authorization of [basicB, `Bearer ${b.key}`]) {
    const mixed = await call('POST', '/oauth/token', {
      form: { ...grant, client_id: a.id },
      headers: { authorization },
    })
    assertInvalidClient(mixed, `${authorization.split(' ')[0]} as B naming A`)
  }

  // What stays allowed: a public client's own name, and A authenticated as A.
  const publicClient = await call('POST', '/oauth/token', { form: { ...grant, client_id: 'cli' } })
  assert.equal(publicClient.status, 200, publicClient.text)
  const basicA = `Basic ${Buffer.from(`${a.id}:${a.key}`).toString('base64')}`
  const asA = await call('POST', '/oauth/token', {
    form: { ...grant, client_id: a.id },
    headers: { authorization: basicA },
  })
  assert.equal(asA.status, 200, asA.text)
  const claims = await call('GET', '/auth/validate', { token: asA.body.access_token as string })
  assert.equal(claims.body.client_id, a.id)
})

test('the OAuth forms follow RFC 6749 §3.1, §3.2 and §5.2', async (t) => {
  const { call } = await liveServer(t)
  const admin = await call('POST', '/auth/login', {
    json: { username: 'admin', password: ADMIN_PASSWORD },
  })
  const created = await call('POST', '/admin/api-keys', {
    token: admin.body.access_token as string,
    json: { name: 'rs', scopes: ['read', 'introspect'] },
  })
  const { key, api_key } = created.body as { key: string; api_key: { id: string } }
  const basic = { authorization: `Basic ${Buffer.from(`${api_key.id}:${key}`).toString('base64')}` }
  const assertOAuthError = (reply: Reply, status: number, error: string, what: string) => {
    assert.equal(reply.status, status, `${what}: ${reply.text}`)
    assert.equal(reply.body.error, error, what)
  }

  // §3.2: parameters the endpoint does not know are ignored, at each of the three endpoints.
  const extended = await call('POST', '/oauth/token', {
    form: { grant_type: 'client_credentials', resource: 'https://api.example', foo: 'bar' },
    headers: basic,
  })
  assert.equal(extended.status, 200, extended.text)
  const access = extended.body.access_token as string
  const introspected = await call('POST', '/oauth/introspect', {
    form: { token: access, foo: 'bar' },
    headers: basic,
  })
  assert.equal(introspected.status, 200, introspected.text)
  assert.equal(introspected.body.active, true)
  const revoked = await call('POST', '/oauth/revoke', { form: { token: 'whatever', foo: 'bar' } })
  assert.equal(revoked.status, 200, revoked.text)
  // The known parameters keep their checks.
  const tooLong = await call('POST', '/oauth/token', {
    form: { grant_type: 'password', username: 'u'.repeat(300), password: 'x', foo: 'bar' },
  })
  assertOAuthError(tooLong, 400, 'invalid_request', 'an overlong username')

  // §5.2: a grant type the server does not offer, with its own parameters.
  const code = await call('POST', '/oauth/token', {
    form: { grant_type: 'authorization_code', code: 'abc', redirect_uri: 'https://c.example/cb' },
  })
  assertOAuthError(code, 400, 'unsupported_grant_type', 'authorization_code')

  // §3.1: an empty parameter is an omitted one; client_secret= is no client authentication.
  const grant = { grant_type: 'password', username: 'admin', password: ADMIN_PASSWORD }
  const emptySecret = await call('POST', '/oauth/token', {
    form: { ...grant, client_secret: '', client_id: '', scope: '' },
  })
  assert.equal(emptySecret.status, 200, emptySecret.text)
  const emptyWithBasic = await call('POST', '/oauth/token', {
    form: { grant_type: 'client_credentials', client_secret: '' },
    headers: basic,
  })
  assert.equal(emptyWithBasic.status, 200, emptyWithBasic.text)

  // §5.2: more scope than the key has, and client_credentials without client authentication.
  const wide = await call('POST', '/oauth/token', {
    form: { grant_type: 'client_credentials', scope: 'read admin' },
    headers: basic,
  })
  assertOAuthError(wide, 400, 'invalid_scope', 'scope beyond the key')
  const anonymous = await call('POST', '/oauth/token', {
    form: { grant_type: 'client_credentials' },
  })
  assertOAuthError(anonymous, 401, 'invalid_client', 'client_credentials without a client')
  assert.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="default"')
})
