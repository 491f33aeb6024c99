// Per-tenant signing keys. The active key signs; `rotate()` publishes the next key in the JWKS a
// pre-publication period before it signs (so every verifier's cached JWKS already holds it); a
// retired key stays published until every token it signed has expired; an emergency revocation
// removes a key at once. Keys are held in memory once loaded: signing and verification do no I/O
// except at a state change.
import { jwk, KeySet, type JWK, type JWKS, type Key } from '@tessera/jose'
import { NotFoundError } from './errors.js'
import type { MasterKey } from './key-wrap.js'
import type { SigningKeys } from './signing-keys.js'
import type { Storage, Stores } from './stores/interfaces.js'
import type { SigningKeyRecord, TenantConfig } from './stores/records.js'
import type { AuditContext } from './audit/events.js'
import type { Tenants } from './tenants.js'

/** Options for {@link KeyManager}. */
export interface KeyManagerOptions {
  storage: Storage
  tenants: Tenants
  masterKey: MasterKey
  /** How long a new key is published before it signs, seconds (default 600: one JWKS cache life). */
  prepublishSeconds?: number
  /** Scheduled rotation period, days (default 90). */
  rotationDays?: number
  clock?: () => number
}

interface TenantKeys {
  records: SigningKeyRecord[]
  active: Key | undefined
  activeRecord: SigningKeyRecord | undefined
  published: KeySet
  /** The earliest time a state changes by itself (a next key activates, a retired one leaves). */
  nextChangeAt: number
}

/** The KeyManager: every tenant's signing keys, their rotation and their JWKS. */
export class KeyManager implements SigningKeys {
  readonly #storage: Storage
  readonly #tenants: Tenants
  readonly #master: MasterKey
  readonly #prepublish: number
  readonly #rotationMs: number
  readonly #clock: () => number
  readonly #cache = new Map<string, TenantKeys>()

  constructor(options: KeyManagerOptions) {
    this.#storage = options.storage
    this.#tenants = options.tenants
    this.#master = options.masterKey
    this.#prepublish = (options.prepublishSeconds ?? 600) * 1000
    this.#rotationMs = (options.rotationDays ?? 90) * 24 * 3600 * 1000
    this.#clock = options.clock ?? Date.now
  }

  /** The key that signs now; a tenant's first key is made on first use. */
  async signingKey(tenantId: string): Promise<Key> {
    const keys = await this.#current(tenantId)
    if (keys.active !== undefined) return keys.active
    await this.#createFirstKey(tenantId)
    return (await this.#current(tenantId)).active!
  }

  /** The published keys: next, active and retired-but-unexpired, as a KeySet (same object until a change). */
  async verificationKeys(tenantId: string): Promise<KeySet> {
    return (await this.#current(tenantId)).published
  }

  /** The published keys when they are cached and no state change is due; else undefined. */
  peekVerificationKeys(tenantId: string): KeySet | undefined {
    const cached = this.#cache.get(tenantId)
    return cached !== undefined && this.#clock() < cached.nextChangeAt
      ? cached.published
      : undefined
  }

  /** The public JWKS to serve at `/.well-known/jwks.json` (empty for HMAC tenants). */
  async jwks(tenantId: string): Promise<JWKS> {
    const { published } = await this.#current(tenantId)
    return { keys: published.keys.filter((k) => k.type !== 'secret').map((k) => k.toJWK()) }
  }

  /** Every key of a tenant with its state (no private material). */
  async list(tenantId: string): Promise<Omit<SigningKeyRecord, 'privateJwe'>[]> {
    const { records } = await this.#current(tenantId)
    return records.map(({ privateJwe: _secret, ...rest }) => rest)
  }

  /**
   * Starts a rotation: a new key is published now and signs after the pre-publication period; the
   * current key then retires.
   */
  async rotate(tenantId: string, by: AuditContext = {}): Promise<string> {
    const config = (await this.#tenants.get(tenantId)).config
    const now = this.#clock()
    const kid = await this.#storage.transaction((tx) =>
      this.#addNext(tx, tenantId, config, now, by),
    )
    this.#cache.delete(tenantId)
    return kid
  }

  /**
   * Emergency revocation of a compromised key: it leaves the JWKS at once and every token it signed
   * stops validating. If it was signing, a new key signs from now on.
   */
  async revoke(tenantId: string, kid: string, by: AuditContext = {}): Promise<void> {
    const now = this.#clock()
    // Read under the tenant's key lock rather than from this instance's cache: another instance may
    // have added, activated or revoked a key since the cache was loaded, and an emergency must
    // neither miss a key nor leave the tenant without an active one.
    const wasActive = await this.#storage.transaction(async (tx) => {
      await tx.signingKeys.lock(tenantId)
      const records = await tx.signingKeys.list(tenantId)
      const record = records.find((r) => r.kid === kid && r.state !== 'revoked')
      if (record === undefined) throw new NotFoundError('no such key')
      await tx.signingKeys.update({ ...record, state: 'revoked', retiredAt: now, removeAt: now })
      await audit(tx, tenantId, 'key.revoked', 'critical', by, now, { kid })
      return record.state === 'active'
    })
    this.#cache.delete(tenantId)
    if (wasActive) await this.#createFirstKey(tenantId)
  }

