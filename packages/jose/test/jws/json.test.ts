// JWS JSON Serialization (RFC 7515 section 7.2): general and flattened, signing and verification.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { test } from 'node:test'
import { errors, jwk, jws, type JWK } from '../../src/index.js'
import { b64, keyFor, rsaPair, throwsCode, verifyKeyFor } from '../fixtures.js'

const PAYLOAD = 'It’s a dangerous business, Frodo'
const PAYLOAD_B64 = Buffer.from(PAYLOAD).toString('base64url')
const hmac = keyFor('HS256')

/** A signature entry over PAYLOAD made with the HS256 key, with any headers at all. */
function entry(
  protectedHeader: Record<string, unknown> | undefined,
  header?: Record<string, unknown>,
): Record<string, unknown> {
  const segment = protectedHeader === undefined ? '' : b64(protectedHeader)
  const signature = hmac.sign(`${segment}.${PAYLOAD_B64}`).toString('base64url')
  return {
    ...(protectedHeader !== undefined && { protected: segment }),
    ...(header !== undefined && { header }),
    signature,
  }
}

const general = (...signatures: Record<string, unknown>[]) =>
  ({ payload: PAYLOAD_B64, signatures }) as unknown as jws.GeneralJWS

test('three signatures (RS256, ES512, HS256, as RFC 7520 4.8): each key finds its own', () => {
  const signed = jws.signJSON(PAYLOAD, [
    { key: keyFor('RS256'), unprotectedHeader: { kid: 'bilbo' } },
    { key: keyFor('ES512'), protectedHeader: { cty: 'text/plain' } },
    { key: hmac },
  ])
  assert.equal(signed.payload, PAYLOAD_B64)
  assert.equal(signed.signatures.length, 3)
  for (const [index, alg] of ['RS256', 'ES512', 'HS256'].entries()) {
    const result = jws.verifyJSON(signed, verifyKeyFor(alg), [alg])
    assert.equal(result.payload.toString(), PAYLOAD)
    assert.equal(result.signatureIndex, index)
    assert.equal(result.protectedHeader?.alg, alg)
    // Also as JSON text, and with every algorithm allowed: the key still picks its signature.
    const fromText = jws.verifyJSON(JSON.stringify(signed), verifyKeyFor(alg), [
      'RS256',
      'ES512',
      'HS256',
    ])
    assert.equal(fromText.signatureIndex, index)
  }
  // The kid went where the caller put it: unprotected for RS256, protected (the key's) for ES512.
  const rsa = jws.verifyJSON(signed, verifyKeyFor('RS256'), ['RS256'])
  assert.deepEqual(rsa.protectedHeader, { alg: 'RS256' })
  assert.deepEqual(rsa.unprotectedHeader, { kid: 'bilbo' })
  const ec = jws.verifyJSON(signed, verifyKeyFor('ES512'), ['ES512'])
  assert.deepEqual(ec.protectedHeader, {
    alg: 'ES512',
    kid: keyFor('ES512').kid,
    cty: 'text/plain',
  })
  assert.equal(ec.unprotectedHeader, undefined)
  assert.equal(ec.key.kid, keyFor('ES512').kid)
})

test('a key set is narrowed by the kid of the joint header, protected or not', () => {
  const rsa = keyFor('RS256').publicKey()
  const ec = keyFor('ES512').publicKey()
  const set = new jwk.KeySet({
    keys: [
      { ...rsa.toJWK(), kid: 'bilbo' },
      { ...ec.toJWK(), kid: 'frodo' },
    ] as JWK[],
  })
  const signed = jws.signJSON(PAYLOAD, [
    { key: keyFor('RS256'), unprotectedHeader: { kid: 'bilbo' } },
    { key: keyFor('ES512'), protectedHeader: { kid: 'frodo' } },
  ])
  const result = jws.verifyJSON(signed, set, ['ES512'])
  assert.equal(result.signatureIndex, 1)
  assert.equal(result.key.kid, 'frodo')
  assert.equal(jws.verifyJSON(signed, set, ['RS256', 'ES512']).key.kid, 'bilbo')
  // No key of the set has the kid the signature names.
  const other = jws.signJSON(PAYLOAD, [{ key: keyFor('ES512'), unprotectedHeader: { kid: 'sam' } }])
  throwsCode(() => jws.verifyJSON(other, set, ['ES512']), 'ERR_JWS_SIGNATURE_INVALID')
})

