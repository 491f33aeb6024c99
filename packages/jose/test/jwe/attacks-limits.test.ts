// The attacks JOSE libraries have shipped, each refused with a typed error: decompression bombs,
// PBES2 iteration counts, invalid-curve ECDH-ES.
import assert from 'node:assert/strict'
import { Buffer, constants } from 'node:buffer'
import { errors, jwk, Key } from '../../src/index.js'
import { throwsCode } from '../fixtures.js'
import { testBoth } from './implementations.js'
import { PASSWORD, curveKey, keyFor } from './keys.js'
import { flip, tamper } from './tamper.js'

const TEXT = 'attack at dawn'

testBoth(
  'decompression bombs: the inflated output is capped while inflating',
  ({ encrypt, decrypt }) => {
    const key = keyFor('A256KW')
    // 20 MB of zeros deflate to about 20 KB: a token well under the length limit.
    const bomb = encrypt(Buffer.alloc(20_000_000), key, { zip: 'DEF' })
    assert.ok(bomb.length < 65536)
    const started = process.hrtime.bigint()
    throwsCode(() => decrypt(bomb, key), 'ERR_JWE_LIMIT_EXCEEDED', errors.JWELimitError)
    assert.ok(process.hrtime.bigint() - started < 2_000_000_000n, 'refused quickly')
    // The caps are configurable, both ways.
    const small = encrypt('x'.repeat(1000), key, { zip: 'DEF' })
    throwsCode(() => decrypt(small, key, { maxInflatedBytes: 999 }), 'ERR_JWE_LIMIT_EXCEEDED')
    assert.equal(decrypt(small, key, { maxInflatedBytes: 1000 }).length, 1000)
    const medium = encrypt(Buffer.alloc(300_000), key, { zip: 'DEF' })
    throwsCode(() => decrypt(medium, key), 'ERR_JWE_LIMIT_EXCEEDED')
    assert.equal(decrypt(medium, key, { maxInflatedBytes: 300_000 }).length, 300_000)
    // zlib cannot inflate past the largest Buffer; a cap above it is a mistake in the options.
    assert.equal(decrypt(small, key, { maxInflatedBytes: constants.MAX_LENGTH }).length, 1000)
    for (const cap of [constants.MAX_LENGTH + 1, Number.MAX_SAFE_INTEGER]) {
      throwsCode(() => decrypt(small, key, { maxInflatedBytes: cap }), 'ERR_JOSE_INVALID_OPTIONS')
    }
  },
)

testBoth(
  'decompression bombs: the compressed input is capped before decryption',
  ({ encrypt, decrypt }) => {
    const key = keyFor('A256KW')
    const random = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251))
    const token = encrypt(random, key, { zip: 'DEF' })
    throwsCode(() => decrypt(token, key, { maxCompressedBytes: 100 }), 'ERR_JWE_LIMIT_EXCEEDED')
    assert.equal(decrypt(token, key).length, 3000)
  },
)

testBoth(
  'zip: only DEF, and only in the protected header (see json.test.ts for unprotected)',
  ({ encrypt, decrypt }) => {
    const key = keyFor('dir', 'A128GCM')
    const token = encrypt(TEXT, key, { zip: 'DEF' })
    const other = tamper(token, (p) => (p.header.zip = 'GZIP'))
    throwsCode(() => decrypt(other, key), 'ERR_JWE_INVALID')
    throwsCode(() => encrypt(TEXT, key, { zip: 'GZIP' as 'DEF' }), 'ERR_JOSE_INVALID_OPTIONS')
    throwsCode(() => encrypt(TEXT, key, { headers: { zip: 'DEF' } }), 'ERR_JOSE_INVALID_OPTIONS')
  },
)

testBoth('PBES2 is off unless named in algorithms', ({ encrypt, decrypt }) => {
  const token = encrypt(TEXT, PASSWORD, { algorithm: 'PBES2-HS256+A128KW' })
  throwsCode(() => decrypt(token, PASSWORD), 'ERR_JWE_ALGORITHM_NOT_ALLOWED')
  throwsCode(
    () => decrypt(token, PASSWORD, { algorithms: ['A128KW', 'dir'] }),
    'ERR_JWE_ALGORITHM_NOT_ALLOWED',
  )
  // A key bound to PBES2 does not switch it on either.
  const bound = jwk.construct(PASSWORD, 'PBES2-HS256+A128KW')
  throwsCode(() => decrypt(token, bound), 'ERR_JWE_ALGORITHM_NOT_ALLOWED')
  const options = { algorithms: ['PBES2-HS256+A128KW'] }
  assert.equal(decrypt(token, PASSWORD, options).toString(), TEXT)
})

