// OAuth 2 over HTTP: the token endpoint, introspection (RFC 7662) and revocation (RFC 7009) as a
// client and a resource server would use them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD } from '../support.js'
import { liveServer } from './server.js'

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
