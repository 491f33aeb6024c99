// Service API keys per tenant: `tsk_<id>_<secret>`, with a 32-hex-digit id and 256 random bits of
// secret. The key is shown once, at creation; the store keeps only the SHA-256 of the whole key. A
// fast hash is enough here: unlike a password, the secret is random and far too long to guess, so
// there is nothing for a slow hash to protect. Checking a key looks the record up by its id (not by
// a secret-dependent value) and compares the hashes in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { tenantConfig } from './account-login.js'
import type { AuditContext } from './accounts.js'
import {
  InvalidInputError,
  InvalidTokenError,
  NotFoundError,
  TokenExpiredError,
  TokenRevokedError,
} from './errors.js'
import { requireObject, requireString } from './inputs.js'
import { revocationExpiry } from './revocation-set.js'
import type { Storage } from './stores/interfaces.js'
import type { ApiKeyRecord, RevocationRecord } from './stores/records.js'
import { checkNames } from './user-fields.js'

/** An API key as listed: everything but its hash. */
export type ApiKey = Omit<ApiKeyRecord, 'hash'>

/** A new API key. */
export interface CreateApiKeyInput {
  tenantId: string
  /** What the key is for (1 to 200 characters). */
  name: string
  scopes: string[]
  /** When the key stops working, ms since the epoch; never by default. */
  expiresAt?: number | null
}

/** Options for {@link ApiKeys}. */
export interface ApiKeysOptions {
  storage: Storage
  /** Milliseconds since the epoch; `Date.now` by default. */
  clock?: () => number
  /** The last-used time is written at most this often per key, ms (default 60 000). */
  touchIntervalMs?: number
  /**
   * Told after commit about the revocation a key's revocation writes (its access tokens, issued by
   * the client_credentials grant, carry `sid` {@link apiKeySessionId}), to keep a local revocation
   * set in step.
   */
  onRevoked?: (revocations: readonly RevocationRecord[]) => void
}

/** The `sid` of access tokens issued to an API key: revoking the key revokes them as a session. */
export function apiKeySessionId(keyId: string): string {
  return `api-key:${keyId}`
}

const KEY = /^tsk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/
const KEY_ID = /^[0-9a-f]{32}$/

/** Whether `id` has the shape of an API key's id; nothing else can name a confidential client. */
export function isApiKeyIdShape(id: string): boolean {
  return KEY_ID.test(id)
}
const INVALID = 'invalid API key'

/** The id in a string shaped like an API key (`tsk_<id>_<secret>`); undefined for anything else. */
export function apiKeyId(key: unknown): string | undefined {
  return typeof key === 'string' ? KEY.exec(key)?.[1] : undefined
}

/**
 * Creates, lists, revokes and checks service API keys.
 *
 * @example
 * ```ts
 * const apiKeys = new ApiKeys({ storage })
 * const { key } = await apiKeys.create({ tenantId, name: 'billing', scopes: ['invoices:read'] })
 * const apiKey = await apiKeys.authenticate(tenantId, key) // the record, without its hash
 * ```
 */
export class ApiKeys {
  readonly #storage: Storage
  readonly #clock: () => number
  readonly #touchIntervalMs: number
  readonly #onRevoked: ((revocations: readonly RevocationRecord[]) => void) | undefined

  /** @param options storage, clock and how often to record the last-used time */
  constructor(options: ApiKeysOptions) {
    this.#storage = options.storage
    this.#clock = options.clock ?? Date.now
    this.#touchIntervalMs = options.touchIntervalMs ?? 60_000
    this.#onRevoked = options.onRevoked
  }

