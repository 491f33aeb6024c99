import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { test } from 'node:test'
import { errors } from '@tessera/tokens'
import { ERROR_TABLE, lookup } from '../../src/plugins/error-table.js'
import { liveServer, type Reply } from '../integration/server.js'
import { ADMIN_PASSWORD, assertError, testApp } from '../support.js'

/** Every error class @tessera/tokens exports, with its code. */
function libraryCodes(): string[] {
  type AnyError = new (...args: unknown[]) => errors.TokenError
  const classes = (Object.values(errors) as unknown[]).filter(
    (value): value is AnyError => typeof value === 'function' && value.prototype instanceof Error,
  )
  // Date for AccountLockedError's lockedUntil; any message or limit name will do for the others.
  return classes.map((Class) => new Class(new Date(0), 1).code)
}

test('every code the library can throw has one row in the table', () => {
  const codes = libraryCodes()
  assert.ok(codes.length >= 12)
  for (const code of codes) assert.ok(ERROR_TABLE[code], `${code} is mapped`)
  assert.deepEqual(lookup('ERR_TOKEN_EXPIRED', 'resource'), { status: 401, error: 'invalid_token' })
  assert.deepEqual(lookup('ERR_TOKEN_EXPIRED', 'grant'), { status: 400, error: 'invalid_grant' })
  assert.deepEqual(lookup('ERR_TOKEN_INVALID', 'client'), { status: 401, error: 'invalid_client' })
  assert.deepEqual(lookup('ERR_CONFLICT', 'grant'), { status: 409, error: 'conflict' })
  assert.equal(lookup('toString', 'resource'), undefined)
})

test('the README documents every code in the table, and nothing more', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
  const documented = new Set(readme.match(/`ERR_[A-Z_]+`/g)?.map((code) => code.slice(1, -1)))
  for (const code of Object.keys(ERROR_TABLE)) assert.ok(documented.has(code), `${code} documented`)
  for (const code of documented) {
    assert.ok(code in ERROR_TABLE || code === 'ERR_CONFIG', `${code} documented but not mapped`)
  }
})

test('an unexpected error is a 500 that says nothing, logged with its stack', async (t) => {
  const { app, logs } = await testApp(t)
  app.get('/boom', async () => {
    throw new Error('database password is hunter2')
  })
  app.get('/store', async () => {
    throw new errors.StoreUnavailableError('disk on fire at /var/lib/x')
  })
  const boom = await app.inject('/boom')
  assert.equal(boom.statusCode, 500)
  const body = boom.json()
  assert.deepEqual(Object.keys(body).sort(), ['error', 'request_id'])
  assert.equal(body.error, 'server_error')
  assert.ok(logs.some((line) => line.includes('"level":50') && line.includes('"stack"')))
  const store = await app.inject('/store')
  assertError(store, 503, 'ERR_STORE_UNAVAILABLE', 'temporarily_unavailable')
  assert.equal(store.json().error_description, undefined)
  assert.doesNotMatch(store.body, /fire/)
})

test('unknown routes are 404 ERR_NOT_FOUND; unknown tenants too', async (t) => {
  const { app } = await testApp(t)
  assertError(await app.inject('/nope'), 404, 'ERR_NOT_FOUND', 'not_found')
  assertError(await app.inject('/t/nobody/auth/me'), 404, 'ERR_NOT_FOUND')
  assertError(await app.inject('/t/NOT_A_NAME/auth/me'), 404, 'ERR_NOT_FOUND')
})

test('a rate limit is 429 with Retry-After', async (t) => {
  const { app } = await testApp(t, { TESSERA_RATE_LIMIT_LOGIN_PER_ACCOUNT: '2/1m' })
  const attempt = () =>
    app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'zed', password: 'whatever1' },
    })
  await attempt()
  await attempt()
  const limited = await attempt()
  assertError(limited, 429, 'ERR_RATE_LIMITED', 'slow_down')
  assert.ok(Number(limited.headers['retry-after']) > 0)
  assert.match(
    (await app.inject('/metrics')).body,
    /tessera_rate_limited_total\{profile="loginPerAccount"\} 1/,
  )
})

test('a 401 to credentials of another scheme than Bearer names no error (RFC 6750 §3.1)', async (t) => {
  const { call } = await liveServer(t)
  for (const authorization of [
    'Basic Zm9vOmJhcg==',
    'basic  Zm9vOmJhcg==',
    'Digest username="x", realm="r"',
    'Token abc',
  ]) {
    const res = await call('GET', '/auth/validate', { headers: { authorization } })
    assert.equal(res.status, 401, authorization)
    assert.equal(res.body.error, 'invalid_token', authorization)
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="default"', authorization)
  }
  // A Bearer token that is not good still says why.
  const bad = await call('GET', '/auth/validate', { token: 'eyJhbGciOiJub25lIn0.e30.' })
  assert.equal(bad.status, 401)
  assert.match(
    String(bad.headers.get('www-authenticate')),
    /^Bearer realm="default", error="invalid_token", error_description="[^"]+"$/,
  )
})