test('flattened: one signature, its members at the top', () => {
  const signed = jws.signJSON({ a: 1 }, [{ key: hmac, unprotectedHeader: { note: 'x' } }], {
    flattened: true,
  })
  assert.deepEqual(Object.keys(signed), ['payload', 'protected', 'header', 'signature'])
  const result = jws.verifyJSON(signed, hmac, ['HS256'])
  assert.deepEqual(JSON.parse(result.payload.toString()), { a: 1 })
  assert.equal(result.signatureIndex, 0)
  assert.deepEqual(result.unprotectedHeader, { note: 'x' })
  // The same signature in the general syntax verifies too.
  const { payload, ...signature } = signed
  assert.equal(
    jws.verifyJSON({ payload, signatures: [signature] }, hmac, 'HS256').signatureIndex,
    0,
  )
  throwsCode(
    () => jws.signJSON('p', [{ key: hmac }, { key: hmac }], { flattened: true }),
    'ERR_JOSE_INVALID_OPTIONS',
  )
})

test('a signature that does not verify is skipped, never trusted', () => {
  const attacker = jwk.generate('HS256')
  const forged = jws.signJSON(PAYLOAD, [
    { key: attacker, unprotectedHeader: { kid: hmac.kid, role: 'admin' } },
  ]).signatures[0]!
  const genuine = jws.signJSON(PAYLOAD, [{ key: hmac }]).signatures[0]!
  const result = jws.verifyJSON(
    { payload: PAYLOAD_B64, signatures: [forged, genuine] },
    hmac,
    'HS256',
  )
  assert.equal(result.signatureIndex, 1)
  assert.equal(result.unprotectedHeader, undefined)
  // Alone, the forged one fails with its own error; several failing give a summary.
  throwsCode(
    () => jws.verifyJSON({ payload: PAYLOAD_B64, signatures: [forged] }, hmac, 'HS256'),
    'ERR_JWS_SIGNATURE_INVALID',
  )
  throwsCode(
    () => jws.verifyJSON({ payload: PAYLOAD_B64, signatures: [forged, forged] }, hmac, 'HS256'),
    'ERR_JWS_SIGNATURE_INVALID',
  )
  // A payload changed under valid signatures verifies with none of them.
  const signed = jws.signJSON(PAYLOAD, [{ key: hmac }, { key: hmac }])
  throwsCode(
    () => jws.verifyJSON({ ...signed, payload: b64(`${PAYLOAD}!`) }, hmac, ['HS256']),
    'ERR_JWS_SIGNATURE_INVALID',
  )
})

test('a signature the key is too weak for is skipped; when every one is, that is the error', () => {
  // A set with an old 1024-bit key beside a strong one, and a JWS signed by both, old first.
  const old = jwk.construct(rsaPair(1024).privateKey, 'RS256', {
    kid: 'old',
    insecureAllowWeakKeys: true,
  })
  const strong = keyFor('RS256')
  const signed = jws.signJSON(PAYLOAD, [{ key: old }, { key: strong }], {
    insecureAllowWeakKeys: true,
  })
  const set = new jwk.KeySet({ keys: [old.publicKey().toJWK(), strong.publicKey().toJWK()] })
  assert.equal(jws.verifyJSON(signed, set, ['RS256']).signatureIndex, 1)
  const insecure = { insecureAllowWeakKeys: true }
  assert.equal(jws.verifyJSON(signed, set, ['RS256'], insecure).signatureIndex, 0)
  // One 32-byte secret bound to no algorithm: a bogus HS512 entry first, which it is too short
  // for, then its own HS256 signature.
  const secret = jwk.generate({ kty: 'oct', size: 256 })
  const bogus = { protected: b64({ alg: 'HS512' }), signature: 'AAAA' }
  const own = jws.signJSON(PAYLOAD, [{ key: secret, algorithm: 'HS256' }]).signatures[0]!
  const doc = general(bogus, own as unknown as Record<string, unknown>)
  assert.equal(jws.verifyJSON(doc, secret, ['HS256', 'HS512']).signatureIndex, 1)
  // Every signature skipped as too weak: the first one's InvalidKeyError says why, as in jws.verify.
  const weakOnly = jws.signJSON(PAYLOAD, [{ key: old }, { key: old }], insecure)
  const publicOld = new jwk.KeySet({ keys: [old.publicKey().toJWK()] })
  throwsCode(
    () => jws.verifyJSON(weakOnly, publicOld, ['RS256']),
    'ERR_KEY_INVALID',
    errors.InvalidKeyError,
  )
  throwsCode(() => jws.verifyJSON(general(bogus, bogus), secret, ['HS512']), 'ERR_KEY_INVALID')
  // Otherwise the usual error: here one signature the key could check, and it did not verify.
  const forged = { protected: b64({ alg: 'HS256' }), signature: 'AAAA' }
  throwsCode(
    () => jws.verifyJSON(general(bogus, forged), secret, ['HS256', 'HS512']),
    'ERR_JWS_SIGNATURE_INVALID',
  )
})

