// Records for the store contracts: valid by default, unique ids, and overrides for what a test is
// about. Times are fixed so every adapter sees the same numbers.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { RecordedAuditEvent, StoredAuditEvent } from '../../src/audit/events.js'
import type { TokenErrorCode } from '../../src/errors.js'
import { DEFAULT_TENANT_CONFIG } from '../../src/tenant-config.js'
import type { AuditStore, Storage } from '../../src/stores/interfaces.js'
import type {
  RefreshTokenRecord,
  SessionRecord,
  SigningKeyRecord,
  TenantRecord,
  UserRecord,
} from '../../src/stores/records.js'

/** A fixed "now" for records: 2023-11-14T22:13:20Z. */
export const T0 = 1_700_000_000_000

/**
 * Recorded events as they were chained, in the order given: each read back from its tenant's chain
 * by id, and checked to hold exactly what `append` said it recorded.
 */
export async function chained(
  audit: Pick<AuditStore, 'chain'>,
  recorded: readonly RecordedAuditEvent[],
): Promise<StoredAuditEvent[]> {
  const byId = new Map<string, StoredAuditEvent>()
  for (const tenantId of new Set(recorded.map((event) => event.tenantId))) {
    let after = Number.MIN_SAFE_INTEGER
    for (;;) {
      const page = await audit.chain(tenantId, after, 1000)
      for (const event of page) byId.set(event.id, event)
      if (page.length < 1000) break
      after = page.at(-1)!.seq
    }
  }
  return recorded.map((event) => {
    const stored = byId.get(event.id)
    assert.ok(stored, `event ${event.id} is not in the chain`)
    const { seq: _seq, prevHash: _prevHash, hash: _hash, ...fields } = stored
    assert.deepEqual(fields, event)
    return stored
  })
}

/** A unique id with a readable prefix. */
export function uid(prefix: string): string {
  return `${prefix}-${randomUUID()}`
}

/** A tenant with a unique id and name. */
export function tenantRecord(overrides: Partial<TenantRecord> = {}): TenantRecord {
  const id = uid('t')
  return {
    id,
    name: `tenant-${id}`,
    config: { ...DEFAULT_TENANT_CONFIG },
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  }
}

/** A user of `tenantId` with a unique id, username and email. */
export function userRecord(tenantId: string, overrides: Partial<UserRecord> = {}): UserRecord {
  const id = uid('u')
  return {
    id,
    tenantId,
    username: `user-${id}`,
    email: `${id}@example.test`,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
    roles: ['member'],
    scopes: ['openid'],
    disabled: false,
    failedAttempts: 0,
    lockedUntil: null,
    passwordChangedAt: T0,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  }
}

/** An active session of `userId`. */
export function sessionRecord(
  tenantId: string,
  userId: string,
  overrides: Partial<SessionRecord> = {},
): SessionRecord {
  return {
    id: uid('s'),
    tenantId,
    userId,
    clientId: 'web',
    device: 'laptop',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
    firstIp: '192.0.2.1',
    lastIp: '192.0.2.1',
    createdAt: T0,
    lastUsedAt: T0,
    expiresAt: T0 + 30 * 86_400_000,
    revokedAt: null,
    revokedReason: null,
    ...overrides,
  }
}

/** An unconsumed refresh token of `sessionId`, known by a unique hash. */
export function refreshTokenRecord(
  tenantId: string,
  sessionId: string,
  overrides: Partial<RefreshTokenRecord> = {},
): RefreshTokenRecord {
  return {
    hash: randomUUID().replaceAll('-', '').padEnd(64, '0'),
    tenantId,
    sessionId,
    createdAt: T0,
    expiresAt: T0 + 7 * 86_400_000,
    consumedAt: null,
    successorHash: null,
    sealedSuccessor: null,
    ...overrides,
  }
}

/** An active signing key of `tenantId`. */
export function signingKeyRecord(
  tenantId: string,
  overrides: Partial<SigningKeyRecord> = {},
): SigningKeyRecord {
  const kid = uid('k')
  return {
    kid,
    tenantId,
    alg: 'ES256',
    state: 'active',
    publicJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', kid, x: 'x', y: 'y' }),
    privateJwe: 'eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2R0NNIn0.a.b.c.d',
    createdAt: T0,
    activatesAt: T0,
    retiredAt: null,
    removeAt: null,
    ...overrides,
  }
}

/** Creates a tenant in `storage` and returns it. */
export async function givenTenant(
  storage: Storage,
  overrides: Partial<TenantRecord> = {},
): Promise<TenantRecord> {
  const tenant = tenantRecord(overrides)
  await storage.tenants.create(tenant)
  return tenant
}

/** Creates a tenant, a user and an active session of that user. */
export async function givenSession(
  storage: Storage,
): Promise<{ tenant: TenantRecord; user: UserRecord; session: SessionRecord }> {
  const tenant = await givenTenant(storage)
  const user = userRecord(tenant.id)
  await storage.users.create(user)
  const session = sessionRecord(tenant.id, user.id)
  await storage.sessions.create(session)
  return { tenant, user, session }
}

/** Asserts that `promise` rejects with a TokenError of `code`. */
export async function rejectsWith(promise: Promise<unknown>, code: TokenErrorCode): Promise<void> {
  await assert.rejects(promise, (err: { code?: unknown }) => {
    assert.equal(err.code, code)
    return true
  })
}
