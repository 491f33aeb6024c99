// The public names promised by the issue, as a python-jose user expects them.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import * as jose from '../src/index.js'

test('the package exports jwt, jws, jwk and errors with python-jose names, camel-cased', () => {
  const { jwt, jws, jwk, errors } = jose
  for (const name of [
    'encode',
    'decode',
    'getUnverifiedHeader',
    'getUnverifiedClaims',
    'createSigner',
    'createVerifier',
    'encodeUnsecured',
    'decodeUnsecured',
  ]) {
    assert.equal(typeof (jwt as Record<string, unknown>)[name], 'function', `jwt.${name}`)
  }
  for (const name of ['sign', 'verify', 'getUnverifiedHeader', 'getUnverifiedClaims']) {
    assert.equal(typeof (jws as Record<string, unknown>)[name], 'function', `jws.${name}`)
  }
  for (const name of ['construct', 'generate', 'KeySet', 'Key']) {
    assert.equal(typeof (jwk as Record<string, unknown>)[name], 'function', `jwk.${name}`)
  }
  for (const name of [
    'JOSEError',
    'JWSError',
    'JWSSignatureError',
    'JWSAlgorithmError',
    'JWTError',
    'JWTClaimsError',
    'ExpiredSignatureError',
    'ImmatureSignatureError',
    'InvalidAudienceError',
    'InvalidIssuerError',
    'InvalidSubjectError',
    'InvalidTokenError',
    'InvalidSignatureError',
    'InvalidKeyError',
    'InvalidAlgorithmError',
    'MissingClaimError',
    'JWKError',
  ]) {
    assert.equal(typeof (errors as Record<string, unknown>)[name], 'function', `errors.${name}`)
  }
})

test('Key has the python-jose methods', () => {
  const key = jose.jwk.generate('ES256')
  for (const name of ['sign', 'verify', 'toJWK', 'toPEM', 'publicKey', 'thumbprint']) {
    assert.equal(typeof (key as unknown as Record<string, unknown>)[name], 'function', name)
  }
})

test('package.json exports only the entry point, and the package has no runtime dependencies', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  assert.deepEqual(Object.keys(pkg.exports), ['.', './package.json'])
  assert.equal(pkg.dependencies, undefined)
  assert.equal(pkg.type, 'module')
})

test('the root README example runs as written', () => {
  const { jwt, jwk } = jose
  const key = jwk.generate('ES256') // a P-256 key, bound to ES256
  const token = jwt.encode({ sub: 'u1', aud: 'api', exp: new Date(Date.now() + 15 * 60e3) }, key)

  const claims = jwt.decode(token, key.publicKey().toPEM(), {
    algorithms: ['ES256'], // required: the token never chooses its algorithm
    audience: 'api', // required when given: a token without aud is refused
  })
  assert.equal(claims.sub, 'u1')
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8')
  assert.match(readme, /jwt\.decode\(token, key\.publicKey\(\)\.toPEM\(\), \{/)
})

test('the published package resolves through its exports and ships only dist/src', async () => {
  // Through node_modules, as a user imports it: package.json#exports must point at real files.
  const specifier = '@tessera/jose'
  const published = (await import(specifier)) as typeof jose
  assert.equal(typeof published.jwt.decode, 'function')
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: new URL('../..', import.meta.url),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as { files: { path: string }[] }[]
  const files = packed[0]!.files.map((file) => file.path)
  assert.ok(files.includes('dist/src/index.js'))
  assert.ok(files.includes('dist/src/index.d.ts'))
  assert.ok(files.includes('README.md'))
  assert.deepEqual(
    files.filter(
      (file) => !file.startsWith('dist/src/') && file !== 'README.md' && file !== 'package.json',
    ),
    [],
  )
})