test('the allow-list governs every signature', () => {
  const signed = jws.signJSON(PAYLOAD, [{ key: hmac }, { key: keyFor('ES256') }])
  throwsCode(() => jws.verifyJSON(signed, hmac, ['HS512']), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  // Without algorithms, the key's own alg is the allow-list.
  assert.equal(jws.verifyJSON(signed, verifyKeyFor('ES256')).signatureIndex, 1)
  throwsCode(() => jws.verifyJSON(signed, 'x'.repeat(32)), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  throwsCode(() => jws.verifyJSON(signed, hmac, []), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  throwsCode(() => jws.verifyJSON(signed, hmac, ['none']), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  const flat = jws.signJSON(PAYLOAD, [{ key: hmac }], { flattened: true })
  throwsCode(() => jws.verifyJSON(flat, hmac, ['HS384']), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  // alg none, protected or not, is never accepted.
  for (const none of [entry({ alg: 'none' }), entry(undefined, { alg: 'none' })]) {
    throwsCode(
      () => jws.verifyJSON(general(none), hmac, ['HS256']),
      'ERR_JWS_ALGORITHM_NOT_ALLOWED',
    )
  }
})

test('alg may be unprotected (RFC 7520 4.7); the allow-list and the key still decide', () => {
  const unprotected = entry(undefined, { alg: 'HS256' })
  assert.equal(jws.verifyJSON(general(unprotected), hmac, ['HS256']).payload.toString(), PAYLOAD)
  // The signature does not cover alg: changing it is not a forgery, only a failure.
  const changed = { ...unprotected, header: { alg: 'HS384' } }
  throwsCode(
    () => jws.verifyJSON(general(changed), hmac, ['HS256']),
    'ERR_JWS_ALGORITHM_NOT_ALLOWED',
  )
  throwsCode(
    () => jws.verifyJSON(general(changed), hmac, ['HS256', 'HS384']),
    'ERR_JWS_SIGNATURE_INVALID',
  )
  const asRsa = { ...unprotected, header: { alg: 'RS256' } }
  throwsCode(
    () => jws.verifyJSON(general(asRsa), verifyKeyFor('RS256'), ['RS256', 'HS256']),
    'ERR_JWS_SIGNATURE_INVALID',
  )
})

test('a header name in both the protected and the unprotected header is refused', () => {
  for (const duplicated of [
    entry({ alg: 'HS256', kid: 'a' }, { kid: 'a' }),
    entry({ alg: 'HS256' }, { alg: 'HS256' }),
    entry({ alg: 'HS256', x: 1 }, { x: 2 }),
  ]) {
    throwsCode(() => jws.verifyJSON(general(duplicated), hmac, ['HS256']), 'ERR_JWS_INVALID')
    // Even next to a signature that verifies: the JWS as a whole is malformed.
    throwsCode(
      () => jws.verifyJSON(general(entry({ alg: 'HS256' }), duplicated), hmac, ['HS256']),
      'ERR_JWS_INVALID',
    )
  }
  const sign = (signer: Record<string, unknown>) => () =>
    jws.signJSON('p', [{ key: hmac, ...signer }])
  throwsCode(sign({ unprotectedHeader: { alg: 'HS256' } }), 'ERR_JWS_INVALID')
  throwsCode(
    sign({ protectedHeader: { kid: 'a' }, unprotectedHeader: { kid: 'b' } }),
    'ERR_JWS_INVALID',
  )
  throwsCode(sign({ protectedHeader: { x: 1 }, unprotectedHeader: { x: 1 } }), 'ERR_JWS_INVALID')
})

test('crit and b64 only in the protected header; crit applies to every signature', () => {
  const critUnprotected = entry({ alg: 'HS256', ext: 1 }, { crit: ['ext'] })
  throwsCode(
    () => jws.verifyJSON(general(critUnprotected), hmac, ['HS256'], { crit: ['ext'] }),
    'ERR_JWS_INVALID',
  )
  const b64Unprotected = entry({ alg: 'HS256' }, { b64: true })
  throwsCode(() => jws.verifyJSON(general(b64Unprotected), hmac, ['HS256']), 'ERR_JWS_INVALID')
  // A critical extension must itself be protected.
  const extUnprotected = entry({ alg: 'HS256', crit: ['ext'] }, { ext: 1 })
  throwsCode(
    () => jws.verifyJSON(general(extUnprotected), hmac, ['HS256'], { crit: ['ext'] }),
    'ERR_JWS_INVALID',
  )
  const understood = entry({ alg: 'HS256', crit: ['ext'], ext: 1 })
  assert.equal(
    jws.verifyJSON(general(understood), hmac, ['HS256'], { crit: ['ext'] }).signatureIndex,
    0,
  )
  throwsCode(() => jws.verifyJSON(general(understood), hmac, ['HS256']), 'ERR_JWS_INVALID')
  throwsCode(
    () => jws.verifyJSON(general(entry({ alg: 'HS256' }), understood), hmac, ['HS256']),
    'ERR_JWS_INVALID',
  )
  for (const header of [{ crit: ['ext'] }, { b64: false }]) {
    throwsCode(
      () => jws.signJSON('p', [{ key: hmac, unprotectedHeader: header }]),
      'ERR_JWS_INVALID',
    )
  }
})

test('limits: JSON length, number of signatures, header sizes, nesting', () => {
  const many = jws.signJSON(
    PAYLOAD,
    Array.from({ length: 17 }, () => ({ key: hmac })),
  )
  throwsCode(() => jws.verifyJSON(many, hmac, ['HS256']), 'ERR_JWS_INVALID')
  assert.equal(
    jws.verifyJSON(many, hmac, ['HS256'], { limits: { maxSignatures: 17 } }).signatureIndex,
    0,
  )
  const two = jws.signJSON(PAYLOAD, [{ key: hmac }, { key: hmac }])
  throwsCode(
    () => jws.verifyJSON(two, hmac, ['HS256'], { limits: { maxSignatures: 1 } }),
    'ERR_JWS_INVALID',
  )
  for (const maxSignatures of [0, -1, 1.5, '2']) {
    throwsCode(
      () =>
        jws.verifyJSON(two, hmac, ['HS256'], { limits: { maxSignatures: maxSignatures as never } }),
      'ERR_JOSE_INVALID_OPTIONS',
    )
  }
  const big = jws.signJSON('x'.repeat(70_000), [{ key: hmac }])
  throwsCode(() => jws.verifyJSON(big, hmac, ['HS256']), 'ERR_JWS_INVALID')
  throwsCode(() => jws.verifyJSON(JSON.stringify(big), hmac, ['HS256']), 'ERR_JWS_INVALID')
  const limits = { maxTokenLength: 200_000 }
  assert.equal(jws.verifyJSON(big, hmac, ['HS256'], { limits }).payload.length, 70_000)
  const wideProtected = jws.signJSON('p', [
    { key: hmac, protectedHeader: { pad: 'x'.repeat(7000) } },
  ])
  throwsCode(() => jws.verifyJSON(wideProtected, hmac, ['HS256']), 'ERR_JWS_INVALID')
  const wideUnprotected = jws.signJSON('p', [
    { key: hmac, unprotectedHeader: { pad: 'x'.repeat(9000) } },
  ])
  throwsCode(() => jws.verifyJSON(wideUnprotected, hmac, ['HS256']), 'ERR_JWS_INVALID')
  let deep: unknown = 1
  for (let i = 0; i < 30; i++) deep = { d: deep }
  for (const signer of [{ protectedHeader: { deep } }, { unprotectedHeader: { deep } }]) {
    const signed = jws.signJSON('p', [{ key: hmac, ...signer }])
    throwsCode(() => jws.verifyJSON(signed, hmac, ['HS256']), 'ERR_JWS_INVALID')
    assert.ok(jws.verifyJSON(signed, hmac, ['HS256'], { limits: { maxJsonDepth: 40 } }))
  }
  // Deep nesting anywhere in the document, even in members that are ignored.
  const deepElsewhere = { ...jws.signJSON('p', [{ key: hmac }]), extra: deep }
  throwsCode(() => jws.verifyJSON(deepElsewhere, hmac, ['HS256']), 'ERR_JWS_INVALID')
  throwsCode(
    () => jws.verifyJSON(two, hmac, ['HS256'], { limits: { maxTokenLength: 0 } }),
    'ERR_JOSE_INVALID_OPTIONS',
  )
})

test('malformed JSON and a wrong type at every member give JWSError, never anything else', () => {
  const good = entry({ alg: 'HS256' })
  const cycle: Record<string, unknown> = {}
  cycle.self = cycle
  const bad: unknown[] = [
    '',
    '{',
    '[]',
    'null',
    '"text"',
    '42',
    `${JSON.stringify(general(good))}x`,
    42,
    null,
    undefined,
    [],
    true,
    Buffer.from(JSON.stringify(general(good))),
    cycle,
    { toJSON: () => 'x' },
    { payload: 1n, signatures: [good] },
    {},
    { payload: PAYLOAD_B64 },
    // payload
    { payload: 1, signatures: [good] },
    { payload: null, signatures: [good] },
    { payload: [PAYLOAD_B64], signatures: [good] },
    { payload: `${PAYLOAD_B64}=`, signatures: [good] },
    { payload: `${PAYLOAD_B64} `, signatures: [good] },
    { payload: PAYLOAD, signatures: [good] },
    // signatures
    { payload: PAYLOAD_B64, signatures: [] },
    { payload: PAYLOAD_B64, signatures: good },
    { payload: PAYLOAD_B64, signatures: 'x' },
    { payload: PAYLOAD_B64, signatures: null },
    { payload: PAYLOAD_B64, signatures: [good, 1] },
    { payload: PAYLOAD_B64, signatures: [good, null] },
    { payload: PAYLOAD_B64, signatures: [good, [good]] },
    // general and flattened at once
    { payload: PAYLOAD_B64, signatures: [good], signature: good.signature },
    { payload: PAYLOAD_B64, signatures: [good], protected: good.protected },
    { payload: PAYLOAD_B64, signatures: [good], header: {} },
    // protected
    general({ ...good, protected: 1 }),
    general({ ...good, protected: null }),
    general({ ...good, protected: '' }),
    general({ ...good, protected: `${good.protected}=` }),
    general({ ...good, protected: b64('[]') }),
    general({ ...good, protected: b64('null') }),
    general({ ...good, protected: b64('{"alg":') }),
    // header
    general({ ...good, header: [] }),
    general({ ...good, header: 'x' }),
    general({ ...good, header: null }),
    general({ ...good, header: 1 }),
    // signature
    general({ ...good, signature: 1 }),
    general({ ...good, signature: null }),
    general({ protected: good.protected }),
    general({ ...good, signature: `${good.signature}=` }),
    general({ ...good, signature: `${good.signature} ` }),
    general({ ...good, signature: `+${good.signature}` }),
    // neither protected nor header; no alg; alg or kid of the wrong type
    general({ signature: good.signature }),
    general(entry({})),
    general(entry(undefined, {})),
    general(entry({ alg: 1 })),
    general(entry(undefined, { alg: ['HS256'] })),
    general(entry({ alg: 'HS256', kid: 1 })),
    general(entry({ alg: 'HS256' }, { kid: {} })),
    // the same, flattened
    { payload: PAYLOAD_B64, protected: 1, signature: good.signature },
    { payload: PAYLOAD_B64, protected: good.protected, header: [], signature: good.signature },
    { payload: PAYLOAD_B64, protected: good.protected, signature: 1 },
    { payload: PAYLOAD_B64, protected: good.protected },
    { payload: 1, protected: good.protected, signature: good.signature },
  ]
  assert.equal(jws.verifyJSON(general(good), hmac, ['HS256']).signatureIndex, 0)
  for (const [index, input] of bad.entries()) {
    assert.throws(
      () => jws.verifyJSON(input as never, hmac, ['HS256']),
      (err) => err instanceof errors.JWSError,
      `case ${index}`,
    )
    if (typeof input === 'object' && input !== null && !Buffer.isBuffer(input) && input !== cycle) {
      const text = JSON.stringify(input, (_, v: unknown) => (typeof v === 'bigint' ? 1 : v))
      if (text === undefined) continue
      assert.throws(
        () => jws.verifyJSON(text, hmac, ['HS256']),
        (err) => err instanceof errors.JWSError,
        `case ${index} as text`,
      )
    }
  }
})

test('extra members are ignored; the verified headers are copies', () => {
  const signed = { ...jws.signJSON('p', [{ key: hmac }]), extra: { a: 1 } }
  const first = signed.signatures[0]!
  signed.signatures[0] = { ...first, unknown: true } as never
  const result = jws.verifyJSON(signed, hmac, ['HS256'])
  assert.equal(result.payload.toString(), 'p')
  result.protectedHeader!.alg = 'changed'
  assert.equal(jws.verifyJSON(signed, hmac, ['HS256']).protectedHeader!.alg, 'HS256')
})

test('bad signers, headers, payloads and options get typed errors', () => {
  const odd = { toString: 1 }
  const token = jws.sign('p', hmac)
  const cases: [() => unknown, string][] = [
    [() => jws.signJSON('p', []), 'ERR_JOSE_INVALID_OPTIONS'],
    [() => jws.signJSON('p', null as never), 'ERR_JOSE_INVALID_OPTIONS'],
    [() => jws.signJSON('p', { key: hmac } as never), 'ERR_JOSE_INVALID_OPTIONS'],
    [() => jws.signJSON('p', [null as never]), 'ERR_JOSE_INVALID_OPTIONS'],
    [() => jws.signJSON('p', ['key' as never]), 'ERR_JOSE_INVALID_OPTIONS'],
    [() => jws.signJSON('p', [{ key: hmac }], 'x' as never), 'ERR_JOSE_INVALID_OPTIONS'],
    [() => jws.signJSON('p', [{} as never]), 'ERR_KEY_INVALID'],
    [() => jws.signJSON('p', [{ key: verifyKeyFor('ES256') }]), 'ERR_KEY_INVALID'],
    [() => jws.signJSON('p', [{ key: hmac, algorithm: 'none' }]), 'ERR_JWS_ALGORITHM_NOT_ALLOWED'],
    [
      () => jws.signJSON('p', [{ key: hmac, algorithm: 7 as never }]),
      'ERR_JWS_ALGORITHM_NOT_ALLOWED',
    ],
    [() => jws.signJSON('p', [{ key: hmac, protectedHeader: 'x' as never }]), 'ERR_JWS_INVALID'],
    [() => jws.signJSON('p', [{ key: hmac, unprotectedHeader: [] as never }]), 'ERR_JWS_INVALID'],
    [
      () => jws.signJSON('p', [{ key: hmac, unprotectedHeader: { n: 1n } as never }]),
      'ERR_JWS_INVALID',
    ],
    [
      () => jws.signJSON('p', [{ key: hmac, protectedHeader: { crit: ['alg'] } }]),
      'ERR_JWS_INVALID',
    ],
    [() => jws.signJSON(42 as never, [{ key: hmac }]), 'ERR_JWS_INVALID'],
    [() => jws.verifyJSON('{}', hmac, ['HS256'], 'x' as never), 'ERR_JOSE_INVALID_OPTIONS'],
    [() => jws.verifyJSON('{}', undefined as never, ['HS256']), 'ERR_KEY_INVALID'],
    // Values whose String() throws are still described without a TypeError.
    [
      () => jws.signJSON('p', [{ key: hmac, algorithm: odd as never }]),
      'ERR_JWS_ALGORITHM_NOT_ALLOWED',
    ],
    [() => jws.sign('p', hmac, { algorithm: odd as never }), 'ERR_JWS_ALGORITHM_NOT_ALLOWED'],
    [() => jws.verifyJSON('{}', hmac, [odd as never]), 'ERR_JWS_ALGORITHM_NOT_ALLOWED'],
    [() => jws.verify(token, hmac, [odd as never]), 'ERR_JWS_ALGORITHM_NOT_ALLOWED'],
    [() => jws.sign('p', hmac, { headers: { crit: [odd] } }), 'ERR_JWS_INVALID'],
    [() => jws.verify(token, hmac, ['HS256'], { crit: [odd as never] }), 'ERR_JWS_INVALID'],
    [() => jws.verify(token, hmac, ['HS256'], { crit: 5 as never }), 'ERR_JOSE_INVALID_OPTIONS'],
    [
      () =>
        jws.verifyJSON(jws.signJSON('p', [{ key: hmac }]), hmac, ['HS256'], { crit: 'x' as never }),
      'ERR_JOSE_INVALID_OPTIONS',
    ],
  ]
  for (const [fn, code] of cases) throwsCode(fn, code)
  // null options mean none, as everywhere in the library.
  const signed = jws.signJSON('p', [{ key: hmac }], null as never)
  assert.equal(jws.verifyJSON(signed, hmac, ['HS256'], null as never).payload.toString(), 'p')
})

test('the README examples for JSON, unencoded and detached payloads run as written', () => {
  const rsaKey = keyFor('RS256')
  const ecKey = keyFor('ES512')
  const hmacKey = hmac
  const signed = jws.signJSON({ hello: 'world' }, [
    { key: rsaKey, algorithm: 'RS256', unprotectedHeader: { kid: 'rsa-2024' } },
    { key: ecKey, algorithm: 'ES512', protectedHeader: { cty: 'json' } },
    { key: hmacKey },
  ])
  const { payload, signatureIndex, key } = jws.verifyJSON(
    JSON.stringify(signed),
    ecKey.publicKey(),
    ['ES512'],
  )
  assert.deepEqual(JSON.parse(payload.toString()), { hello: 'world' })
  assert.equal(signatureIndex, 1)
  assert.equal(key.kid, ecKey.kid)
  assert.deepEqual(Object.keys(jws.signJSON('text', [{ key: hmac }], { flattened: true })), [
    'payload',
    'protected',
    'signature',
  ])
  // RFC 7797 section 4's key, so the README can show the real output.
  const rfc7797 = jwk.construct({
    kty: 'oct',
    alg: 'HS256',
    k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow',
  })
  const compact = jws.sign('This is the payload string!', rfc7797, { unencodedPayload: true })
  assert.ok(
    compact.startsWith(
      'eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19.This is the payload string!.ciks',
    ),
  )
  assert.equal(jws.verify(compact, rfc7797, ['HS256']).toString(), 'This is the payload string!')
  assert.equal(
    jws.signJSON('$.02', [{ key: rfc7797 }], { unencodedPayload: true, flattened: true }).payload,
    '$.02',
  )
  const document = 'a document signed apart'
  const publicKey = verifyKeyFor('ES256')
  const signature = jws.sign(document, keyFor('ES256'), { algorithm: 'ES256', detached: true })
  assert.equal(
    jws.verify(signature, publicKey, ['ES256'], { detachedPayload: document }).toString(),
    document,
  )
  const signedJson = jws.signJSON(document, [{ key: keyFor('ES256') }], { detached: true })
  assert.equal(
    jws.verifyJSON(signedJson, publicKey, ['ES256'], { detachedPayload: document }).signatureIndex,
    0,
  )
})
