import assert from 'node:assert/strict'
import { test } from 'node:test'
import { jwt } from '../../src/index.js'
import { b64, keyFor, throwsCode } from '../fixtures.js'

test('unsecured tokens exist only through encodeUnsecured and decodeUnsecured', () => {
  const token = jwt.encodeUnsecured({ sub: 'test', aud: 'tests' }, { headers: { alg: 'HS256' } })
  assert.ok(token.endsWith('.'))
  assert.equal(jwt.getUnverifiedHeader(token).alg, 'none')
  assert.equal(jwt.decodeUnsecured(token, { audience: 'tests' }).sub, 'test')
  throwsCode(() => jwt.decodeUnsecured(token, { audience: 'other' }), 'ERR_JWT_AUDIENCE_INVALID')
  throwsCode(
    () => jwt.decode(token, keyFor('HS256'), { algorithms: ['HS256'] }),
    'ERR_JWT_ALGORITHM_NOT_ALLOWED',
  )
  throwsCode(
    () => jwt.decode(token, keyFor('HS256'), { algorithms: ['none'] }),
    'ERR_JWT_ALGORITHM_NOT_ALLOWED',
  )
})

test('decodeUnsecured refuses signed tokens and signatures on unsecured ones', () => {
  const signed = jwt.encode({ a: 1 }, keyFor('HS256'))
  throwsCode(() => jwt.decodeUnsecured(signed), 'ERR_JWT_ALGORITHM_NOT_ALLOWED')
  const withSignature = `${b64({ alg: 'none' })}.${b64({ a: 1 })}.AAAA`
  throwsCode(() => jwt.decodeUnsecured(withSignature), 'ERR_JWT_MALFORMED')
  throwsCode(
    () => jwt.decodeUnsecured(`${b64({ alg: 'NONE' })}.${b64({ a: 1 })}.`),
    'ERR_JWT_ALGORITHM_NOT_ALLOWED',
  )
  throwsCode(() => jwt.encodeUnsecured({ exp: 'x' }), 'ERR_JWT_CLAIMS_INVALID')
  throwsCode(() => jwt.encodeUnsecured({}, { headers: 'x' as never }), 'ERR_JWT_INVALID')
})

test('the RFC 7515 A.5 unsecured example is refused by decode and read by decodeUnsecured', () => {
  const a5 =
    'eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.'
  throwsCode(
    () => jwt.decode(a5, keyFor('HS256'), { algorithms: ['HS256'] }),
    'ERR_JWT_ALGORITHM_NOT_ALLOWED',
  )
  assert.equal(jwt.decodeUnsecured(a5, { now: 1300819379 }).iss, 'joe')
})
