import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RevocationSet } from '../src/revocation-set.js'

const T = 'tenant-a'

test('jti and session revocations match exactly, and only in their tenant', () => {
  const set = new RevocationSet()
  set.apply({ tenantId: T, kind: 'jti', subject: 'j1', cutoff: 0, expiresAt: 10_000 })
  set.apply({ tenantId: T, kind: 'session', subject: 's1', cutoff: 0, expiresAt: 10_000 })
  assert.equal(set.revokedBy({ tid: T, jti: 'j1', sid: 's9', sub: 'u', iat: 1 }), 'jti')
  assert.equal(set.revokedBy({ tid: T, jti: 'j2', sid: 's1', sub: 'u', iat: 1 }), 'session')
  assert.equal(set.revokedBy({ tid: T, jti: 'j2', sid: 's2', sub: 'u', iat: 1 }), undefined)
  assert.equal(
    set.revokedBy({ tid: 'tenant-b', jti: 'j1', sid: 's1', sub: 'u', iat: 1 }),
    undefined,
  )
  assert.ok(set.isSessionRevoked(T, 's1'))
})

test('a user cut-off revokes tokens issued before it, never those issued after', () => {
  const set = new RevocationSet()
  const cutoff = 1_700_000_000_500 // half-way through a second
  set.apply({ tenantId: T, kind: 'user', subject: 'u1', cutoff, expiresAt: cutoff + 900_000 })
  // Issued earlier in the same second: iat = floor(1_700_000_000.2) = 1_700_000_000 -> revoked.
  assert.equal(set.revokedBy({ tid: T, jti: 'a', sid: 's', sub: 'u1', iat: 1_700_000_000 }), 'user')
  // Issued after: its iat is raised to the next whole second, so it passes.
  const iat = set.earliestIat(T, 'u1', 1_700_000_000)
  assert.equal(iat, 1_700_000_001)
  assert.equal(set.revokedBy({ tid: T, jti: 'b', sid: 's', sub: 'u1', iat }), undefined)
  assert.equal(set.revokedBy({ tid: T, jti: 'c', sid: 's', sub: 'u2', iat: 1 }), undefined)
  // A cut-off on a whole second: a token issued in that very millisecond is revoked too.
  set.apply({
    tenantId: T,
    kind: 'user',
    subject: 'u3',
    cutoff: 1_700_000_000_000,
    expiresAt: 2e12,
  })
  assert.equal(set.revokedBy({ tid: T, jti: 'd', sid: 's', sub: 'u3', iat: 1_700_000_000 }), 'user')
  assert.equal(set.earliestIat(T, 'u3', 1_700_000_000), 1_700_000_001)
  assert.equal(
    set.revokedBy({ tid: T, jti: 'e', sid: 's', sub: 'u3', iat: 1_700_000_001 }),
    undefined,
  )
})

test('a tenant cut-off revokes every older token of the tenant', () => {
  const set = new RevocationSet()
  set.apply({ tenantId: T, kind: 'tenant', subject: T, cutoff: 5_000, expiresAt: 99_000 })
  assert.equal(set.revokedBy({ tid: T, jti: 'a', sid: 's', sub: 'u', iat: 5 }), 'tenant')
  assert.equal(set.revokedBy({ tid: T, jti: 'a', sid: 's', sub: 'u', iat: 6 }), undefined)
  assert.equal(set.revokedBy({ tid: T, jti: 'a', sid: 's', sub: 'u' }), 'tenant')
  assert.equal(set.earliestIat(T, 'anyone', 1), 6)
  // Only for a session made after the cut-off: one it ended keeps an iat that it revokes.
  assert.equal(set.earliestIat(T, 'anyone', 1, 5_001), 6)
  assert.equal(set.earliestIat(T, 'anyone', 1, 5_000), 1)
  assert.equal(set.earliestIat(T, 'anyone', 1, 4_000), 1)
})

test('revocations only widen, and are pruned once their tokens have expired', () => {
  const set = new RevocationSet()
  set.apply({ tenantId: T, kind: 'user', subject: 'u', cutoff: 9_000, expiresAt: 20_000 })
  set.apply({ tenantId: T, kind: 'user', subject: 'u', cutoff: 1_000, expiresAt: 10_000 })
  assert.equal(set.revokedBy({ tid: T, sub: 'u', iat: 8 }), 'user')
  assert.equal(set.prune(19_999), 0)
  assert.equal(set.prune(20_000), 1)
  assert.equal(set.size, 0)
  set.load([{ tenantId: T, kind: 'jti', subject: 'x', cutoff: 0, expiresAt: 1 }])
  assert.equal(set.size, 1)
})
