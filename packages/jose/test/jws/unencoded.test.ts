// RFC 7797 unencoded payloads (`b64: false`), in the compact and JSON serializations. JWTs never
// accept them (RFC 7797 section 7).
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { test } from 'node:test'
import { errors, jws, jwt } from '../../src/index.js'
import { b64, keyFor, throwsCode, verifyKeyFor } from '../fixtures.js'

const hmac = keyFor('HS256')
const UNENCODED = { b64: false, crit: ['b64'] }

/** A compact JWS over any header and raw payload text, signed with the HS256 key. */
function compact(header: Record<string, unknown>, payload: string): string {
  const input = Buffer.concat([Buffer.from(`${b64(header)}.`), Buffer.from(payload)])
  return `${b64(header)}.${payload}.${hmac.sign(input).toString('base64url')}`
}

test('compact: the option and the headers give the same JWS, the payload in clear', () => {
  const viaOption = jws.sign('$ 2,0', hmac, { unencodedPayload: true })
  const viaHeaders = jws.sign('$ 2,0', hmac, { headers: UNENCODED })
  assert.equal(viaOption, viaHeaders)
  const [header, payload] = viaOption.split('.')
  assert.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), {
    alg: 'HS256',
    ...(hmac.kid !== undefined && { kid: hmac.kid }),
    ...UNENCODED,
  })
  assert.equal(payload, '$ 2,0')
  assert.equal(jws.verify(viaOption, hmac, ['HS256']).toString(), '$ 2,0')
  assert.equal(jws.getUnverifiedClaims(viaOption).toString(), '$ 2,0')
  // Every algorithm signs the raw bytes.
  for (const alg of ['RS256', 'ES256', 'EdDSA']) {
    const token = jws.sign({ ok: true }, keyFor(alg), { unencodedPayload: true })
    assert.equal(token.split('.')[1], '{"ok":true}')
    assert.deepEqual(JSON.parse(jws.verify(token, verifyKeyFor(alg), [alg]).toString()), {
      ok: true,
    })
  }
})

test('non-ASCII text is signed as its UTF-8 bytes', () => {
  const text = 'héllo ✓ 😀 It’s'
  const token = jws.sign(text, hmac, { unencodedPayload: true })
  assert.equal(jws.verify(token, hmac, ['HS256']).toString(), text)
  assert.equal(token, compact(jws.getUnverifiedHeader(token), text))
  const json = jws.signJSON(text, [{ key: hmac }], { unencodedPayload: true })
  assert.equal(json.payload, text)
  assert.equal(jws.verifyJSON(JSON.stringify(json), hmac, ['HS256']).payload.toString(), text)
})

test('compact: a "." or bytes that are not UTF-8 cannot travel unencoded', () => {
  throwsCode(() => jws.sign('a.b', hmac, { unencodedPayload: true }), 'ERR_JWS_INVALID')
  throwsCode(() => jws.sign({ n: 1.5 }, hmac, { unencodedPayload: true }), 'ERR_JWS_INVALID')
  const binary = Buffer.from([0xff, 0xfe, 0x41])
  throwsCode(() => jws.sign(binary, hmac, { unencodedPayload: true }), 'ERR_JWS_INVALID')
  throwsCode(
    () => jws.signJSON(binary, [{ key: hmac }], { unencodedPayload: true }),
    'ERR_JWS_INVALID',
  )
  // JSON carries a "."; a detached payload may be anything.
  const json = jws.signJSON('$.02', [{ key: hmac }], { unencodedPayload: true, flattened: true })
  assert.equal(jws.verifyJSON(json, hmac, ['HS256']).payload.toString(), '$.02')
  const detached = jws.sign(binary, hmac, { unencodedPayload: true, detached: true })
  assert.deepEqual(jws.verify(detached, hmac, ['HS256'], { detachedPayload: binary }), binary)
})

