// The JWE JSON Serialization: several recipients, flattened, unprotected headers, aad.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { errors, jwe, jwk, Key } from '../../src/index.js'
import { throwsCode } from '../fixtures.js'
import { PASSWORD, curveKey, keyFor } from './keys.js'

const TEXT = 'for your eyes only'

test('general: one JWE for several recipients, each with its own key and algorithm', () => {
  const rsa = keyFor('RSA-OAEP-256')
  const kw = jwk.generate('A256KW', { kid: 'kw' })
  const ec = curveKey('X25519')
  const json = jwe.encryptJSON(
    TEXT,
    [
      { key: rsa.publicKey(), header: { kid: 'rsa' } },
      { key: kw },
      { key: ec.publicKey(), algorithm: 'ECDH-ES+A128KW', header: { kid: 'ec' } },
      { key: PASSWORD, algorithm: 'PBES2-HS256+A128KW', header: { kid: 'pw' } },
    ],
    { encryption: 'A128CBC-HS256', unprotectedHeader: { cty: 'text/plain' }, aad: 'ctx' },
  )
  assert.equal(json.recipients!.length, 4)
  assert.deepEqual(JSON.parse(Buffer.from(json.protected!, 'base64url').toString()), {
    enc: 'A128CBC-HS256',
  })
  assert.equal(json.recipients![1]!.header!.kid, 'kw', 'the key’s kid goes in its header')
  assert.equal(json.recipients![2]!.header!.alg, 'ECDH-ES+A128KW')
  assert.ok(json.recipients![2]!.header!.epk, 'the epk goes in the recipient’s header')
  const cases = [
    [rsa, { algorithms: ['RSA-OAEP-256'] }, 0],
    [kw, {}, 1],
    [ec, { algorithms: ['ECDH-ES+A128KW'] }, 2],
    [PASSWORD, { algorithms: ['PBES2-HS256+A128KW'] }, 3],
  ] as const
  for (const [key, options, index] of cases) {
    const out = jwe.decryptJSON(json, key, options)
    assert.equal(out.plaintext.toString(), TEXT)
    assert.equal(out.recipientIndex, index)
    assert.deepEqual(out.unprotectedHeader, { cty: 'text/plain' })
    assert.equal(out.aad!.toString(), 'ctx')
    assert.deepEqual(out.protectedHeader, { enc: 'A128CBC-HS256' })
    assert.equal(out.recipientHeader, json.recipients![index]!.header)
  }
  // As JSON text, too; and a set picks by kid across recipients.
  const set = new jwk.KeySet([jwk.generate('A256KW', { kid: 'other' }), kw])
  assert.equal(jwe.decryptJSON(JSON.stringify(json), set).recipientIndex, 1)
})

test('flattened, on request, for one recipient', () => {
  const key = keyFor('A128KW')
  const flat = jwe.encryptJSON(TEXT, [{ key }], { flattened: true, zip: 'DEF' })
  assert.equal(flat.recipients, undefined)
  assert.equal(typeof flat.encrypted_key, 'string')
  assert.equal(flat.header!.alg, 'A128KW')
  assert.equal(jwe.decryptJSON(flat, key).plaintext.toString(), TEXT)
  throwsCode(
    () => jwe.encryptJSON(TEXT, [{ key }, { key }], { flattened: true }),
    'ERR_JOSE_INVALID_OPTIONS',
  )
})

test('alg and enc may be placed in the protected or the shared unprotected header', () => {
  const key = keyFor('A128KW')
  const protectedAlg = jwe.encryptJSON(TEXT, [{ key }], {
    protectedHeader: { alg: 'A128KW', kid: 'k', enc: 'A128GCM' },
  })
  assert.deepEqual(JSON.parse(Buffer.from(protectedAlg.protected!, 'base64url').toString()), {
    alg: 'A128KW',
    kid: 'k',
    enc: 'A128GCM',
  })
  assert.deepEqual(protectedAlg.recipients, [
    { encrypted_key: protectedAlg.recipients![0]!.encrypted_key },
  ])
  // Nothing protected at all (RFC 7520 section 5.12): the AAD is empty.
  const contentOnly = jwe.encryptJSON(TEXT, [{ key }], {
    unprotectedHeader: { alg: 'A128KW', enc: 'A128GCM' },
  })
  assert.equal(contentOnly.protected, undefined)
  for (const json of [protectedAlg, contentOnly]) {
    assert.equal(jwe.decryptJSON(json, key).plaintext.toString(), TEXT)
  }
  // A direct algorithm cannot serve two recipients, nor can a shared alg.
  throwsCode(
    () => jwe.encryptJSON(TEXT, [{ key: Buffer.alloc(32) }, { key }], { encryption: 'A256GCM' }),
    'ERR_JOSE_INVALID_OPTIONS',
  )
  throwsCode(
    () => jwe.encryptJSON(TEXT, [{ key }, { key }], { protectedHeader: { alg: 'A128KW' } }),
    'ERR_JOSE_INVALID_OPTIONS',
  )
})