testBoth('PBES2 p2c is bounded on both sides, before any derivation', ({ encrypt, decrypt }) => {
  const options = { algorithms: ['PBES2-HS512+A256KW'] }
  const high = encrypt(TEXT, PASSWORD, { algorithm: 'PBES2-HS512+A256KW', p2c: 10_001 })
  throwsCode(() => decrypt(high, PASSWORD, options), 'ERR_JWE_LIMIT_EXCEEDED')
  assert.equal(decrypt(high, PASSWORD, { ...options, maxPbes2Count: 10_001 }).toString(), TEXT)
  const huge = tamper(high, (p) => (p.header.p2c = 2_000_000_000))
  const started = process.hrtime.bigint()
  throwsCode(() => decrypt(huge, PASSWORD, options), 'ERR_JWE_LIMIT_EXCEEDED')
  assert.ok(process.hrtime.bigint() - started < 100_000_000n, 'refused without deriving')
  const low = tamper(high, (p) => (p.header.p2c = 999))
  throwsCode(() => decrypt(low, PASSWORD, options), 'ERR_JWE_LIMIT_EXCEEDED')
  throwsCode(
    () => decrypt(low, PASSWORD, { ...options, minPbes2Count: 999 }),
    'ERR_JWE_DECRYPTION_FAILED',
  )
  for (const bad of [0, -1, 1.5, '2048', null]) {
    const token = tamper(high, (p) => (p.header.p2c = bad))
    throwsCode(() => decrypt(token, PASSWORD, options), 'ERR_JWE_INVALID')
  }
  const shortSalt = tamper(high, (p) => (p.header.p2s = 'AAAAAAAAAA'))
  throwsCode(() => decrypt(shortSalt, PASSWORD, options), 'ERR_JWE_INVALID')
  throwsCode(() => decrypt(high, PASSWORD, { maxPbes2Count: 0 }), 'ERR_JOSE_INVALID_OPTIONS')
})

testBoth('PBES2: a set of passwords shares one budget per token', ({ encrypt, decrypt }) => {
  const alg = 'PBES2-HS256+A128KW'
  const passwords = ['first password, not this one', 'second password, not this one', PASSWORD]
  const set = {
    keys: passwords.map((p) => ({ kty: 'oct', k: Buffer.from(p).toString('base64url') })),
  }
  const options = { algorithms: [alg] }
  const atBound = encrypt(TEXT, PASSWORD, { algorithm: alg, p2c: 10_000 })
  throwsCode(() => decrypt(atBound, set, options), 'ERR_JWE_LIMIT_EXCEEDED')
  const cheap = encrypt(TEXT, PASSWORD, { algorithm: alg, p2c: 3_000 })
  assert.equal(decrypt(cheap, set, options).toString(), TEXT)
  // The budget is per token: the next token starts with a full one.
  assert.equal(decrypt(cheap, set, options).toString(), TEXT)
  assert.equal(decrypt(atBound, PASSWORD, options).toString(), TEXT)
})

