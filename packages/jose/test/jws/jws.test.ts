import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errors, jwk, jws, jwt } from '../../src/index.js'
import { ALGORITHMS, b64, keyFor, verifyKeyFor, throwsCode } from '../fixtures.js'

test('sign and verify round-trip objects, text and bytes with every algorithm', () => {
  for (const alg of ALGORITHMS) {
    const key = keyFor(alg)
    const verifier = verifyKeyFor(alg)
    assert.deepEqual(JSON.parse(jws.verify(jws.sign({ a: 1 }, key), verifier, [alg]).toString()), {
      a: 1,
    })
    assert.equal(jws.verify(jws.sign('héllo', key), verifier, alg).toString(), 'héllo')
    const bytes = Buffer.from([0, 255, 1, 254])
    assert.deepEqual(jws.verify(jws.sign(bytes, key), verifier, [alg]), bytes)
  }
})

test('the header carries alg, the key kid and extra members; alg cannot be overridden', () => {
  const key = keyFor('ES256')
  const token = jws.sign('p', key, { headers: { alg: 'HS256', cty: 'text/plain', kid: 'mine' } })
  assert.deepEqual(jws.getUnverifiedHeader(token), { alg: 'ES256', kid: 'mine', cty: 'text/plain' })
  assert.equal(jws.getUnverifiedHeader(jws.sign('p', key)).kid, key.kid)
  assert.equal(jws.getUnverifiedClaims(token).toString(), 'p')
})

test('python-jose defaults: HS256 when the key has no alg', () => {
  const token = jws.sign('p', 'a-secret-that-is-long-enough-for-hs256!!')
  assert.equal(jws.getUnverifiedHeader(token).alg, 'HS256')
})

