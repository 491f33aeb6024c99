import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD, bearer, login, testApp } from '../support.js'

test('security headers on every response; HSTS only for an https public URL', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject('/health')
  assert.equal(res.headers['x-content-type-options'], 'nosniff')
  assert.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'")
  assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN')
  assert.equal(res.headers['referrer-policy'], 'no-referrer')
  assert.equal(res.headers['strict-transport-security'], undefined)
  assert.equal(res.headers['x-powered-by'], undefined)
  const https = await testApp(t, { TESSERA_PUBLIC_URL: 'https://id.example.com' })
  const secure = await https.app.inject('/health')
  assert.match(String(secure.headers['strict-transport-security']), /max-age=31536000/)
})

test('CORS answers configured origins only', async (t) => {
  const { app } = await testApp(t, { TESSERA_CORS_ORIGINS: 'https://app.example.com' })
  const preflight = (origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/auth/login',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
  const good = await preflight('https://app.example.com')
  assert.equal(good.headers['access-control-allow-origin'], 'https://app.example.com')
  const bad = await preflight('https://evil.example.com')
  assert.equal(bad.headers['access-control-allow-origin'], undefined)
  const none = await testApp(t)
  const off = await none.app.inject({
    url: '/health',
    headers: { origin: 'https://app.example.com' },
  })
  assert.equal(off.headers['access-control-allow-origin'], undefined)
})

test('request ids: a well-formed X-Request-Id is kept, anything else replaced', async (t) => {
  const { app } = await testApp(t)
  const kept = await app.inject({ url: '/health', headers: { 'x-request-id': 'abc-123' } })
  assert.equal(kept.headers['x-request-id'], 'abc-123')
  const replaced = await app.inject({ url: '/nope', headers: { 'x-request-id': 'a b\u0000c' } })
  assert.match(String(replaced.headers['x-request-id']), /^[0-9a-f-]{36}$/)
  assert.equal(replaced.json().request_id, replaced.headers['x-request-id'])
})

test('X-Forwarded-For is believed from trusted proxies only', async (t) => {
  const forwarded = { 'x-forwarded-for': '203.0.113.9' }
  const ipOf = async (env: Record<string, string>) => {
    const { app } = await testApp(t, env)
    const res = await app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: forwarded,
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    })
    const sessions = await app.inject({
      url: '/auth/sessions',
      headers: bearer(res.json().access_token),
    })
    return sessions.json().sessions[0].first_ip
  }
  assert.equal(await ipOf({}), '127.0.0.1')
  assert.equal(await ipOf({ TESSERA_TRUSTED_PROXIES: '127.0.0.1' }), '203.0.113.9')
  assert.equal(await ipOf({ TESSERA_TRUSTED_PROXIES: '10.0.0.0/8' }), '127.0.0.1')
  assert.ok(login)
})
