import assert from 'node:assert/strict'
import { test } from 'node:test'
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
  const sealed = sealSuccessor(presented, successor)
  assert.doesNotMatch(sealed, new RegExp(successor.slice(3)))
  assert.equal(openSuccessor(presented, sealed), successor)
  assert.equal(openSuccessor(newRefreshToken(), sealed), undefined)
  const tampered = Buffer.from(sealed, 'base64url')
  tampered[14] = tampered[14]! ^ 1
  assert.equal(openSuccessor(presented, tampered.toString('base64url')), undefined)
  assert.equal(openSuccessor(presented, 'short'), undefined)
  assert.notEqual(sealSuccessor(presented, successor), sealed, 'each seal uses a fresh IV')
})