test('the allow-list is required, and the token never chooses the algorithm', () => {
  const secret = 'a-secret-that-is-long-enough-for-hs256!!'
  const token = jws.sign('p', secret, { algorithm: 'HS256' })
  throwsCode(() => jws.verify(token, secret), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  throwsCode(() => jws.verify(token, secret, []), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  throwsCode(() => jws.verify(token, secret, ['HS512']), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  throwsCode(() => jws.verify(token, secret, ['XS256']), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  throwsCode(() => jws.verify(token, secret, [42 as never]), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  throwsCode(() => jws.sign('p', secret, { algorithm: 'none' }), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  // A key bound to one algorithm refuses tokens of another, even from the allow-list.
  const bound = jwk.construct(secret, 'HS256')
  const hs384 = jws.sign('p', 'x'.repeat(48), { algorithm: 'HS384' })
  throwsCode(() => jws.verify(hs384, bound, ['HS256', 'HS384']), 'ERR_JWS_SIGNATURE_INVALID')
})

test('an allow-list naming an unknown algorithm never hits the cache of another list', () => {
  const secret = 'k'.repeat(32)
  const token = jws.sign({ sub: 'x' }, secret, { algorithm: 'HS256' })
  const joined = ['HS256\u0000RS256', 'HS256,RS256', 'HS256\u0000', 'HS256,']
  for (const name of joined) {
    throwsCode(() => jws.verify(token, secret, [name]), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  }
  for (const list of [['HS256', 'RS256'], ['HS256']]) jws.verify(token, secret, list)
  for (const name of joined) {
    throwsCode(() => jws.verify(token, secret, [name]), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
    throwsCode(() => jws.verify(token, secret, name), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  }
})

test('an allow-list array edited in place between calls is read again', () => {
  const secret = 'k'.repeat(32)
  const token = jws.sign({ sub: 'x' }, secret, { algorithm: 'HS256' })
  const algorithms = ['HS256']
  const options = { algorithms, audience: 'api' }
  const claims = jwt.encode({ aud: 'api' }, secret, { algorithm: 'HS256' })
  jws.verify(token, secret, algorithms)
  assert.equal(jwt.decode(claims, secret, options).aud, 'api')
  // The same array, now naming another algorithm: the last call's list must not be reused.
  algorithms[0] = 'HS384'
  throwsCode(() => jws.verify(token, secret, algorithms), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
  throwsCode(() => jwt.decode(claims, secret, options), 'ERR_JWT_ALGORITHM_NOT_ALLOWED')
  algorithms.push('HS256')
  jws.verify(token, secret, algorithms)
  algorithms.length = 1
  throwsCode(() => jws.verify(token, secret, algorithms), 'ERR_JWS_ALGORITHM_NOT_ALLOWED')
})

test('alg none is never accepted, whatever the caller passes', () => {
  const unsigned = `${b64({ alg: 'none' })}.${b64('p')}.`
  for (const algorithms of [['none'], ['None'], ['NONE'], 'none', ['HS256', 'none']]) {
    throwsCode(
      () => jws.verify(unsigned, 'a-secret-that-is-long-enough-for-hs256!!', algorithms as never),
      'ERR_JWS_ALGORITHM_NOT_ALLOWED',
    )
  }
  throwsCode(
    () => jws.verify(unsigned, 'a-secret-that-is-long-enough-for-hs256!!', ['HS256']),
    'ERR_JWS_ALGORITHM_NOT_ALLOWED',
  )
})

test('crit: unknown, duplicate, registered and absent names are refused', () => {
  const key = keyFor('HS256')
  const sign = (header: Record<string, unknown>) => {
    const input = `${b64({ alg: 'HS256', ...header })}.${b64('p')}`
    return `${input}.${key.sign(input).toString('base64url')}`
  }
  const cases: [Record<string, unknown>, string[] | undefined][] = [
    [{ crit: ['exp'], exp: 1 }, undefined],
    [{ crit: ['exp'], exp: 1 }, ['other']],
    [{ crit: ['ext', 'ext'], ext: 1 }, ['ext']],
    [{ crit: ['alg'] }, undefined],
    [{ crit: ['kid'], kid: 'a' }, undefined],
    [{ crit: ['ext'] }, ['ext']],
    [{ crit: [] }, undefined],
    [{ crit: 'ext', ext: 1 }, ['ext']],
    [{ crit: [1] }, undefined],
    [{ b64: false }, undefined],
    [{ b64: 'false', crit: ['b64'] }, undefined],
    [{ b64: true, crit: ['b64'] }, ['b64']],
  ]
  for (const [header, crit] of cases) {
    throwsCode(() => jws.verify(sign(header), key, ['HS256'], { crit }), 'ERR_JWS_INVALID')
  }
  // An extension the caller understands passes.
  assert.equal(
    jws.verify(sign({ crit: ['ext'], ext: 1 }), key, ['HS256'], { crit: ['ext'] }).toString(),
    'p',
  )
  assert.equal(jws.verify(sign({ b64: true }), key, ['HS256']).toString(), 'p')
  // RFC 7797 is implemented: b64 is understood without being named, and b64: false with it in crit
  // means the payload segment is the payload itself (here the two characters of b64('p')).
  assert.equal(jws.verify(sign({ b64: true, crit: ['b64'] }), key, ['HS256']).toString(), 'p')
  assert.equal(jws.verify(sign({ b64: false, crit: ['b64'] }), key, ['HS256']).toString(), b64('p'))
  throwsCode(() => jws.verify(sign({}), key, ['HS256'], { crit: ['alg'] }), 'ERR_JWS_INVALID')
})

test('malformed tokens get JWSError, never anything else', () => {
  const key = keyFor('HS256')
  const good = jws.sign('p', key)
  const [h, p, s] = good.split('.') as [string, string, string]
  const bad: unknown[] = [
    '',
    '.',
    '..',
    'a.b',
    `${good}.`,
    `${h}.${p}`,
    `${h}=.${p}.${s}`,
    `${h}.${p}=.${s}`,
    `${h}.${p}.${s}=`,
    `${h}.${p}.${s.slice(1)}`,
    ` ${good}`,
    `${b64('[]')}.${p}.${s}`,
    `${b64('null')}.${p}.${s}`,
    `${b64('{"alg":')}.${p}.${s}`,
    `${b64({ alg: 7 })}.${p}.${s}`,
    `${b64({})}.${p}.${s}`,
    42,
    null,
    undefined,
    {},
  ]
  for (const token of bad) {
    assert.throws(
      () => jws.verify(token as string, key, ['HS256']),
      (err) => err instanceof errors.JWSError,
      String(token),
    )
  }
})

test('limits: token length, header length and JSON depth', () => {
  const key = keyFor('HS256')
  const big = jws.sign('x'.repeat(70_000), key)
  throwsCode(() => jws.verify(big, key, ['HS256']), 'ERR_JWS_INVALID')
  assert.equal(
    jws.verify(big, key, ['HS256'], { limits: { maxTokenLength: 200_000 } }).length,
    70_000,
  )
  const wideHeader = jws.sign('p', key, { headers: { pad: 'x'.repeat(7000) } })
  throwsCode(() => jws.verify(wideHeader, key, ['HS256']), 'ERR_JWS_INVALID')
  let deep: unknown = 1
  for (let i = 0; i < 30; i++) deep = { d: deep }
  const deepHeader = jws.sign('p', key, { headers: { deep } })
  throwsCode(() => jws.verify(deepHeader, key, ['HS256']), 'ERR_JWS_INVALID')
  throwsCode(
    () => jws.verify(good(key), key, ['HS256'], { limits: { maxTokenLength: 0 } }),
    'ERR_JOSE_INVALID_OPTIONS',
  )
})

function good(key: ReturnType<typeof keyFor>): string {
  return jws.sign('p', key)
}

test('a jwk, jku or x5c in the header is never trusted', () => {
  const attacker = jwk.generate('ES256')
  const victim = keyFor('ES256')
  const forged = jws.sign('admin', attacker, {
    headers: {
      jwk: attacker.toJWK(),
      jku: 'https://evil.example/jwks',
      x5c: ['MIIB'],
      kid: victim.kid,
    },
  })
  throwsCode(() => jws.verify(forged, victim.publicKey(), ['ES256']), 'ERR_JWS_SIGNATURE_INVALID')
})

test('bad payloads and headers on sign get typed errors', () => {
  const key = keyFor('HS256')
  throwsCode(() => jws.sign(42 as never, key), 'ERR_JWS_INVALID')
  throwsCode(() => jws.sign({ n: 1n } as never, key), 'ERR_JWS_INVALID')
  throwsCode(() => jws.sign('p', key, { headers: 'x' as never }), 'ERR_JWS_INVALID')
  throwsCode(() => jws.sign('p', key, { headers: { crit: ['alg'] } }), 'ERR_JWS_INVALID')
  const cyclic: Record<string, unknown> = {}
  cyclic.self = cyclic
  throwsCode(() => jws.sign(cyclic, key), 'ERR_JWS_INVALID')
})

test('an HMAC signature with a look-alike character is refused (no low-byte malleability)', () => {
  // 'Ł' (U+0141) has the low byte of 'A'; a comparison of low bytes once let it through.
  const key = keyFor('HS256')
  for (const token of [jws.sign('p', key), jws.sign({ a: 1 }, key)]) {
    const [h, p, s] = token.split('.') as [string, string, string]
    for (let i = 0; i < s.length; i++) {
      const code = s.charCodeAt(i)
      const twin = String.fromCharCode(0x100 | code) // same low byte, another character
      const forged = `${h}.${p}.${s.slice(0, i)}${twin}${s.slice(i + 1)}`
      throwsCode(() => jws.verify(forged, key, ['HS256']), 'ERR_JWS_SIGNATURE_INVALID')
    }
  }
})