test('zip is refused outside the protected header', () => {
  const key = keyFor('A128KW')
  const json = jwe.encryptJSON(TEXT, [{ key }], { zip: 'DEF' })
  const protectedHeader = JSON.parse(Buffer.from(json.protected!, 'base64url').toString())
  delete protectedHeader.zip
  const moved = {
    ...json,
    protected: Buffer.from(JSON.stringify(protectedHeader)).toString('base64url'),
  }
  throwsCode(
    () => jwe.decryptJSON({ ...moved, unprotected: { zip: 'DEF' } }, key),
    'ERR_JWE_INVALID',
  )
  const inRecipient = {
    ...moved,
    recipients: [
      { ...json.recipients![0], header: { ...json.recipients![0]!.header, zip: 'DEF' } },
    ],
  }
  throwsCode(() => jwe.decryptJSON(inRecipient, key), 'ERR_JWE_INVALID')
})

test('aad is authenticated; the unprotected headers are not, but never choose', () => {
  const key = keyFor('A128KW')
  const json = jwe.encryptJSON(TEXT, [{ key }], { aad: Buffer.from([1, 2, 3]) })
  throwsCode(
    () => jwe.decryptJSON({ ...json, aad: 'AQID' + 'BA' }, key),
    'ERR_JWE_DECRYPTION_FAILED',
  )
  throwsCode(() => jwe.decryptJSON({ ...json, aad: undefined }, key), 'ERR_JWE_DECRYPTION_FAILED')
  const switched = {
    ...json,
    recipients: [{ ...json.recipients![0], header: { alg: 'A256KW' } }],
  }
  throwsCode(
    () => jwe.decryptJSON(switched, key, { algorithms: ['A128KW'] }),
    'ERR_JWE_ALGORITHM_NOT_ALLOWED',
  )
})

test('recipients whose alg is not allowed are skipped; if none is allowed, that is the error', () => {
  const rsa = keyFor('RSA-OAEP')
  const kw = keyFor('A192KW')
  const json = jwe.encryptJSON(TEXT, [{ key: rsa.publicKey() }, { key: kw }])
  assert.equal(jwe.decryptJSON(json, kw, { algorithms: ['A192KW'] }).recipientIndex, 1)
  throwsCode(
    () => jwe.decryptJSON(json, kw, { algorithms: ['A256KW'] }),
    'ERR_JWE_ALGORITHM_NOT_ALLOWED',
  )
  throwsCode(() => jwe.decryptJSON(json, Buffer.alloc(24, 5)), 'ERR_JWE_DECRYPTION_FAILED')
  throwsCode(() => jwe.decryptJSON(json, keyFor('A256KW')), 'ERR_JWE_ALGORITHM_NOT_ALLOWED')
})

test('malformed JSON serializations are JWEErrors', () => {
  const key = keyFor('A128KW')
  const json = jwe.encryptJSON(TEXT, [{ key }]) as unknown as Record<string, unknown>
  const flat = jwe.encryptJSON(TEXT, [{ key }], { flattened: true }) as unknown as Record<
    string,
    unknown
  >
  const overlap = { ...json, unprotected: { enc: 'A128GCM' } }
  for (const bad of [
    null,
    [],
    '',
    '{',
    '[]',
    { ...json, recipients: [] },
    { ...json, recipients: {} },
    { ...json, recipients: [null] },
    { ...json, recipients: Array.from({ length: 101 }, () => (json.recipients as unknown[])[0]) },
    { ...json, encrypted_key: 'AAAA' },
    { ...json, iv: undefined },
    { ...json, iv: 'A=' },
    { ...json, tag: 7 },
    { ...json, protected: 'e30' },
    { ...json, protected: 5 },
    { ...json, unprotected: 'x' },
    { ...json, aad: '!' },
    { ...flat, header: [] },
    overlap,
    { ...json, ciphertext: 'A'.repeat(70_000) },
  ]) {
    assert.throws(
      () => jwe.decryptJSON(bad as never, key),
      errors.JWEError,
      JSON.stringify(bad)?.slice(0, 80),
    )
  }
})