test('b64: false is refused without crit, and b64 must be a boolean', () => {
  throwsCode(
    () => jws.verify(compact({ alg: 'HS256', b64: false }, 'p'), hmac, ['HS256']),
    'ERR_JWS_INVALID',
  )
  for (const b64Value of ['false', 0, null, []]) {
    const token = compact({ alg: 'HS256', b64: b64Value, crit: ['b64'] }, 'p')
    throwsCode(() => jws.verify(token, hmac, ['HS256']), 'ERR_JWS_INVALID')
  }
  // crit names b64, but the header lacks it.
  throwsCode(
    () => jws.verify(compact({ alg: 'HS256', crit: ['b64'] }, 'cA'), hmac, ['HS256']),
    'ERR_JWS_INVALID',
  )
  // b64: true, with or without crit, is the ordinary encoding.
  assert.equal(
    jws
      .verify(compact({ alg: 'HS256', b64: true, crit: ['b64'] }, 'cA'), hmac, ['HS256'])
      .toString(),
    'p',
  )
  // On signing, the same rules.
  throwsCode(() => jws.sign('p', hmac, { headers: { b64: false } }), 'ERR_JWS_INVALID')
  throwsCode(() => jws.sign('p', hmac, { headers: { b64: 'no' } }), 'ERR_JWS_INVALID')
  throwsCode(
    () => jws.sign('p', hmac, { headers: { b64: true }, unencodedPayload: true }),
    'ERR_JWS_INVALID',
  )
  throwsCode(
    () => jws.sign('p', hmac, { headers: { crit: 'b64' }, unencodedPayload: true }),
    'ERR_JWS_INVALID',
  )
  throwsCode(
    () => jws.signJSON('p', [{ key: hmac, protectedHeader: { b64: false } }]),
    'ERR_JWS_INVALID',
  )
  // The JSON form checks the protected header of every signature.
  const flat = (header: Record<string, unknown>) => {
    const segment = b64(header)
    const signature = hmac.sign(`${segment}.p`).toString('base64url')
    return { payload: 'p', protected: segment, signature }
  }
  throwsCode(
    () => jws.verifyJSON(flat({ alg: 'HS256', b64: false }), hmac, ['HS256']),
    'ERR_JWS_INVALID',
  )
  assert.equal(
    jws.verifyJSON(flat({ alg: 'HS256', ...UNENCODED }), hmac, ['HS256']).payload.toString(),
    'p',
  )
})

test("other critical extensions stay the caller's to understand", () => {
  const token = jws.sign('p', hmac, { headers: { crit: ['ext'], ext: 1 }, unencodedPayload: true })
  assert.deepEqual(jws.getUnverifiedHeader(token).crit, ['ext', 'b64'])
  throwsCode(() => jws.verify(token, hmac, ['HS256']), 'ERR_JWS_INVALID')
  assert.equal(jws.verify(token, hmac, ['HS256'], { crit: ['ext'] }).toString(), 'p')
  // The caller cannot claim b64 for itself: the library implements it.
  throwsCode(() => jws.verify(token, hmac, ['HS256'], { crit: ['ext', 'b64'] }), 'ERR_JWS_INVALID')
  // Listing b64 in crit already is fine; it is not listed twice.
  const listed = jws.sign('p', hmac, { headers: { crit: ['b64'] }, unencodedPayload: true })
  assert.deepEqual(jws.getUnverifiedHeader(listed).crit, ['b64'])
})

test('every signature of a JSON JWS must agree on b64', () => {
  throwsCode(
    () => jws.signJSON('p', [{ key: hmac, protectedHeader: UNENCODED }, { key: keyFor('ES256') }]),
    'ERR_JWS_INVALID',
  )
  const both = jws.signJSON('p', [{ key: hmac }, { key: keyFor('ES256') }], {
    unencodedPayload: true,
  })
  assert.equal(both.payload, 'p')
  assert.equal(jws.verifyJSON(both, verifyKeyFor('ES256'), ['ES256']).signatureIndex, 1)
  // Mixed by hand: an encoded and an unencoded signature over the same payload member.
  const encoded = jws.signJSON('p', [{ key: hmac }])
  const mixed = {
    payload: 'p',
    signatures: [
      both.signatures[0]!,
      {
        ...encoded.signatures[0]!,
        signature: hmac.sign(`${encoded.signatures[0]!.protected}.p`).toString('base64url'),
      },
    ],
  }
  throwsCode(() => jws.verifyJSON(mixed, hmac, ['HS256']), 'ERR_JWS_INVALID')
})

test('an unencoded payload that is not valid text is refused', () => {
  const header = b64({ alg: 'HS256', ...UNENCODED })
  const text = `{"payload":"\\ud800","protected":"${header}","signature":"${'A'.repeat(43)}"}`
  throwsCode(() => jws.verifyJSON(text, hmac, ['HS256']), 'ERR_JWS_INVALID')
  throwsCode(
    () => jws.verify(`${header}.\ud800.${'A'.repeat(43)}`, hmac, ['HS256']),
    'ERR_JWS_INVALID',
  )
})

test('JWTs never accept b64: false (RFC 7797 section 7)', () => {
  // The raw payload is itself valid base64url of claims: a verifier that ignored b64 would read
  // {"sub":"u1"} from a signature over other bytes.
  const raw = b64({ sub: 'u1' })
  const token = jws.sign(raw, hmac, { headers: { typ: 'JWT' }, unencodedPayload: true })
  assert.equal(jws.verify(token, hmac, ['HS256']).toString(), raw)
  const refused = (fn: () => unknown) =>
    assert.throws(fn, (err) => err instanceof errors.JWTError && err.code === 'ERR_JWT_MALFORMED')
  refused(() => jwt.decode(token, hmac, { algorithms: ['HS256'] }))
  refused(() => jwt.decode(token, hmac, { algorithms: ['HS256'], crit: ['b64'] }))
  refused(() => jwt.createVerifier({ key: hmac, algorithms: ['HS256'] })(token))
  for (const headers of [UNENCODED, { b64: false }]) {
    assert.throws(
      () => jwt.encode({ sub: 'u1' }, hmac, { headers }),
      (err) => err instanceof errors.JWTError,
    )
  }
})
