import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { errors } from '../src/index.js'

const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')

// Every exported error class, with the code each instance carries.
const classes = Object.entries(errors).filter(
  ([, value]) => typeof value === 'function' && value.prototype instanceof Error,
) as [string, new (message: string) => errors.JOSEError][]

test('docs/errors.md lists every code, and nothing that is gone', () => {
  const codes = new Set(classes.map(([, ErrorClass]) => new ErrorClass('x').code))
  const documented = new Set(docs.match(/`ERR_[A-Z_]+`/g)?.map((code) => code.slice(1, -1)))
  for (const code of codes) assert.ok(documented.has(code), `${code} is not in docs/errors.md`)
  for (const code of documented)
    assert.ok(codes.has(code as errors.JOSEErrorCode), `${code} is documented but gone`)
  for (const [name] of classes)
    assert.match(docs, new RegExp(`\`${name}\``), `${name} undocumented`)
})

test('each class has its own stable code and name', () => {
  const seen = new Map<string, string>()
  for (const [name, ErrorClass] of classes) {
    const err = new ErrorClass('message')
    assert.ok(err instanceof errors.JOSEError)
    assert.equal(err.name, name)
    assert.match(err.code, /^ERR_[A-Z_]+$/)
    assert.equal(seen.get(err.code), undefined, `${err.code} used twice`)
    seen.set(err.code, name)
  }
})

test('the tree has the shape the seeds expect', () => {
  const e = errors
  assert.ok(new e.ExpiredSignatureError('x') instanceof e.JWTClaimsError)
  assert.ok(new e.JWTClaimsError('x') instanceof e.JWTError)
  for (const C of [
    e.ImmatureSignatureError,
    e.InvalidAudienceError,
    e.InvalidIssuerError,
    e.InvalidSubjectError,
    e.MissingClaimError,
  ]) {
    assert.ok(new C('x') instanceof e.JWTClaimsError)
  }
  for (const C of [
    e.InvalidTokenError,
    e.InvalidSignatureError,
    e.InvalidAlgorithmError,
    e.JWTKeyError,
  ]) {
    assert.ok(new C('x') instanceof e.JWTError)
  }
  assert.ok(new e.JWSSignatureError('x') instanceof e.JWSError)
  assert.ok(new e.JWSAlgorithmError('x') instanceof e.JWSError)
  assert.ok(new e.InvalidKeyError('x') instanceof e.JOSEError)
  assert.ok(new e.JWKError('x') instanceof e.JOSEError)
  const cause = new Error('inner')
  assert.equal(new e.JWTError('outer', { cause }).cause, cause)
  assert.equal(new e.MissingClaimError('m', { claim: 'exp' }).claim, 'exp')
})