  /** Creates a key; the returned `key` is the only time the secret is seen. */
  async create(
    input: CreateApiKeyInput,
    context: AuditContext = {},
  ): Promise<{ key: string; apiKey: ApiKey }> {
    const { tenantId, name } = requireObject(input, 'the API key')
    if (typeof name !== 'string' || name.trim().length === 0 || name.length > 200) {
      throw new InvalidInputError('name must have 1 to 200 characters')
    }
    const scopes = checkNames(input.scopes, 'scopes')
    const now = this.#clock()
    const expiresAt = input.expiresAt ?? null
    if (expiresAt !== null && (!Number.isSafeInteger(expiresAt) || expiresAt <= now)) {
      throw new InvalidInputError('expiresAt must be a time in the future, in milliseconds')
    }
    await tenantConfig(this.#storage, tenantId)
    const id = randomBytes(16).toString('hex')
    const key = `tsk_${id}_${randomBytes(32).toString('base64url')}`
    const hash = hashKey(key)
    const record: ApiKeyRecord = {
      id,
      tenantId,
      name,
      hash,
      scopes,
      createdAt: now,
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
    }
    await this.#storage.transaction(async (stores) => {
      await stores.apiKeys.create(record)
      await stores.audit.append({
        ...auditFields(context, now),
        tenantId,
        type: 'api_key.created',
        severity: 'notice',
        details: { keyId: id, name, scopes, expiresAt },
      })
    })
    return { key, apiKey: withoutHash(record) }
  }

  /** A tenant's keys, oldest first, without secrets or hashes. */
  async list(tenantId: string): Promise<ApiKey[]> {
    return (await this.#storage.apiKeys.list(tenantId)).map(withoutHash)
  }

  /** One key by id, or undefined (also for a key of another tenant). */
  async get(tenantId: string, id: string): Promise<ApiKey | undefined> {
    requireString(tenantId, 'tenantId')
    requireString(id, 'id')
    const record = await this.#storage.apiKeys.get(tenantId, id)
    return record && withoutHash(record)
  }

  /** Revokes a key; true when it was active. NotFoundError for no such key in the tenant. */
  async revoke(tenantId: string, id: string, context: AuditContext = {}): Promise<boolean> {
    requireString(tenantId, 'tenantId')
    requireString(id, 'id')
    let revocation: RevocationRecord | undefined
    const revoked = await this.#storage.transaction(async (stores) => {
      const record = await stores.apiKeys.get(tenantId, id)
      if (record === undefined) throw new NotFoundError('no such API key')
      const now = this.#clock()
      const revoked = await stores.apiKeys.revoke(tenantId, id, now)
      if (revoked) {
        // Its access tokens end with it: they carry the key's session id.
        const tenant = await stores.tenants.get(tenantId)
        revocation = {
          tenantId,
          kind: 'session',
          subject: apiKeySessionId(id),
          cutoff: now,
          expiresAt: revocationExpiry(now, tenant?.config.accessTokenTtl ?? 900),
        }
        await stores.revocations.put(revocation)
        await stores.audit.append({
          ...auditFields(context, now),
          tenantId,
          type: 'api_key.revoked',
          severity: 'notice',
          details: { keyId: id, name: record.name },
        })
      }
      return revoked
    })
    if (revocation !== undefined) this.#onRevoked?.([revocation])
    return revoked
  }

  /**
   * Checks a presented key in a tenant and returns its record. InvalidTokenError for a malformed,
   * unknown or wrong key or a key of another tenant; TokenRevokedError, TokenExpiredError.
   */
  async authenticate(tenantId: string, key: string): Promise<ApiKey> {
    const id = apiKeyId(key)
    if (id === undefined) throw new InvalidTokenError(INVALID)
    const record = await this.#storage.apiKeys.get(tenantId, id)
    const presented = Buffer.from(hashKey(key), 'base64url')
    const expected = Buffer.from(record?.hash ?? hashKey(''), 'base64url')
    const same = presented.length === expected.length && timingSafeEqual(presented, expected)
    if (record === undefined || !same) throw new InvalidTokenError(INVALID)
    const now = this.#clock()
    if (record.revokedAt !== null) throw new TokenRevokedError('the API key has been revoked')
    if (record.expiresAt !== null && record.expiresAt <= now) {
      throw new TokenExpiredError('the API key has expired')
    }
    if (record.lastUsedAt === null || now - record.lastUsedAt >= this.#touchIntervalMs) {
      await this.#storage.apiKeys.touchLastUsed(tenantId, record.id, now)
      return withoutHash({ ...record, lastUsedAt: now })
    }
    return withoutHash(record)
  }
}

/** SHA-256 of the whole key, base64url. */
function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url')
}

function withoutHash(record: ApiKeyRecord): ApiKey {
  const { hash: _hash, ...apiKey } = record
  return apiKey
}

function auditFields(context: AuditContext, time: number) {
  const { actor = null, ip = null, userAgent = null } = context
  return { actor, ip, userAgent, time }
}
