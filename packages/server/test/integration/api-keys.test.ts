// API keys over HTTP, as clients present them on every request: the server keeps the keys that
// authenticated in memory, and a key revoked through the admin API stops at once, whichever route
// it was used on and however recently.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD } from '../support.js'
import { liveServer, type LiveServer } from './server.js'

async function withKeys(call: LiveServer['call']) {
  const admin = await call('POST', '/auth/login', {
    json: { username: 'admin', password: ADMIN_PASSWORD },
  })
  const adminToken = admin.body.access_token as string
  const create = async (scopes: string[]) => {
    const created = await call('POST', '/admin/api-keys', {
      token: adminToken,
      json: { name: scopes.join('+'), scopes },
    })
    assert.equal(created.status, 201, created.text)
    return created.body as { key: string; api_key: { id: string } }
  }
  const revoke = async (id: string) => {
    const revoked = await call('DELETE', `/admin/api-keys/${id}`, { token: adminToken })
    assert.deepEqual(revoked.body, { revoked: true })
  }
  return { adminToken, create, revoke }
}

test('a revoked API key is refused at once by introspection, though it was just used', async (t) => {
  const { call } = await liveServer(t)
  const { adminToken, create, revoke } = await withKeys(call)
  const { key, api_key } = await create(['introspect'])
  const other = await create(['introspect'])
  const basic = `Basic ${Buffer.from(`${api_key.id}:${key}`).toString('base64')}`
  const introspect = (authorization: string) =>
    call('POST', '/oauth/introspect', { form: { token: adminToken }, headers: { authorization } })
  for (let i = 0; i < 3; i++) {
    for (const authorization of [`Bearer ${key}`, basic, `Bearer ${other.key}`]) {
      const res = await introspect(authorization)
      assert.equal(res.status, 200, res.text)
      assert.equal(res.body.active, true)
    }
  }
  await revoke(api_key.id)
  for (const authorization of [`Bearer ${key}`, basic]) {
    const refused = await introspect(authorization)
    assert.equal(refused.status, 401, refused.text)
    assert.equal(refused.body.error, 'invalid_client')
    assert.equal(refused.body.code, 'ERR_TOKEN_REVOKED')
    assert.ok(!refused.text.includes(key), 'the key is not echoed')
  }
  // The other key is untouched.
  assert.equal((await introspect(`Bearer ${other.key}`)).status, 200)
})

test('a revoked admin API key loses the admin API at once', async (t) => {
  const { call } = await liveServer(t)
  const { create, revoke } = await withKeys(call)
  const { key, api_key } = await create(['admin'])
  for (let i = 0; i < 3; i++) {
    assert.equal((await call('GET', '/admin/keys', { token: key })).status, 200)
  }
  await revoke(api_key.id)
  const refused = await call('GET', '/admin/keys', { token: key })
  assert.equal(refused.status, 401, refused.text)
  assert.equal(refused.body.code, 'ERR_TOKEN_REVOKED')
})

test('a wrong secret for a key in use is refused, and the key keeps working', async (t) => {
  const { call } = await liveServer(t)
  const { adminToken, create } = await withKeys(call)
  const { key } = await create(['introspect'])
  const introspect = (presented: string) =>
    call('POST', '/oauth/introspect', { form: { token: adminToken }, token: presented })
  assert.equal((await introspect(key)).status, 200)
  const wrong = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`
  const refused = await introspect(wrong)
  assert.equal(refused.status, 401)
  assert.equal(refused.body.code, 'ERR_TOKEN_INVALID')
  assert.equal((await introspect(key)).status, 200)
})

test('TESSERA_API_KEY_CACHE_TTL=0 reads every key from the store, and revocation holds', async (t) => {
  const { call, config } = await liveServer(t, { TESSERA_API_KEY_CACHE_TTL: '0' })
  assert.equal(config.apiKeyCacheTtlMs, 0)
  const { adminToken, create, revoke } = await withKeys(call)
  const { key, api_key } = await create(['introspect'])
  const introspect = () =>
    call('POST', '/oauth/introspect', { form: { token: adminToken }, token: key })
  assert.equal((await introspect()).status, 200)
  await revoke(api_key.id)
  assert.equal((await introspect()).status, 401)
})
