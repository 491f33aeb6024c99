// Detached content (RFC 7515 appendix F), in the compact and JSON serializations.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { test } from 'node:test'
import { jws } from '../../src/index.js'
import { keyFor, throwsCode, verifyKeyFor } from '../fixtures.js'

const hmac = keyFor('HS256')
const CONTENT = 'the content travels separately'

test('compact: an empty payload segment, verified against the detached payload', () => {
  for (const alg of ['HS256', 'ES256', 'PS256']) {
    const token = jws.sign(CONTENT, keyFor(alg), { detached: true })
    const [header, payload, signature] = token.split('.')
    assert.equal(payload, '')
    assert.ok(header!.length > 0 && signature!.length > 0)
    // The signature is the one the attached form carries.
    const attached = jws.sign(CONTENT, keyFor(alg))
    if (alg === 'HS256') assert.equal(signature, attached.split('.')[2])
    for (const detachedPayload of [
      CONTENT,
      Buffer.from(CONTENT),
      new TextEncoder().encode(CONTENT),
    ]) {
      const bytes = jws.verify(token, verifyKeyFor(alg), [alg], { detachedPayload })
      assert.equal(bytes.toString(), CONTENT)
    }
  }
})

test('compact: a wrong, missing or extra payload is refused', () => {
  const token = jws.sign(CONTENT, hmac, { detached: true })
  throwsCode(
    () => jws.verify(token, hmac, ['HS256'], { detachedPayload: `${CONTENT}!` }),
    'ERR_JWS_SIGNATURE_INVALID',
  )
  // Without detachedPayload the payload is the empty one, which is not what was signed.
  throwsCode(() => jws.verify(token, hmac, ['HS256']), 'ERR_JWS_SIGNATURE_INVALID')
  // A JWS with its own payload, and a detached one: refused rather than guessed.
  const attached = jws.sign(CONTENT, hmac)
  throwsCode(
    () => jws.verify(attached, hmac, ['HS256'], { detachedPayload: CONTENT }),
    'ERR_JWS_INVALID',
  )
  for (const detachedPayload of [42, null, { a: 1 }, [1]]) {
    throwsCode(
      () => jws.verify(token, hmac, ['HS256'], { detachedPayload: detachedPayload as never }),
      'ERR_JOSE_INVALID_OPTIONS',
    )
  }
  // An empty payload that is really empty still verifies as one.
  assert.equal(jws.verify(jws.sign('', hmac), hmac, ['HS256']).length, 0)
  assert.equal(jws.verify(jws.sign('', hmac, { detached: true }), hmac, ['HS256']).length, 0)
  assert.equal(jws.getUnverifiedClaims(token).length, 0)
})

test('compact: detached and unencoded together (RFC 7797 section 5.1, the usual case)', () => {
  const binary = Buffer.from([0, 0x2e, 0xff, 0x80])
  const token = jws.sign(binary, hmac, { detached: true, unencodedPayload: true })
  assert.equal(token.split('.')[1], '')
  assert.deepEqual(jws.verify(token, hmac, ['HS256'], { detachedPayload: binary }), binary)
  throwsCode(
    () => jws.verify(token, hmac, ['HS256'], { detachedPayload: Buffer.from([0, 0x2e, 0xff]) }),
    'ERR_JWS_SIGNATURE_INVALID',
  )
  // Signed over the raw bytes, not their base64url form.
  const encoded = jws.sign(binary, hmac, { detached: true })
  assert.notEqual(encoded.split('.')[2], token.split('.')[2])
})

test('JSON: no payload member; verified against the detached payload', () => {
  const general = jws.signJSON(CONTENT, [{ key: hmac }, { key: keyFor('ES256') }], {
    detached: true,
  })
  assert.equal('payload' in general, false)
  const flat = jws.signJSON(CONTENT, [{ key: hmac }], { detached: true, flattened: true })
  assert.deepEqual(Object.keys(flat), ['protected', 'signature'])
  const result = jws.verifyJSON(general, verifyKeyFor('ES256'), ['ES256'], {
    detachedPayload: CONTENT,
  })
  assert.equal(result.payload.toString(), CONTENT)
  assert.equal(result.signatureIndex, 1)
  assert.equal(
    jws
      .verifyJSON(JSON.stringify(flat), hmac, ['HS256'], { detachedPayload: CONTENT })
      .payload.toString(),
    CONTENT,
  )
  // Missing, wrong or doubled payloads.
  throwsCode(() => jws.verifyJSON(general, hmac, ['HS256']), 'ERR_JWS_INVALID')
  throwsCode(
    () => jws.verifyJSON(flat, hmac, ['HS256'], { detachedPayload: 'other' }),
    'ERR_JWS_SIGNATURE_INVALID',
  )
  const attached = jws.signJSON(CONTENT, [{ key: hmac }], { flattened: true })
  throwsCode(
    () => jws.verifyJSON(attached, hmac, ['HS256'], { detachedPayload: CONTENT }),
    'ERR_JWS_INVALID',
  )
  throwsCode(
    () => jws.verifyJSON({ ...flat, payload: '' }, hmac, ['HS256'], { detachedPayload: CONTENT }),
    'ERR_JWS_INVALID',
  )
  throwsCode(
    () => jws.verifyJSON(flat, hmac, ['HS256'], { detachedPayload: 7 as never }),
    'ERR_JOSE_INVALID_OPTIONS',
  )
  // The signatures are those of the attached form: the JSON and compact forms interchange.
  const compact = jws.sign(CONTENT, hmac, { detached: true })
  assert.equal(flat.signature, compact.split('.')[2])
  assert.equal(flat.protected, compact.split('.')[0])
})

test('JSON: detached and unencoded, any bytes', () => {
  const binary = Buffer.from([0xff, 0x00, 0x2e])
  const signed = jws.signJSON(binary, [{ key: hmac }], { detached: true, unencodedPayload: true })
  assert.deepEqual(
    jws.verifyJSON(signed, hmac, ['HS256'], { detachedPayload: binary }).payload,
    binary,
  )
})
