// RFC 9278 JWK thumbprint URIs.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { jwk } from '../../src/index.js'
import { throwsCode } from '../fixtures.js'

// The RFC 7638 section 3.1 key, which RFC 9278 section 3 uses for its example.
const RFC7638_KEY = {
  kty: 'RSA',
  n:
    '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP' +
    'ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY3' +
    '68QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4' +
    'lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
}

test('RFC 9278 section 3: the example thumbprint URI', () => {
  const key = jwk.construct(RFC7638_KEY)
  assert.equal(
    key.thumbprintURI(),
    'urn:ietf:params:oauth:jwk-thumbprint:sha-256:NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  )
  assert.equal(key.thumbprintURI('sha256'), key.thumbprintURI())
})

test('the hash is named as in the IANA Named Information registry, and checked', () => {
  const key = jwk.construct(RFC7638_KEY)
  const canonical = `{"e":"AQAB","kty":"RSA","n":"${RFC7638_KEY.n}"}`
  for (const [hash, name] of [
    ['sha384', 'sha-384'],
    ['sha512', 'sha-512'],
  ] as const) {
    const expected = createHash(hash).update(canonical).digest('base64url')
    assert.equal(
      key.thumbprintURI(hash),
      `urn:ietf:params:oauth:jwk-thumbprint:${name}:${expected}`,
    )
  }
  throwsCode(() => key.thumbprintURI('md5' as never), 'ERR_JWK_INVALID')
  throwsCode(() => key.thumbprintURI('__proto__' as never), 'ERR_JWK_INVALID')
})

test('every key type has a thumbprint URI, the same for a key and its public half', () => {
  for (const spec of ['ES256', 'EdDSA', 'HS256'] as const) {
    const key = jwk.generate(spec)
    const uri = key.thumbprintURI()
    assert.match(uri, /^urn:ietf:params:oauth:jwk-thumbprint:sha-256:[A-Za-z0-9_-]{43}$/)
    if (key.type !== 'secret') assert.equal(key.publicKey().thumbprintURI(), uri)
  }
})