test('a header member named __proto__ is a member like any other, never a prototype', () => {
  const key = keyFor('A128KW')
  const json = jwe.encryptJSON(TEXT, [{ key }])
  // Unprotected members cannot smuggle `zip` or another `alg` in through a prototype.
  const text = JSON.stringify(json)
    .replace('"recipients":[{', '"recipients":[{"header2":0,')
    .replace('"header":{', '"header":{"__proto__":{"zip":"DEF","alg":"dir"},')
  const out = jwe.decryptJSON(text, key)
  assert.equal(out.plaintext.toString(), TEXT)
  // The same name in two headers is refused like any duplicate.
  const twice = JSON.stringify({ ...json, unprotected: {} })
    .replace('"unprotected":{', '"unprotected":{"__proto__":1')
    .replace('"header":{', '"header":{"__proto__":2,')
  throwsCode(() => jwe.decryptJSON(twice, key), 'ERR_JWE_INVALID')
})

test('PBES2: all derivations of one JWE share one budget of maxPbes2Count iterations', () => {
  const alg = 'PBES2-HS512+A256KW'
  const b64 = (bytes: Buffer) => bytes.toString('base64url')
  const recipients = Array.from({ length: 100 }, () => ({
    header: { alg, p2s: b64(randomBytes(8)), p2c: 10_000 },
    encrypted_key: b64(randomBytes(40)),
  }))
  const amplified = JSON.stringify({
    protected: b64(Buffer.from('{"enc":"A256GCM"}')),
    recipients,
    iv: b64(randomBytes(12)),
    ciphertext: '',
    tag: b64(Buffer.alloc(16)),
  })
  const started = process.hrtime.bigint()
  throwsCode(
    () => jwe.decryptJSON(amplified, PASSWORD, { algorithms: [alg] }),
    'ERR_JWE_LIMIT_EXCEEDED',
  )
  assert.ok(process.hrtime.bigint() - started < 1_000_000_000n, 'one derivation, not a hundred')
  // Two recipients at 5,000 fit in the default budget; at 10,000 the second does not.
  const two = (p2c: number) =>
    jwe.encryptJSON(
      TEXT,
      [
        { key: 'another password, not ours', algorithm: alg },
        { key: PASSWORD, algorithm: alg },
      ],
      { p2c },
    )
  assert.equal(
    jwe.decryptJSON(two(5_000), PASSWORD, { algorithms: [alg] }).plaintext.toString(),
    TEXT,
  )
  throwsCode(
    () => jwe.decryptJSON(two(10_000), PASSWORD, { algorithms: [alg] }),
    'ERR_JWE_LIMIT_EXCEEDED',
  )
  const raised = { algorithms: [alg], maxPbes2Count: 20_000 }
  assert.equal(jwe.decryptJSON(two(10_000), PASSWORD, raised).plaintext.toString(), TEXT)
})

test('every recipient header must be disjoint from the shared ones, not only the one used', () => {
  const a = randomBytes(16)
  const b = randomBytes(16)
  const json = jwe.encryptJSON(
    TEXT,
    [
      { key: a, algorithm: 'A128KW', header: { kid: 'a' } },
      { key: b, algorithm: 'A128KW', header: { kid: 'b' } },
    ],
    { encryption: 'A128GCM', unprotectedHeader: { cty: 'text/plain' } },
  )
  assert.equal(jwe.decryptJSON(json, a).plaintext.toString(), TEXT)
  for (const repeated of [{ enc: 'A256GCM' }, { cty: 'other' }]) {
    const invalid = structuredClone(json)
    invalid.recipients![1]!.header = { ...invalid.recipients![1]!.header, ...repeated }
    throwsCode(() => jwe.decryptJSON(invalid, a), 'ERR_JWE_INVALID')
    const set = { keys: [{ kty: 'oct', k: a.toString('base64url'), kid: 'a' }] }
    throwsCode(() => jwe.decryptJSON(invalid, set), 'ERR_JWE_INVALID')
  }
})

