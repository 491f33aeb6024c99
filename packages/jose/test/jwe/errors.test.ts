// The JWE errors: where they sit in the tree, and what jwt.* turns them into.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as jose from '../../src/index.js'
import { errors } from '../../src/index.js'
import { toJWTError } from '../../src/errors.js'

test('the jwe namespace has python-jose’s functions, and the JSON serialization', () => {
  for (const name of ['encrypt', 'decrypt', 'getUnverifiedHeader', 'encryptJSON', 'decryptJSON']) {
    assert.equal(typeof (jose.jwe as Record<string, unknown>)[name], 'function', `jwe.${name}`)
  }
  for (const name of ['encrypt', 'decrypt']) {
    assert.equal(typeof (jose.jwt as Record<string, unknown>)[name], 'function', `jwt.${name}`)
  }
  assert.equal(jose.KEY_MANAGEMENT_ALGORITHMS.length, 19)
  assert.equal(jose.CONTENT_ENCRYPTION_ALGORITHMS.length, 6)
})

test('JWE errors are JWEErrors, and become the matching JWTError inside jwt.*', () => {
  const cases: [errors.JOSEError, typeof errors.JWTError, string][] = [
    [new errors.JWEError('x'), errors.InvalidTokenError, 'ERR_JWT_MALFORMED'],
    [new errors.JWELimitError('x'), errors.InvalidTokenError, 'ERR_JWT_MALFORMED'],
    [new errors.JWEDecryptionError('x'), errors.JWTDecryptionError, 'ERR_JWT_DECRYPTION_FAILED'],
    [
      new errors.JWEAlgorithmError('x'),
      errors.InvalidAlgorithmError,
      'ERR_JWT_ALGORITHM_NOT_ALLOWED',
    ],
    [new errors.JWENotSupportedError('x'), errors.JWTUnsupportedError, 'ERR_JWT_UNSUPPORTED'],
  ]
  for (const [err, kind, code] of cases) {
    assert.ok(err instanceof errors.JWEError)
    const typed = toJWTError(err)
    assert.ok(typed instanceof kind, err.name)
    assert.equal(typed.code, code)
    assert.equal(typed.cause, err)
  }
})
