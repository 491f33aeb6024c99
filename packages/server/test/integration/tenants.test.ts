// Tenants kept apart: same usernames, separate keys, and no token of one tenant accepted by another.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD, PASSWORD } from '../support.js'
import { liveServer } from './server.js'

test('two tenants share nothing', async (t) => {
  const { call } = await liveServer(t)
  const root = await call('POST', '/auth/login', {
    json: { username: 'admin', password: ADMIN_PASSWORD },
  })
  const adminToken = root.body.access_token as string
  for (const name of ['acme', 'beta']) {
    const res = await call('POST', '/admin/tenants', { token: adminToken, json: { name } })
    assert.equal(res.status, 201)
  }
  // The same username in both tenants, with different passwords.
  for (const [name, password] of [
    ['acme', PASSWORD],
    ['beta', `${PASSWORD}!`],
  ] as const) {
    const res = await call('POST', `/t/${name}/admin/users`, {
      token: adminToken,
      json: { username: 'sam', password },
    })
    assert.equal(res.status, 201)
  }
  const login = (tenant: string, password: string) =>
    call('POST', `/t/${tenant}/auth/login`, { json: { username: 'sam', password } })
  const acme = await login('acme', PASSWORD)
  assert.equal(acme.status, 200)
  assert.equal((await login('beta', PASSWORD)).body.code, 'ERR_INVALID_CREDENTIALS')
  assert.equal(
    (await call('POST', '/auth/login', { json: { username: 'sam', password: PASSWORD } })).status,
    401,
  )
  const acmeToken = acme.body.access_token as string
  const acmeRefresh = acme.body.refresh_token as string

  // Each tenant has its own issuer and keys.
  const acmeClaims = await call('GET', '/t/acme/auth/validate', { token: acmeToken })
  assert.equal(acmeClaims.body.iss, 'http://tessera.test/t/acme')
  const acmeKid = (
    (await call('GET', '/t/acme/.well-known/jwks.json')).body.keys as { kid: string }[]
  )[0]!.kid
  const betaKid = (
    (await call('GET', '/t/beta/.well-known/jwks.json')).body.keys as { kid: string }[]
  )[0]!.kid
  assert.notEqual(acmeKid, betaKid)

  // An acme token is nothing in beta or at the root, whatever the endpoint.
  for (const prefix of ['/t/beta', '']) {
    assert.equal((await call('GET', `${prefix}/auth/validate`, { token: acmeToken })).status, 401)
    assert.equal((await call('GET', `${prefix}/auth/me`, { token: acmeToken })).status, 401)
    const refresh = await call('POST', `${prefix}/auth/refresh`, {
      json: { refresh_token: acmeRefresh },
    })
    assert.equal(refresh.body.code, 'ERR_TOKEN_INVALID')
    const revoke = await call('POST', `${prefix}/auth/revoke`, { json: { token: acmeRefresh } })
    assert.deepEqual(revoke.body, { revoked: false })
  }
  assert.equal(
    (await call('GET', '/t/acme/auth/me', { token: acmeToken })).status,
    200,
    'still alive',
  )
  assert.equal((await call('GET', '/t/acme/auth/me', { token: adminToken })).status, 401)
  const unknown = await call('GET', '/t/nobody/auth/me', { token: acmeToken })
  assert.equal(unknown.status, 404)
})

test('a tenant takes only a signing algorithm it can make keys for, and stays usable', async (t) => {
  const { call } = await liveServer(t)
  const root = await call('POST', '/auth/login', {
    json: { username: 'admin', password: ADMIN_PASSWORD },
  })
  const token = root.body.access_token as string
  for (const alg of ['none', 'es256', 'HS999', '']) {
    const created = await call('POST', '/admin/tenants', {
      token,
      json: { name: 'gamma', settings: { signing_algorithm: alg } },
    })
    assert.equal(created.status, 400, `POST ${alg}: ${created.text}`)
    assert.equal(created.body.code, 'ERR_INVALID_INPUT')
  }
  const created = await call('POST', '/admin/tenants', {
    token,
    json: { name: 'gamma', settings: { signing_algorithm: 'EdDSA' } },
  })
  assert.equal(created.status, 201, created.text)
  for (const alg of ['none', 'ES257']) {
    const patched = await call('PATCH', '/admin/tenants/gamma', {
      token,
      json: { signing_algorithm: alg },
    })
    assert.equal(patched.status, 400, `PATCH ${alg}: ${patched.text}`)
    assert.equal(patched.body.code, 'ERR_INVALID_INPUT')
    assert.equal(patched.body.error, 'invalid_request')
  }
  const rotated = await call('POST', '/t/gamma/admin/keys/rotate', { token })
  assert.equal(rotated.status, 200, rotated.text)
  const jwks = await call('GET', '/t/gamma/.well-known/jwks.json')
  assert.equal(jwks.status, 200, jwks.text)
  assert.ok((jwks.body.keys as { alg: string }[]).every((key) => key.alg === 'EdDSA'))
})