  /**
   * Scheduled work: rotates keys older than the rotation period. Call it periodically; instances
   * that share a database may all call it, and only one rotates.
   */
  async maintain(tenantId: string): Promise<void> {
    const config = (await this.#tenants.get(tenantId)).config
    const now = this.#clock()
    const rotated = await this.#storage.transaction(async (tx) => {
      await tx.signingKeys.lock(tenantId)
      const records = await tx.signingKeys.list(tenantId)
      const active = records.filter((r) => r.state === 'active').pop()
      const due =
        active !== undefined &&
        !records.some((r) => r.state === 'next') &&
        now - active.activatesAt >= this.#rotationMs
      if (!due) return false
      await this.#addNext(tx, tenantId, config, now, { actor: 'system' })
      return true
    })
    if (rotated) this.#cache.delete(tenantId)
  }

  /** Re-encrypts every private key under a new master key; returns how many were re-wrapped. */
  async rewrap(next: MasterKey): Promise<number> {
    return this.#storage.transaction(async (tx) => {
      const records = await tx.signingKeys.listAll()
      for (const record of records) {
        const key = this.#master.unwrap(record.privateJwe, record.alg)
        await tx.signingKeys.update({ ...record, privateJwe: next.wrap(key) })
      }
      return records.length
    })
  }

  /** Forgets cached keys (another instance changed them). */
  invalidate(tenantId?: string): void {
    if (tenantId === undefined) this.#cache.clear()
    else this.#cache.delete(tenantId)
  }

  async #current(tenantId: string): Promise<TenantKeys> {
    const cached = this.#cache.get(tenantId)
    if (cached !== undefined && this.#clock() < cached.nextChangeAt) return cached
    const keys = await this.#load(tenantId)
    this.#cache.set(tenantId, keys)
    return keys
  }

  // Reads a tenant's keys and applies the transitions that time has made due.
  async #load(tenantId: string): Promise<TenantKeys> {
    const config = (await this.#tenants.get(tenantId)).config
    const now = this.#clock()
    const records = await this.#storage.transaction(async (tx) => {
      await tx.signingKeys.lock(tenantId)
      const all = await tx.signingKeys.list(tenantId)
      const due = all.filter((r) => r.state === 'next' && r.activatesAt <= now).pop()
      if (due !== undefined) {
        for (const r of all) {
          if (r.state === 'active' || (r.state === 'next' && r !== due && r.activatesAt <= now)) {
            const retired = {
              ...r,
              state: 'retired' as const,
              retiredAt: now,
              removeAt: now + config.accessTokenTtl * 1000,
            }
            await tx.signingKeys.update(retired)
            Object.assign(r, retired)
            await audit(tx, tenantId, 'key.retired', 'info', { actor: 'system' }, now, {
              kid: r.kid,
            })
          }
        }
        const activated = { ...due, state: 'active' as const }
        await tx.signingKeys.update(activated)
        Object.assign(due, activated)
      }
      return all
    })
    const publishedRecords = records.filter(
      (r) =>
        r.state === 'next' ||
        r.state === 'active' ||
        (r.state === 'retired' && (r.removeAt ?? 0) > now),
    )
    const activeRecord = records.filter((r) => r.state === 'active').pop()
    const changes = records
      .flatMap((r) =>
        r.state === 'next' ? [r.activatesAt] : r.state === 'retired' ? [r.removeAt ?? 0] : [],
      )
      .filter((t) => t > now)
    return {
      records,
      activeRecord,
      active: activeRecord && this.#master.unwrap(activeRecord.privateJwe, activeRecord.alg),
      published: new KeySet(publishedRecords.map((r) => this.#verificationKey(r))),
      nextChangeAt: Math.min(Infinity, ...changes),
    }
  }

  #verificationKey(record: SigningKeyRecord): Key {
    const publicJwk = JSON.parse(record.publicJwk) as JWK | null
    return publicJwk === null
      ? this.#master.unwrap(record.privateJwe, record.alg)
      : jwk.construct(publicJwk, record.alg)
  }

  // Publishes the next key, which signs once the pre-publication period is over.
  async #addNext(
    tx: Stores,
    tenantId: string,
    config: TenantConfig,
    now: number,
    by: AuditContext,
  ): Promise<string> {
    const record = this.#newRecord(tenantId, config, 'next', now, now + this.#prepublish)
    await tx.signingKeys.add(record)
    await audit(tx, tenantId, 'key.rotated', 'notice', by, now, { kid: record.kid })
    return record.kid
  }

  async #createFirstKey(tenantId: string): Promise<void> {
    const config = (await this.#tenants.get(tenantId)).config
    const now = this.#clock()
    const record = this.#newRecord(tenantId, config, 'active', now, now)
    await this.#storage.transaction(async (tx) => {
      await tx.signingKeys.lock(tenantId)
      // Another instance may have made it since this one looked.
      if ((await tx.signingKeys.list(tenantId)).some((r) => r.state === 'active')) return
      await tx.signingKeys.add(record)
      await audit(tx, tenantId, 'key.created', 'notice', { actor: 'system' }, now, {
        kid: record.kid,
      })
    })
    this.#cache.delete(tenantId)
  }

  #newRecord(
    tenantId: string,
    config: TenantConfig,
    state: 'next' | 'active',
    now: number,
    activatesAt: number,
  ): SigningKeyRecord {
    const key = jwk.generate(config.signingAlgorithm as Parameters<typeof jwk.generate>[0])
    const kid = key.kid ?? key.thumbprint()
    return {
      kid,
      tenantId,
      alg: config.signingAlgorithm,
      state,
      // A secret (HS*) key has no public half: it is never published, and verifies from its wrap.
      publicJwk:
        key.type === 'secret' ? 'null' : JSON.stringify({ ...key.toJWK(), kid, use: 'sig' }),
      privateJwe: this.#master.wrap(key),
      createdAt: now,
      activatesAt,
      retiredAt: null,
      removeAt: null,
    }
  }
}

async function audit(
  tx: Stores,
  tenantId: string,
  type: 'key.created' | 'key.rotated' | 'key.retired' | 'key.revoked',
  severity: 'info' | 'notice' | 'critical',
  by: AuditContext,
  time: number,
  details: Record<string, unknown>,
): Promise<void> {
  await tx.audit.append({
    tenantId,
    type,
    severity,
    actor: by.actor ?? 'system',
    ip: by.ip ?? null,
    userAgent: by.userAgent ?? null,
    details,
    time,
  })
}
