// A resource server protected by @tessera/guard against a real Tessera on a loopback port, as the
// root README's five-minute walkthrough builds it: the guard fetches Tessera's JWKS, accepts its
// access tokens, keeps accepting them across a key rotation with no restart, and refuses the tokens
// of a key revoked in an emergency once it fetches the set again.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createGuard } from '@tessera/guard'
import { fastifyGuard } from '@tessera/guard/fastify'
import { jwt } from '@tessera/jose'
import Fastify from 'fastify'
import { ADMIN_PASSWORD } from '../support.js'
import { liveServer } from './server.js'

test('a guarded API accepts Tessera tokens across a key rotation, and drops a revoked key', async (t) => {
  const { url, call, clock } = await liveServer(t)
  const login = async () => {
    const res = await call('POST', '/auth/login', {
      json: { username: 'admin', password: ADMIN_PASSWORD },
    })
    assert.equal(res.status, 200, res.text)
    return res.body.access_token as string
  }

  // The resource server: its own Fastify app, with the guard on Tessera's JWKS URL. Its key cache
  // runs on the test's clock, as Tessera does.
  const guard = createGuard({
    issuer: 'http://tessera.test',
    audience: 'tessera',
    jwksUrl: `${url}/.well-known/jwks.json`,
    remote: { now: clock.fn },
  })
  const api = Fastify()
  t.after(() => api.close())
  await api.register(fastifyGuard, { guard })
  api.get('/orders', { preHandler: api.requireAuth() }, async (req) => ({ owner: req.auth!.sub }))
  api.get('/audit', { preHandler: api.requireAuth({ roles: ['auditor'] }) }, async () => 'no')
  const get = (path: string, token?: string) =>
    api.inject({
      url: path,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    })

  const before = await login()
  const accepted = await get('/orders', before)
  assert.equal(accepted.statusCode, 200, accepted.body)
  assert.equal((await get('/orders')).statusCode, 401)
  const forbidden = await get('/audit', before)
  assert.equal(forbidden.statusCode, 403)
  assert.match(String(forbidden.headers['www-authenticate']), /insufficient_scope/)

  // Rotate: the next key is published at once, and signs after pre-publication (10 minutes).
  const rotated = await call('POST', '/admin/keys/rotate', { token: before })
  assert.equal(rotated.status, 200, rotated.text)
  const newKid = rotated.body.kid as string
  clock.advance(11 * 60_000)
  const after = await login()
  assert.equal(jwt.getUnverifiedHeader(after).kid, newKid)
  assert.notEqual(jwt.getUnverifiedHeader(before).kid, newKid)
  assert.equal((await get('/orders', after)).statusCode, 200, 'the new key, with no restart')
  assert.equal((await get('/orders', before)).statusCode, 200, 'the retired key still verifies')

  // An emergency revocation: the old key leaves the JWKS; the guard drops it on its next fetch.
  const oldKid = jwt.getUnverifiedHeader(before).kid as string
  const revoked = await call('POST', `/admin/keys/${oldKid}/revoke`, { token: after })
  assert.equal(revoked.status, 204, revoked.text)
  await guard.keySet!.reload()
  const refused = await get('/orders', before)
  assert.equal(refused.statusCode, 401)
  assert.match(String(refused.headers['www-authenticate']), /invalid_token/)
  assert.equal((await get('/orders', after)).statusCode, 200)
})
