// What checkAuditEvent refuses, and what it lets through unchanged.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { AuditEvent } from '../../src/audit/events.js'
import { checkAuditEvent } from '../../src/audit/validate.js'

const base: AuditEvent = { tenantId: 'acme', type: 'login.failed', severity: 'warning' }

function refused(event: unknown, maxBytes?: number): void {
  assert.throws(() => checkAuditEvent(event as AuditEvent, maxBytes), { code: 'ERR_INVALID_INPUT' })
}

test('a valid event passes, details copied and the user agent cut to 512 characters', () => {
  const details = {
    reason: 'bad-password',
    attempts: 3,
    nested: { ok: true, list: [1, null, 'x'] },
  }
  const checked = checkAuditEvent({ ...base, details, userAgent: 'x'.repeat(2000), userId: 'u1' })
  assert.deepEqual(checked.details, details)
  assert.notEqual(checked.details, details)
  assert.equal(checked.userAgent!.length, 512)
  assert.equal(checked.userId, 'u1')
  assert.deepEqual(checkAuditEvent(base).details, {})
})

test('unknown types and severities, and bad ids and times, are refused', () => {
  refused({ ...base, type: 'login.maybe' })
  refused({ ...base, severity: 'loud' })
  refused({ ...base, tenantId: '' })
  refused({ ...base, userId: 42 })
  refused({ ...base, sessionId: 's'.repeat(257) })
  refused({ ...base, time: 1.5 })
  refused({ ...base, time: -1 })
  refused({ ...base, userAgent: 7 })
  refused(null)
})

test('details must be a plain JSON object that reads back as written', () => {
  class Thing {
    a = 1
  }
  for (const details of [
    [],
    'text',
    new Thing(),
    { when: new Date() },
    { f: () => 1 },
    { u: undefined },
    { n: Number.NaN },
    { big: 1n },
    { deep: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } },
  ]) {
    refused({ ...base, details })
  }
  const cycle: Record<string, unknown> = {}
  cycle.self = cycle
  refused({ ...base, details: cycle })
  assert.doesNotThrow(() =>
    checkAuditEvent({ ...base, details: Object.create(null) as Record<string, unknown> }),
  )
})

test('details are at most 4 KB of JSON by default, or as configured', () => {
  assert.doesNotThrow(() => checkAuditEvent({ ...base, details: { pad: 'x'.repeat(4000) } }))
  refused({ ...base, details: { pad: 'x'.repeat(4100) } })
  refused({ ...base, details: { pad: 'é'.repeat(2100) } })
  refused({ ...base, details: { pad: 'x'.repeat(100) } }, 64)
})

test('details that name or look like a secret are refused, never echoed', () => {
  for (const key of [
    'password',
    'newPassword',
    'client_secret',
    'refreshToken',
    'access-token',
    'token',
    'apiKey',
    'private_key',
    'Authorization',
    'cookie',
    'credentials',
  ]) {
    refused({ ...base, details: { [key]: 'x' } })
    refused({ ...base, details: { wrapped: [{ [key]: 'x' }] } })
  }
  const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl'
  for (const value of [
    jwt,
    `rt_${'A'.repeat(43)}`,
    `tsk_${'0'.repeat(32)}_secret`,
    'Bearer abc',
    '-----BEGIN PRIVATE KEY-----\nMIIE',
  ]) {
    assert.throws(
      () => checkAuditEvent({ ...base, details: { note: value } }),
      (err: Error & { code?: string }) =>
        err.code === 'ERR_INVALID_INPUT' && !err.message.includes(value),
    )
  }
  // Ids, reasons and counts are fine, including words that merely contain "token" or "key".
  const fine = {
    tokenType: 'refresh',
    keyId: 'k1',
    jti: 'j1',
    reason: 'reuse',
    passwordChangedAt: 1,
  }
  assert.deepEqual(checkAuditEvent({ ...base, details: fine }).details, fine)
})