test("errors Fastify meets before routing get the app's body and headers", async (t) => {
  const { call } = await liveServer(t)
  const login = await call('POST', '/auth/login', {
    json: { username: 'admin', password: ADMIN_PASSWORD },
  })
  const token = login.body.access_token as string
  const assertOurs = (reply: Reply, status: number, what: string) => {
    assert.equal(reply.status, status, `${what}: ${reply.text}`)
    assert.deepEqual(Object.keys(reply.body).sort(), [
      'code',
      'error',
      'error_description',
      'request_id',
    ])
    assert.equal(reply.body.code, 'ERR_INVALID_INPUT', what)
    assert.equal(reply.body.error, 'invalid_request', what)
    assert.equal(reply.headers.get('x-request-id'), reply.body.request_id, what)
    assert.equal(reply.headers.get('cache-control'), 'no-store', what)
    assert.equal(reply.headers.get('x-content-type-options'), 'nosniff', what)
    assert.match(String(reply.headers.get('content-security-policy')), /default-src 'none'/, what)
  }
  assertOurs(await call('GET', '/auth/%zz'), 400, 'an undecodable URL')
  assertOurs(await call('GET', '/t/%zz/auth/me', { token }), 400, 'an undecodable tenant')
  // An id of a valid length reaches its route (and its schema); a longer one is bad input too.
  const valid = await call('DELETE', `/auth/sessions/${'a'.repeat(101)}`, { token })
  assert.notEqual(valid.status, 414, valid.text)
  assert.ok(['ERR_NOT_FOUND', 'ERR_INVALID_INPUT'].includes(String(valid.body.code)), valid.text)
  assertOurs(
    await call('DELETE', `/auth/sessions/${'a'.repeat(1000)}`, { token }),
    400,
    'an overlong id',
  )
})

test('a malformed Bearer header is 400 invalid_request with a challenge saying so (RFC 6750 §3)', async (t) => {
  const { call } = await liveServer(t)
  const login = await call('POST', '/auth/login', {
    json: { username: 'admin', password: ADMIN_PASSWORD },
  })
  const token = login.body.access_token as string
  for (const [path, authorization] of [
    ['/auth/validate', 'Bearer a b'],
    ['/auth/me', 'Bearer'],
    ['/admin/users', 'bearer a,b'],
  ] as const) {
    const res = await call('GET', path, { headers: { authorization } })
    assert.equal(res.status, 400, `${path} ${authorization}`)
    assert.equal(res.body.error, 'invalid_request')
    assert.match(
      String(res.headers.get('www-authenticate')),
      /^Bearer realm="default", error="invalid_request", error_description="[^"]+"$/,
      `${path} ${authorization}`,
    )
  }
  // Bad input with good credentials is no matter of authentication: no challenge.
  const body = await call('POST', '/admin/users', { token, json: { username: 1 } })
  assert.equal(body.status, 400)
  assert.equal(body.headers.get('www-authenticate'), null)
})

test('a request Node cannot parse gets our error body and Connection: close', async (t) => {
  const { url } = await liveServer(t)
  const { port } = new URL(url)
  const raw = (request: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1')
      let text = ''
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
      socket.on('close', () => resolve(text))
      socket.on('error', reject)
      socket.end(request)
    })
  const parse = (text: string) => {
    const [head = '', body = ''] = text.split('\r\n\r\n')
    const [status = '', ...lines] = head.split('\r\n')
    const headers = Object.fromEntries(
      lines.map((line) => [
        line.slice(0, line.indexOf(':')).toLowerCase(),
        line.slice(line.indexOf(':') + 1).trim(),
      ]),
    )
    return { status, headers, body: JSON.parse(body) as Record<string, unknown> }
  }
  const badByte = parse(await raw('GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n'))
  const tooLarge = parse(
    await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
  )
  for (const [res, status] of [
    [badByte, 400],
    [tooLarge, 431],
  ] as const) {
    assert.match(res.status, new RegExp(`^HTTP/1.1 ${status} `))
    assert.deepEqual(res.body, {
      error: 'invalid_request',
      error_description: res.body.error_description,
      code: 'ERR_INVALID_INPUT',
    })
    assert.equal(typeof res.body.error_description, 'string')
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    assert.equal(res.headers.connection, 'close')
    assert.equal(res.headers['cache-control'], 'no-store')
  }
})
