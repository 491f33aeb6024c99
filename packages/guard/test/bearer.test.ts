// The Authorization header and the request (RFC 6750 sections 2.1 and 3.1), through a guard with a
// static key: no credentials, another scheme, malformed headers, two credentials, the length bound.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createGuard, type VerifyResult } from '../src/index.js'
import { AUDIENCE, ISSUER, assertAccepted, assertRefused, k1, mint } from './support.js'

const guard = createGuard({ issuer: ISSUER, audience: AUDIENCE, key: k1.publicKey() })
const token = mint(k1)
const BARE = `Bearer realm="${AUDIENCE}"`
const invalidRequest =
  /^Bearer realm="orders-api", error="invalid_request", error_description="[^"]+"$/

/** No refusal may carry the token, whole or in part. */
function neverEchoes(result: VerifyResult, secret: string) {
  const text = JSON.stringify(result)
  for (const part of secret.split('.')) {
    if (part.length > 8) assert.equal(text.includes(part), false, 'the token is not echoed')
  }
}

test('a good token in a Bearer header is accepted, whatever the case of the scheme', async () => {
  for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
    const claims = assertAccepted(await guard.verify(`${scheme} ${token}`))
    assert.equal(claims.sub, 'u1')
  }
  assertAccepted(await guard.verify(`Bearer    ${token}`)) // 1*SP
  assertAccepted(await guard.verify([`Bearer ${token}`])) // one header, as a list
  assertAccepted(await guard.verifyToken(token))
})

test('no credentials: 401 with a bare challenge and no error code', async () => {
  for (const none of [undefined, []]) {
    const result = assertRefused(await guard.verify(none), 401, 'missing_token', BARE)
    assert.equal(result.retryAfter, undefined)
  }
  assertRefused(await guard.verifyToken(undefined), 401, 'missing_token', BARE)
  assertRefused(await guard.verifyToken(''), 401, 'missing_token', BARE)
  assertRefused(await guard.verifyRequest({ headers: {} }), 401, 'missing_token', BARE)
})

test('another scheme with good syntax is no credentials for us: 401, no error code', async () => {
  for (const header of ['Basic dTpw', 'DPoP ' + token, 'Negotiate', 'Digest a="b", c=d']) {
    assertRefused(await guard.verify(header), 401, 'missing_token', BARE)
  }
})

test('a malformed Authorization header is 400 invalid_request', async () => {
  const malformed = [
    '',
    '   ',
    'Bearer',
    'Bearer ',
    `Bearer ${token} extra`,
    `Bearer ${token}, Bearer ${token}`,
    `Bearer "${token}"`,
    `Bearer\t${token}`,
    `(Bearer) ${token}`,
    `Bé ${token}`,
  ]
  for (const header of malformed) {
    const result = assertRefused(await guard.verify(header), 400, 'invalid_request', invalidRequest)
    neverEchoes(result, token)
  }
})

test('two credentials are 400 invalid_request: two headers, or a header and a query token', async () => {
  const twice = [`Bearer ${token}`, `Bearer ${token}`]
  assertRefused(await guard.verify(twice), 400, 'invalid_request', invalidRequest)
  const raw = {
    headers: { authorization: twice[0] },
    rawHeaders: ['Authorization', twice[0]!, 'authorization', twice[1]!],
  }
  assertRefused(await guard.verifyRequest(raw), 400, 'invalid_request', invalidRequest)
  const both = {
    headers: { authorization: `Bearer ${token}` },
    url: `/orders?access_token=${token}`,
  }
  const result = assertRefused(
    await guard.verifyRequest(both),
    400,
    'invalid_request',
    invalidRequest,
  )
  assert.equal(result.description, 'more than one way of sending an access token')
  neverEchoes(result, token)
})

test('a token in the query alone is refused with a hint, and never accepted', async () => {
  const request = { headers: {}, url: `/orders?page=2&access_token=${token}` }
  const result = assertRefused(
    await guard.verifyRequest(request),
    400,
    'invalid_request',
    invalidRequest,
  )
  assert.match(result.description, /Authorization header/)
  // A parameter that merely contains the name is not a token.
  const other = {
    headers: { authorization: `Bearer ${token}` },
    url: '/orders?no_access_token_here=1',
  }
  assertAccepted(await guard.verifyRequest(other))
  const express = {
    headers: { authorization: `Bearer ${token}` },
    url: '/',
    originalUrl: '/o?access_token=x',
  }
  assertRefused(await guard.verifyRequest(express), 400, 'invalid_request', invalidRequest)
})

test('request headers are read as Node gives them', async () => {
  const rawHeaders = ['Host', 'api.example', 'AUTHORIZATION', `Bearer ${token}`]
  assertAccepted(
    await guard.verifyRequest({ headers: { authorization: `Bearer ${token}` }, rawHeaders }),
  )
  assertAccepted(await guard.verifyRequest({ headers: { authorization: `Bearer ${token}` } }))
})

test('token length is bounded before anything is parsed', async () => {
  const small = createGuard({
    issuer: ISSUER,
    audience: AUDIENCE,
    key: k1.publicKey(),
    maxTokenLength: 100,
  })
  const result = assertRefused(
    await small.verify(`Bearer ${token}`),
    401,
    'invalid_token',
    /error="invalid_token"/,
  )
  assert.equal(result.description, 'the token is longer than 100 characters')
  assertRefused(await small.verifyToken(token), 401, 'invalid_token', /error="invalid_token"/)
  const huge = 'a'.repeat(8193)
  assertRefused(await guard.verify(`Bearer ${huge}`), 401, 'invalid_token', /longer than 8192/)
})

test('refusals of bad tokens never echo them', async () => {
  const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA')
  const result = assertRefused(
    await guard.verify(`Bearer ${tampered}`),
    401,
    'invalid_token',
    /invalid_token/,
  )
  neverEchoes(result, tampered)
  assertRefused(await guard.verify('Bearer not-a-jwt'), 401, 'invalid_token', /malformed/)
})
