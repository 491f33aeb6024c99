// Every bad-input path over HTTP (issue 5 §5), found from the server's own OpenAPI document: each
// operation with a request body refuses a malformed body, a missing required member, a member of
// the wrong type and an unsupported content type with 400 (415) ERR_INVALID_INPUT, an RFC 6749
// invalid_request, and no stack trace, even when the caller is fully authorized.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD } from '../support.js'
import { liveServer, type Reply } from './server.js'

interface Schema {
  type?: string
  required?: string[]
  properties?: Record<string, Schema>
}
interface Operation {
  requestBody?: { content: Record<string, { schema: Schema }> }
}

function assertBadInput(reply: Reply, what: string, status = 400): void {
  assert.equal(reply.status, status, `${what}: ${reply.text}`)
  assert.equal(reply.body.code, 'ERR_INVALID_INPUT', what)
  assert.equal(reply.body.error, 'invalid_request', what)
  assert.equal(typeof reply.body.request_id, 'string', what)
}

test('every request body is checked: malformed, incomplete, mistyped, wrong media type', async (t) => {
  const { call } = await liveServer(t, { TESSERA_RATE_LIMITS: 'off' })
  const login = await call('POST', '/auth/login', {
    json: { username: 'admin', password: ADMIN_PASSWORD },
  })
  const token = login.body.access_token as string
  const me = await call('GET', '/auth/me', { token })
  const created = await call('POST', '/admin/api-keys', {
    token,
    json: { name: 'bad-input', scopes: ['admin', 'introspect'] },
  })
  const { key, api_key } = created.body as { key: string; api_key: { id: string } }
  const basic = `Basic ${Buffer.from(`${api_key.id}:${key}`).toString('base64')}`
  // Whoever each route wants: an API key for OAuth's endpoints, the admin elsewhere.
  const auth = (path: string) =>
    path.startsWith('/oauth/') ? { authorization: basic } : { authorization: `Bearer ${token}` }
  const send = (method: string, path: string, type: string, body: string) =>
    call(method, path, { headers: { ...auth(path), 'content-type': type }, raw: body })

  const openapi = (await call('GET', '/openapi.json')).body as {
    paths: Record<string, Record<string, Operation>>
  }
  let checked = 0
  for (const [template, operations] of Object.entries(openapi.paths)) {
    if (template.startsWith('/t/')) continue // the same routes, under a tenant
    const path = template.replace('{id}', String(me.body.id)).replace('{name}', 'default')
    for (const [lower, operation] of Object.entries(operations)) {
      if (operation.requestBody === undefined) continue
      const method = lower.toUpperCase()
      const [type, { schema }] = Object.entries(operation.requestBody.content)[0]!
      const what = `${method} ${template}`
      const json = type === 'application/json'
      checked++

      if (json) assertBadInput(await send(method, path, type, '{"a":'), `${what} malformed`)
      assertBadInput(await send(method, path, 'application/xml', '<a/>'), `${what} as XML`, 415)
      if ((schema.required ?? []).length > 0) {
        const empty = json ? '{}' : ''
        assertBadInput(await send(method, path, type, empty), `${what} without its members`)
      }
      if (!json) continue // a form has only strings
      for (const name of Object.keys(schema.properties ?? {})) {
        const body = JSON.stringify({ [name]: { not: 'this' } })
        assertBadInput(await send(method, path, type, body), `${what} ${name} of the wrong type`)
      }
    }
  }
  assert.ok(checked >= 13, `every operation with a body (${checked})`)
})
