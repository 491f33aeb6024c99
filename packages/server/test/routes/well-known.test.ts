import assert from 'node:assert/strict'
import { test } from 'node:test'
import { jwt, type JWKS } from '@tessera/jose'
import { ADMIN_PASSWORD, bearer, login, testApp } from '../support.js'

test('the JWKS holds the public key that verifies access tokens, and is cacheable', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject('/.well-known/jwks.json')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['cache-control'], 'public, max-age=300')
  const { keys } = res.json<{ keys: Record<string, unknown>[] }>()
  assert.equal(keys.length, 1)
  assert.equal(keys[0]!.d, undefined, 'no private material')
  const pair = await login(app, 'admin', ADMIN_PASSWORD)
  const claims = jwt.decode(pair.access_token, { keys } as JWKS, {
    algorithms: ['ES256'],
    audience: 'tessera',
    issuer: 'http://tessera.test',
  })
  assert.equal(claims.sid, pair.session_id)
})

test('RFC 8414 metadata names the endpoints, for the default and a named tenant', async (t) => {
  const { app } = await testApp(t)
  const root = (await app.inject('/.well-known/oauth-authorization-server')).json()
  assert.equal(root.issuer, 'http://tessera.test')
  assert.equal(root.token_endpoint, 'http://tessera.test/oauth/token')
  assert.equal(root.jwks_uri, 'http://tessera.test/.well-known/jwks.json')
  assert.equal(root.introspection_endpoint, 'http://tessera.test/oauth/introspect')
  assert.equal(root.revocation_endpoint, 'http://tessera.test/oauth/revoke')
  assert.deepEqual(root.grant_types_supported, ['password', 'refresh_token', 'client_credentials'])
  assert.equal(root.service_documentation, 'http://tessera.test/openapi.json')
  const admin = await login(app, 'admin', ADMIN_PASSWORD)
  await app.inject({
    method: 'POST',
    url: '/admin/tenants',
    headers: bearer(admin.access_token),
    payload: { name: 'acme' },
  })
  const inPath = (await app.inject('/t/acme/.well-known/oauth-authorization-server')).json()
  const rfc8414 = (await app.inject('/.well-known/oauth-authorization-server/t/acme')).json()
  assert.deepEqual(inPath, rfc8414)
  assert.equal(inPath.issuer, 'http://tessera.test/t/acme')
  assert.equal(inPath.token_endpoint, 'http://tessera.test/t/acme/oauth/token')
  // One OpenAPI document, at the root, describes every tenant's endpoints.
  assert.equal(inPath.service_documentation, 'http://tessera.test/openapi.json')
  assert.equal((await app.inject('/openapi.json')).statusCode, 200)
  const acmeKeys = (await app.inject('/t/acme/.well-known/jwks.json')).json().keys
  const rootKeys = (await app.inject('/.well-known/jwks.json')).json().keys
  assert.notEqual(acmeKeys[0].kid, rootKeys[0].kid, 'each tenant has its own keys')
})
