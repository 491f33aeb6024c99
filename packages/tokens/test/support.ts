// What the accounts, rate-limit and API-key tests share: a SQLite file in the temporary folder (no
// mock of our storage), a tenant, a clock the test moves, and a password hasher that counts what it
// is asked to verify.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import Database from 'better-sqlite3'
import { Accounts } from '../src/accounts.js'
import { createSqlStorage, type SqlStorageOptions } from '../src/adapters/sql/storage.js'
import type { AuditEventType, StoredAuditEvent } from '../src/audit/events.js'
import { openSqlite } from '../src/db/sqlite.js'
import { Passwords, type Argon2Params, type PasswordHasher } from '../src/passwords.js'
import type { RateLimits } from '../src/rate-limits.js'
import type { Storage } from '../src/stores/interfaces.js'
import type {
  RevocationRecord,
  SessionRecord,
  TenantConfig,
  TenantRecord,
} from '../src/stores/records.js'
import { DEFAULT_TENANT_CONFIG } from '../src/tenant-config.js'

/** A fixed start time: 2023-11-14T22:13:20Z. */
export const T0 = 1_700_000_000_000

/** Cheap argon2id parameters, so tests do not spend OWASP's cost on every hash. */
export const FAST: Argon2Params = { memoryCost: 256, timeCost: 1, parallelism: 1 }

/** A clock a test moves by hand. */
export class Clock {
  now = T0
  readonly fn = (): number => this.now
  advance(ms: number): void {
    this.now += ms
  }
}

/** A hasher that delegates to {@link Passwords} and records every verification. */
export class CountingHasher implements PasswordHasher {
  readonly inner: Passwords
  /** The hash each `verify` call was given, in order. */
  readonly verified: string[] = []
  /** How many hashes were made. */
  hashes = 0

  constructor(params: Argon2Params = FAST) {
    this.inner = new Passwords({ params })
  }

  async hash(password: string): Promise<string> {
    const hash = await this.inner.hash(password)
    this.hashes++
    return hash
  }

  verify(hash: string, password: string): Promise<boolean> {
    this.verified.push(hash)
    return this.inner.verify(hash, password)
  }

  needsRehash(hash: string): boolean {
    return this.inner.needsRehash(hash)
  }

  dummyHash(): Promise<string> {
    return this.inner.dummyHash()
  }

  checkPolicy(password: string): void {
    this.inner.checkPolicy(password)
  }
}

/** A SQLite storage on a new file, closed and removed when the test ends. */
export async function sqliteStorage(
  t: TestContext,
  options?: SqlStorageOptions,
): Promise<{ storage: Storage; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-accounts-'))
  const file = join(dir, 'tessera.db')
  const storage = await createSqlStorage(openSqlite({ driver: Database, filename: file }), options)
  let closed = false
  const close = storage.close.bind(storage)
  storage.close = async () => {
    if (!closed) await close()
    closed = true
  }
  t.after(async () => {
    await storage.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { storage, file }
}

/** Creates a tenant directly in the store. */
export async function givenTenant(
  storage: Storage,
  config: Partial<TenantConfig> = {},
): Promise<TenantRecord> {
  const id = `t-${randomUUID()}`
  const tenant = {
    id,
    name: `tenant-${id}`,
    config: { ...DEFAULT_TENANT_CONFIG, ...config },
    createdAt: T0,
    updatedAt: T0,
  }
  await storage.tenants.create(tenant)
  return tenant
}

/** A tenant's audit events of the given types, oldest first. */
export async function events(
  storage: Storage,
  tenantId: string,
  ...types: AuditEventType[]
): Promise<StoredAuditEvent[]> {
  const page = await storage.audit.query({ tenantId, limit: 1000 })
  return page.filter((event) => types.length === 0 || types.includes(event.type)).reverse()
}

/** A new active session of a user, stored. */
export async function givenSession(
  storage: Storage,
  tenantId: string,
  userId: string,
): Promise<SessionRecord> {
  const session: SessionRecord = {
    id: `s-${randomUUID()}`,
    tenantId,
    userId,
    clientId: 'web',
    device: null,
    userAgent: 'test',
    firstIp: '192.0.2.1',
    lastIp: '192.0.2.1',
    createdAt: T0,
    lastUsedAt: T0,
    expiresAt: T0 + 30 * 86_400_000,
    revokedAt: null,
    revokedReason: null,
  }
  await storage.sessions.create(session)
  return session
}

/** Options for {@link setupAccounts}. */
export interface SetupOptions {
  config?: Partial<TenantConfig>
  hasher?: CountingHasher
  rateLimits?: RateLimits
}

/** Accounts on a fresh SQLite file with one tenant, a hand-moved clock and a counting hasher. */
export async function setupAccounts(t: TestContext, options: SetupOptions = {}) {
  const { storage, file } = await sqliteStorage(t)
  const clock = new Clock()
  const hasher = options.hasher ?? new CountingHasher()
  const tenant = await givenTenant(storage, options.config)
  const revoked: RevocationRecord[] = []
  const accounts = new Accounts({
    storage,
    clock: clock.fn,
    passwords: hasher,
    onRevoked: (revocations) => revoked.push(...revocations),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
  })
  return { storage, file, clock, hasher, tenant, tenantId: tenant.id, accounts, revoked }
}