test('ECDH-ES: a recipient on another curve is skipped, wherever it stands', () => {
  // Keys without a kid, so that nothing but the epk can tell the recipients apart.
  const bare = (key: Key) => new Key(key.keyObject)
  const alice = bare(curveKey('X25519'))
  const carol = bare(jwk.generate({ kty: 'EC', crv: 'P-256' }))
  const bob = bare(curveKey('P-256'))
  const dave = bare(curveKey('P-384'))
  const alg = 'ECDH-ES+A256KW'
  const json = jwe.encryptJSON(
    TEXT,
    [alice, carol, bob, dave].map((key) => ({ key: key.publicKey(), algorithm: alg })),
    { encryption: 'A256GCM' },
  )
  const options = { algorithms: [alg] }
  for (const [index, key] of [alice, carol, bob, dave].entries()) {
    assert.equal(jwe.decryptJSON(json, key, options).recipientIndex, index)
  }
  // A set picks by the epk's curve too, whatever the order of its keys.
  const set = new jwk.KeySet([bare(curveKey('X448')), dave, alice])
  assert.equal(jwe.decryptJSON(json, set, options).recipientIndex, 0)
  // A key on none of the recipients' curves: the JWE is not for it.
  throwsCode(() => jwe.decryptJSON(json, curveKey('X448'), options), 'ERR_JWE_DECRYPTION_FAILED')
  // With one recipient, an epk on another curve is refused, as in a compact JWE.
  const alone = jwe.encryptJSON(TEXT, [{ key: alice.publicKey(), algorithm: alg }])
  throwsCode(() => jwe.decryptJSON(alone, bob, options), 'ERR_JWE_INVALID', errors.JWEError)
})

test('a recipient only a weak key could open is skipped; when every one is, that is the error', () => {
  const weak = new Key(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey)
  const ec = new Key(curveKey('P-256').keyObject)
  const set = new jwk.KeySet([weak, ec])
  const options = { algorithms: ['RSA-OAEP-256', 'ECDH-ES+A128KW'] }
  const toWeak = { key: weak.publicKey(), algorithm: 'RSA-OAEP-256' }
  const toEc = { key: ec.publicKey(), algorithm: 'ECDH-ES+A128KW' }
  const seal = (recipients: jwe.JWERecipient[]) =>
    jwe.encryptJSON(TEXT, recipients, { encryption: 'A128GCM', insecureAllowWeakKeys: true })
  assert.equal(jwe.decryptJSON(seal([toWeak, toEc]), set, options).recipientIndex, 1)
  assert.equal(jwe.decryptJSON(seal([toEc, toWeak]), set, options).recipientIndex, 0)
  const allowed = { ...options, insecureAllowWeakKeys: true }
  assert.equal(jwe.decryptJSON(seal([toWeak, toEc]), set, allowed).recipientIndex, 0)
  // A strong key that was tried and failed makes it a decryption failure, not a weak key.
  const stranger = {
    key: new Key(jwk.generate({ kty: 'EC', crv: 'P-256' }).keyObject).publicKey(),
    algorithm: 'ECDH-ES+A128KW',
  }
  const notOurs = seal([toWeak, stranger])
  throwsCode(() => jwe.decryptJSON(notOurs, set, options), 'ERR_JWE_DECRYPTION_FAILED')
  // Nothing but weak keys could open any recipient: the first one's InvalidKeyError says why.
  const onlyWeak = seal([toWeak, toWeak])
  throwsCode(
    () => jwe.decryptJSON(onlyWeak, set, options),
    'ERR_KEY_INVALID',
    errors.InvalidKeyError,
  )
  throwsCode(() => jwe.decryptJSON(seal([toWeak]), weak, options), 'ERR_KEY_INVALID')
})

test('a kid in a shared header is not copied again from the key into the recipient header', () => {
  const key = jwk.generate('A256KW', { kid: 'k1' })
  const other = jwk.generate('A256KW', { kid: 'k2' })
  for (const shared of [{ protectedHeader: { kid: 'k1' } }, { unprotectedHeader: { kid: 'k1' } }]) {
    const json = jwe.encryptJSON(TEXT, [{ key }], shared)
    assert.deepEqual(json.recipients![0]!.header, { alg: 'A256KW' })
    const out = jwe.decryptJSON(json, new jwk.KeySet([other, key]))
    assert.equal(out.plaintext.toString(), TEXT)
  }
  // A kid the caller gives a recipient is still its own.
  const json = jwe.encryptJSON(TEXT, [{ key, header: { kid: 'mine' } }])
  assert.equal(json.recipients![0]!.header!.kid, 'mine')
})