testBoth(
  'ECDH-ES: an epk off the curve, on another curve or of another type is refused',
  ({ encrypt, decrypt }) => {
    const key = curveKey('P-256')
    const token = encrypt(TEXT, key.publicKey(), { algorithm: 'ECDH-ES+A128KW' })
    const options = { algorithms: ['ECDH-ES+A128KW'] }
    const epk = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).epk
    const original = epk(token)
    const offCurve = {
      ...original,
      y: flip(Buffer.from(original.y, 'base64url'), -1).toString('base64url'),
    }
    const zero = { ...original, x: 'A'.repeat(43), y: 'A'.repeat(43) }
    const otherCurve = curveKey('P-384').publicKey().toJWK()
    const otherType = curveKey('X25519').publicKey().toJWK()
    const mislabelled = { ...otherCurve, crv: 'P-256' }
    const withPrivate = { ...original, d: 'A'.repeat(43) }
    // (5, y) is on P-256; the same point with x + p written for x is not canonical.
    const onCurve = {
      kty: 'EC',
      crv: 'P-256',
      x: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAU',
      y: 'RZJDuapYGAb-kTvOmYF63hHKUDxk2aPFM0FcCDJI-8w',
    }
    const notCanonical = { ...onCurve, x: '_____wAAAAEAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAQ' }
    const short = { ...original, x: original.x.slice(0, 42) }
    const noY = { kty: 'EC', crv: 'P-256', x: original.x }
    for (const bad of [
      offCurve,
      zero,
      otherCurve,
      otherType,
      mislabelled,
      withPrivate,
      notCanonical,
      short,
      noY,
      'x',
      null,
    ]) {
      const forged = tamper(token, (p) => (p.header.epk = bad))
      throwsCode(() => decrypt(forged, key, options), 'ERR_JWE_INVALID', errors.JWEError)
    }
    // A point on the curve is agreed with: the secret is wrong, and the token fails like a bad tag.
    const other = tamper(token, (p) => (p.header.epk = onCurve))
    throwsCode(() => decrypt(other, key, options), 'ERR_JWE_DECRYPTION_FAILED')
    const missing = tamper(token, (p) => delete p.header.epk)
    throwsCode(() => decrypt(missing, key, options), 'ERR_JWE_INVALID')
  },
)

testBoth(
  'ECDH-ES: a key set on several curves tries only its keys on the epk’s curve, in any order',
  ({ encrypt, decrypt }) => {
    // Keys without a kid, so that nothing but the epk can tell them apart.
    const bare = (crv: 'P-256' | 'P-384' | 'X25519' | 'X448') => new Key(curveKey(crv).keyObject)
    const options = { algorithms: ['ECDH-ES+A128KW'] }
    const pairs = [
      ['X25519', 'P-256'],
      ['P-384', 'P-256'],
      ['X448', 'X25519'],
    ] as const
    for (const [target, other] of pairs) {
      const token = encrypt(TEXT, bare(target).publicKey(), { algorithm: 'ECDH-ES+A128KW' })
      for (const keys of [
        [bare(other), bare(target)],
        [bare(target), bare(other)],
      ]) {
        assert.equal(decrypt(token, new jwk.KeySet(keys), options).toString(), TEXT)
      }
      // No key of the set on the epk's curve: the header is refused, in words of our own.
      const set = new jwk.KeySet([bare(other)])
      throwsCode(() => decrypt(token, set, options), 'ERR_JWE_INVALID', errors.JWEError)
    }
    const labelled = encrypt(TEXT, bare('P-256').publicKey(), { algorithm: 'ECDH-ES+A128KW' })
    const named = tamper(labelled, (p) => (p.header.epk = { kty: 'EC', crv: '<not a curve>' }))
    const set = new jwk.KeySet([bare('P-256'), bare('X25519')])
    const err = throwsCode(() => decrypt(named, set, options), 'ERR_JWE_INVALID', errors.JWEError)
    assert.doesNotMatch(err.message, /not a curve/)
    // The epk's label only selects: the point is still checked on that curve (invalid curve).
    const p384 = curveKey('P-384').publicKey().toJWK()
    const mislabelled = tamper(labelled, (p) => (p.header.epk = { ...p384, crv: 'P-256' }))
    const both = new jwk.KeySet([bare('P-384'), bare('P-256')])
    throwsCode(() => decrypt(mislabelled, both, options), 'ERR_JWE_INVALID', errors.JWEError)
  },
)

testBoth(
  'X25519: a low-order epk gives no shared secret, and fails like a wrong tag',
  ({ encrypt, decrypt }) => {
    const key = curveKey('X25519')
    const token = encrypt(TEXT, key.publicKey(), { algorithm: 'ECDH-ES' })
    for (const x of ['A'.repeat(43), `AQ${'A'.repeat(41)}`]) {
      const forged = tamper(token, (p) => (p.header.epk = { kty: 'OKP', crv: 'X25519', x }))
      throwsCode(
        () => decrypt(forged, key, { algorithms: ['ECDH-ES'] }),
        'ERR_JWE_DECRYPTION_FAILED',
      )
    }
  },
)
