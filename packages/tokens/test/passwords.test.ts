import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  DEFAULT_PASSWORD_POLICY,
  needsRehash,
  OWASP_ARGON2ID,
  Passwords,
} from '../src/passwords.js'
import { FAST } from './support.js'

test('OWASP parameters and the policy defaults', () => {
  assert.deepEqual({ ...OWASP_ARGON2ID }, { memoryCost: 19456, timeCost: 2, parallelism: 1 })
  assert.deepEqual({ ...DEFAULT_PASSWORD_POLICY }, { minLength: 8, maxBytes: 1024 })
  const passwords = new Passwords()
  assert.deepEqual(passwords.params, OWASP_ARGON2ID)
})

test('hashes are argon2id PHC strings with the configured parameters, and verify', async () => {
  const passwords = new Passwords()
  const hash = await passwords.hash('correct horse battery staple')
  assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  assert.equal(await passwords.verify(hash, 'correct horse battery staple'), true)
  assert.equal(await passwords.verify(hash, 'correct horse battery stapler'), false)
  assert.equal(passwords.needsRehash(hash), false)
  const fast = new Passwords({ params: FAST })
  assert.match(await fast.hash('correct horse'), /^\$argon2id\$v=19\$m=256,t=1,p=1\$/)
})

test('needsRehash reads m, t and p from the PHC string', () => {
  const at = (m: number, t: number, p: number, alg = 'argon2id', v = 'v=19$') =>
    `$${alg}$${v}m=${m},t=${t},p=${p}$c2FsdHNhbHQ$aGFzaGhhc2g`
  assert.equal(needsRehash(at(19456, 2, 1), OWASP_ARGON2ID), false)
  assert.equal(needsRehash(at(65536, 2, 1), OWASP_ARGON2ID), true)
  assert.equal(needsRehash(at(19456, 3, 1), OWASP_ARGON2ID), true)
  assert.equal(needsRehash(at(19456, 2, 4), OWASP_ARGON2ID), true)
  assert.equal(needsRehash(at(19456, 2, 1, 'argon2i'), OWASP_ARGON2ID), true)
  assert.equal(needsRehash(at(19456, 2, 1, 'argon2id', 'v=16$'), OWASP_ARGON2ID), true)
  assert.equal(needsRehash(at(19456, 2, 1, 'argon2id', ''), OWASP_ARGON2ID), true)
  assert.equal(needsRehash('$2b$12$abcdefghijklmnopqrstuv', OWASP_ARGON2ID), true)
  assert.equal(needsRehash('', OWASP_ARGON2ID), true)
})

test('the policy: at least 8 characters, at most 1024 bytes, configurable', async () => {
  const passwords = new Passwords({ params: FAST })
  const refused = (password: string) =>
    assert.throws(() => passwords.checkPolicy(password), { code: 'ERR_INVALID_INPUT' })
  refused('1234567')
  refused('')
  refused(42 as unknown as string)
  refused('a'.repeat(1025))
  refused('€'.repeat(342)) // 1026 bytes in 342 characters
  passwords.checkPolicy('12345678')
  passwords.checkPolicy('a'.repeat(1024))
  passwords.checkPolicy('ü'.repeat(8)) // characters, not bytes, count toward the minimum
  await assert.rejects(passwords.hash('short'), { code: 'ERR_INVALID_INPUT' })
  const strict = new Passwords({ params: FAST, policy: { minLength: 12, maxBytes: 64 } })
  assert.throws(() => strict.checkPolicy('12345678901'), { code: 'ERR_INVALID_INPUT' })
  assert.throws(() => strict.checkPolicy('a'.repeat(65)), { code: 'ERR_INVALID_INPUT' })
  strict.checkPolicy('123456789012')
})

test('bad parameters and policies are refused', () => {
  for (const params of [
    { memoryCost: 4 },
    { timeCost: 0 },
    { parallelism: 0 },
    { timeCost: 1.5 },
  ]) {
    assert.throws(() => new Passwords({ params }), { code: 'ERR_INVALID_INPUT' })
  }
  for (const policy of [{ minLength: 0 }, { maxBytes: 4 }, { minLength: Number.NaN }]) {
    assert.throws(() => new Passwords({ policy }), { code: 'ERR_INVALID_INPUT' })
  }
})

test('passwords are compared after NFKC normalization', async () => {
  const passwords = new Passwords({ params: FAST })
  const composed = 'caf\u00e9 au lait'
  const decomposed = 'cafe\u0301 au lait'
  const hash = await passwords.hash(composed)
  assert.equal(await passwords.verify(hash, decomposed), true)
  const fullWidth = await passwords.hash('\uff30\uff41\uff53\uff53word1') // "Ｐａｓｓword1"
  assert.equal(await passwords.verify(fullWidth, 'Password1'), true)
})

test('verify is false, never an error, for over-long passwords and malformed hashes', async () => {
  const passwords = new Passwords({ params: FAST })
  const hash = await passwords.hash('correct horse')
  assert.equal(await passwords.verify(hash, 'a'.repeat(1025)), false)
  assert.equal(await passwords.verify('not a hash', 'correct horse'), false)
  assert.equal(await passwords.verify('$argon2id$v=19$m=8,t=1,p=1$c2FsdA$', 'x'), false)
})

test('the dummy hash is made once, with the current parameters, and matches nothing', async () => {
  const passwords = new Passwords({ params: FAST })
  const [a, b] = await Promise.all([passwords.dummyHash(), passwords.dummyHash()])
  assert.equal(a, b)
  assert.equal(await passwords.dummyHash(), a)
  assert.equal(passwords.needsRehash(a), false)
  assert.equal(await passwords.verify(a, ''), false)
  assert.equal(await passwords.verify(a, 'password'), false)
  assert.notEqual(await new Passwords({ params: FAST }).dummyHash(), a)
})
