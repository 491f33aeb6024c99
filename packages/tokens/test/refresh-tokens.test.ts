import assert from 'node:assert/strict'
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { InvalidInputError } from '../src/errors.js'
import {
  hashToken,
  isRefreshTokenShape,
  newRefreshToken,
  openSuccessor,
  sealSuccessor,
} from '../src/refresh-tokens.js'

test('refresh tokens carry 256 random bits and are stored as SHA-256', () => {
  const token = newRefreshToken()
  assert.match(token, /^rt_[A-Za-z0-9_-]{43}$/)
  assert.equal(Buffer.from(token.slice(3), 'base64url').length, 32)
  assert.notEqual(newRefreshToken(), token)
  assert.match(hashToken(token), /^[0-9a-f]{64}$/)
  assert.ok(isRefreshTokenShape(token))
  for (const bad of ['', 'rt_', `${token}x`, token.slice(0, -1), 42, null, `xx${token.slice(2)}`]) {
    assert.equal(isRefreshTokenShape(bad), false)
  }
})

test('a sealed successor opens only with the token it was sealed under', () => {
  const presented = newRefreshToken()
  const successor = newRefreshToken()
  const hash = hashToken(successor)
  const sealed = sealSuccessor(presented, successor)
  assert.doesNotMatch(sealed, new RegExp(successor.slice(3)))
  assert.equal(openSuccessor(presented, sealed, hash), successor)
  assert.equal(openSuccessor(newRefreshToken(), sealed, hash), undefined)
  assert.equal(openSuccessor(presented, sealed, hashToken(newRefreshToken())), undefined)
  assert.equal(openSuccessor(presented, sealed, null), undefined)
  const raw = Buffer.from(sealed.slice(3), 'base64url')
  for (const at of [0, 20, raw.length - 1]) {
    const tampered = Buffer.from(raw)
    tampered[at] = tampered[at]! ^ 1
    assert.equal(openSuccessor(presented, `v2.${tampered.toString('base64url')}`, hash), undefined)
  }
  assert.equal(
    openSuccessor(presented, `v2.${raw.subarray(1).toString('base64url')}`, hash),
    undefined,
  )
  assert.equal(openSuccessor(presented, 'short', hash), undefined)
  assert.equal(openSuccessor(presented, 'v2.', hash), undefined)
  assert.notEqual(sealSuccessor(presented, successor), sealed, 'each seal uses a fresh nonce')
  assert.throws(() => sealSuccessor(presented, 'rt_short'), InvalidInputError)
})

test('a successor sealed by the earlier scheme (HKDF key, AES-256-GCM) still opens', () => {
  const presented = newRefreshToken()
  const successor = newRefreshToken()
  const key = Buffer.from(
    hkdfSync('sha256', presented, hashToken(presented), 'tessera refresh successor v1', 32),
  )
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()])
  const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')
  assert.equal(openSuccessor(presented, sealed, hashToken(successor)), successor)
  assert.equal(openSuccessor(newRefreshToken(), sealed, hashToken(successor)), undefined)
})
