// The Fastify plugin on a real server listening on 127.0.0.1, with keys from a real JWKS server,
// exercised with fetch: every status, its headers and its JSON body.
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { test, type TestContext } from 'node:test'
import Fastify from 'fastify'
import { createGuard } from '../src/index.js'
import { fastifyGuard } from '../src/fastify.js'
import { AUDIENCE, ISSUER, deadUrl, k1, k2, mint, startJwksServer } from './support.js'

async function start(t: TestContext, jwksUrl: string) {
  const guard = createGuard({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUrl,
    remote: { cooldown: 0 },
  })
  const app = Fastify()
  await app.register(fastifyGuard, { guard })
  app.get('/public', async (req) => ({ auth: req.auth }))
  app.get('/orders', { preHandler: app.requireAuth() }, async (req) => ({ sub: req.auth?.sub }))
  app.get(
    '/orders/export',
    { preHandler: app.requireAuth({ scopes: ['orders:export'] }) },
    async () => ({}),
  )
  app.get('/admin', { preHandler: app.requireAuth({ roles: ['admin'] }) }, async () => ({}))
  await app.register(async (child) => {
    child.get('/nested', { preHandler: child.requireAuth() }, async (req) => ({
      tid: req.auth?.tid,
    }))
  })
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  return base
}

async function get(url: string, authorization?: string) {
  const response = await fetch(url, {
    headers: authorization === undefined ? {} : { authorization },
  })
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    retryAfter: response.headers.get('retry-after'),
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  }
}

test('Fastify: request.auth, requireAuth and every refusal, over HTTP', async (t) => {
  const jwks = await startJwksServer(t, k1)
  const base = await start(t, jwks.url)
  const token = mint(k1)

  assert.deepEqual((await get(`${base}/public`)).body, { auth: null })
  const ok = await get(`${base}/orders`, `Bearer ${token}`)
  assert.equal(ok.status, 200)
  assert.deepEqual(ok.body, { sub: 'u1' })
  assert.deepEqual((await get(`${base}/nested`, `bearer ${token}`)).body, { tid: 'default' })

  const missing = await get(`${base}/orders`)
  assert.equal(missing.status, 401)
  assert.equal(missing.challenge, `Bearer realm="${AUDIENCE}"`)
  assert.equal(missing.body.error, 'missing_token')
  assert.match(String(missing.type), /^application\/json/)

  const malformed = await get(`${base}/orders`, `Bearer ${token} junk`)
  assert.equal(malformed.status, 400)
  assert.match(String(malformed.challenge), /error="invalid_request"/)
  assert.equal(malformed.body.error, 'invalid_request')

  const basic = await get(`${base}/orders`, 'Basic dTpw')
  assert.equal(basic.status, 401)
  assert.equal(basic.challenge, `Bearer realm="${AUDIENCE}"`)

  const expired = await get(`${base}/orders`, `Bearer ${mint(k1, { exp: 1 })}`)
  assert.equal(expired.status, 401)
  assert.equal(
    expired.challenge,
    `Bearer realm="${AUDIENCE}", error="invalid_token", error_description="the access token has expired"`,
  )
  assert.deepEqual(expired.body, {
    error: 'invalid_token',
    error_description: 'the access token has expired',
  })

  const scope = await get(`${base}/orders/export`, `Bearer ${token}`)
  assert.equal(scope.status, 403)
  assert.match(String(scope.challenge), /error="insufficient_scope", .*scope="orders:export"$/)

  const role = await get(`${base}/admin`, `Bearer ${token}`)
  assert.equal(role.status, 403)
  assert.match(String(role.challenge), /error="insufficient_scope"/)
  assert.equal((await get(`${base}/admin`, `Bearer ${mint(k1, { roles: ['admin'] })}`)).status, 200)

  const query = await get(`${base}/orders?access_token=${token}`)
  assert.equal(query.status, 400)

  // A rotation while the server runs.
  jwks.publish(k1, k2)
  assert.equal((await get(`${base}/orders`, `Bearer ${mint(k2)}`)).status, 200)
})

test('Fastify: two Authorization headers are refused', async (t) => {
  const jwks = await startJwksServer(t, k1)
  const base = new URL(await start(t, jwks.url))
  const token = mint(k1)
  // fetch would fold two headers into one; node:http sends them as they are.
  const status = await new Promise<number>((resolve, reject) => {
    const headers = ['authorization', `Bearer ${token}`, 'authorization', `Bearer ${token}`]
    const req = httpRequest({ host: base.hostname, port: base.port, path: '/orders', headers })
    req.on('response', (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject)
    req.end()
  })
  assert.equal(status, 400)
})

test('Fastify: the key server is down and no keys are cached: 503 with Retry-After', async (t) => {
  const base = await start(t, await deadUrl())
  const result = await get(`${base}/orders`, `Bearer ${mint(k1)}`)
  assert.equal(result.status, 503)
  assert.equal(result.challenge, null)
  assert.equal(result.retryAfter, '1')
  assert.equal(result.body.error, 'temporarily_unavailable')
})

test('Fastify: the plugin needs a guard, and route requirements are checked at set-up', async () => {
  const app = Fastify()
  await assert.rejects(
    async () => {
      await app.register(fastifyGuard, {} as never)
      await app.ready()
    },
    { code: 'ERR_GUARD_INVALID_OPTIONS' },
  )
  const other = Fastify()
  const guard = createGuard({ issuer: ISSUER, audience: AUDIENCE, key: k1.publicKey() })
  await other.register(fastifyGuard, { guard })
  assert.throws(() => other.requireAuth({ scopes: ['a b'] }), { code: 'ERR_GUARD_INVALID_OPTIONS' })
  await other.close()
})
