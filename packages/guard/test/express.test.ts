// The Express-style middleware in a plain node:http server on 127.0.0.1 (Express's req and res are
// Node's, with more on them), with keys from a real JWKS server, exercised with fetch.
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test, type TestContext } from 'node:test'
import {
  createGuard,
  expressGuard,
  type GuardMiddleware,
  type GuardedRequest,
} from '../src/index.js'
import { AUDIENCE, ISSUER, deadUrl, k1, mint, startJwksServer } from './support.js'

type Route = [path: string, middleware: GuardMiddleware]

/** A tiny router: the middleware, then a handler that echoes req.auth; errors become 500. */
async function serve(t: TestContext, routes: Route[]) {
  const server = createServer((req: IncomingMessage & GuardedRequest, res: ServerResponse) => {
    const route = routes.find(([path]) => req.url?.split('?')[0] === path)
    if (route === undefined) return void res.writeHead(404).end()
    route[1](req, res, (err?: unknown) => {
      if (err !== undefined) return void res.writeHead(500).end()
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ auth: req.auth }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function get(url: string, authorization?: string) {
  const response = await fetch(url, {
    headers: authorization === undefined ? {} : { authorization },
  })
  const body = (await response.json()) as Record<string, unknown>
  return { status: response.status, headers: response.headers, body }
}

test('Express-style middleware: req.auth on success, each refusal with its headers and body', async (t) => {
  const jwks = await startJwksServer(t, k1)
  const guard = createGuard({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: jwks.url })
  const base = await serve(t, [
    ['/orders', expressGuard(guard)],
    ['/export', expressGuard(guard, { scopes: ['orders:export', 'orders:read'] })],
    ['/admin', expressGuard(guard, { roles: ['admin'] })],
  ])
  const token = mint(k1)

  const ok = await get(`${base}/orders`, `Bearer ${token}`)
  assert.equal(ok.status, 200)
  assert.equal((ok.body.auth as { sub: string }).sub, 'u1')

  const missing = await get(`${base}/orders`)
  assert.equal(missing.status, 401)
  assert.equal(missing.headers.get('www-authenticate'), `Bearer realm="${AUDIENCE}"`)
  assert.equal(missing.body.error, 'missing_token')

  const malformed = await get(`${base}/orders`, 'Bearer')
  assert.equal(malformed.status, 400)
  assert.equal(
    malformed.headers.get('www-authenticate'),
    `Bearer realm="${AUDIENCE}", error="invalid_request", error_description="no token after Bearer"`,
  )

  const wrongTyp = await get(`${base}/orders`, `Bearer ${mint(k1, {}, { typ: 'JWT' })}`)
  assert.equal(wrongTyp.status, 401)
  assert.deepEqual(wrongTyp.body, {
    error: 'invalid_token',
    error_description: 'the token is not an access token (typ must be at+jwt)',
  })

  const scope = await get(`${base}/export`, `Bearer ${token}`)
  assert.equal(scope.status, 403)
  assert.equal(
    scope.headers.get('www-authenticate'),
    `Bearer realm="${AUDIENCE}", error="insufficient_scope", error_description="the token lacks a required scope", scope="orders:export orders:read"`,
  )
  const role = await get(`${base}/admin`, `Bearer ${token}`)
  assert.equal(role.status, 403)
  assert.equal(role.body.error_description, 'the token lacks the role admin')
})

test('Express-style middleware: 503 while the key server is down and no keys are cached', async (t) => {
  const guard = createGuard({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: await deadUrl() })
  const base = await serve(t, [['/orders', expressGuard(guard)]])
  const result = await get(`${base}/orders`, `Bearer ${mint(k1)}`)
  assert.equal(result.status, 503)
  assert.equal(result.headers.get('www-authenticate'), null)
  assert.equal(result.headers.get('retry-after'), '30')
  assert.deepEqual(Object.keys(result.body), ['error', 'error_description'])
})

test('Express-style middleware: a guard that breaks reaches next(err)', async () => {
  const broken = { verifyRequest: () => Promise.reject(new Error('bug')) } as never
  const seen = await new Promise<unknown>((resolve) => {
    expressGuard(broken)(
      { headers: {} },
      { statusCode: 200, setHeader: () => 0, end: () => 0 },
      resolve,
    )
  })
  assert.equal((seen as Error).message, 'bug')
  assert.throws(() => expressGuard(broken, { roles: ['two words'] }), {
    code: 'ERR_GUARD_INVALID_OPTIONS',
  })
})
