// The records the stores keep. Times are milliseconds since the epoch.

/** A tenant's settings; every field has a default (see tenant-config.ts). */
export interface TenantConfig {
  /** The `iss` of access tokens. */
  issuer: string
  /** The `aud` of access tokens. */
  audience: string
  /** Access token lifetime, seconds (default 900). */
  accessTokenTtl: number
  /** Refresh token idle lifetime, seconds; each rotation extends it (default 7 days). */
  refreshIdleTtl: number
  /** Absolute lifetime of a session (refresh family), seconds (default 30 days). */
  sessionAbsoluteTtl: number
  /** How long a just-consumed refresh token is a retry rather than reuse, seconds (default 30). */
  reuseGraceSeconds: number
  /** Failed logins before the account locks (default 5). */
  maxLoginAttempts: number
  /** How long a lock lasts, minutes (default 30). */
  lockoutMinutes: number
  /** The JWS algorithm of the tenant's signing keys (default ES256). */
  signingAlgorithm: string
  /**
   * This tenant's own rate limits, by profile name (`loginPerIp`, `refreshPerSession`, ...),
   * over the process-wide ones; absent or empty: the process-wide rules.
   */
  rateLimits?: Readonly<Record<string, TenantRateLimit>>
}

/** A tenant's rule for one rate-limit profile: `points` per `duration` seconds. */
export interface TenantRateLimit {
  points: number
  duration: number
  /** Seconds a key stays refused once over the limit (default 0: until the window ends). */
  blockDuration?: number
}

export interface TenantRecord {
  id: string
  name: string
  config: TenantConfig
  createdAt: number
  updatedAt: number
}

export interface UserRecord {
  id: string
  tenantId: string
  /** Lower-cased; unique in the tenant. */
  username: string
  /** Lower-cased; unique in the tenant when present. */
  email: string | null
  passwordHash: string
  roles: string[]
  scopes: string[]
  disabled: boolean
  failedAttempts: number
  lockedUntil: number | null
  passwordChangedAt: number
  createdAt: number
  updatedAt: number
}

/** A session: one refresh-token family, one login on one device. */
export interface SessionRecord {
  id: string
  tenantId: string
  userId: string
  clientId: string
  device: string | null
  userAgent: string | null
  firstIp: string | null
  lastIp: string | null
  createdAt: number
  lastUsedAt: number
  /** The family's absolute end. */
  expiresAt: number
  revokedAt: number | null
  revokedReason: string | null
}

/** A refresh token, known only by its hash. */
export interface RefreshTokenRecord {
  hash: string
  tenantId: string
  sessionId: string
  createdAt: number
  /** Idle expiry. */
  expiresAt: number
  consumedAt: number | null
  successorHash: string | null
  /** The successor token, sealed under a key derived from this token, kept for the grace window. */
  sealedSuccessor: string | null
}

/** What a revocation covers. */
export type RevocationKind = 'jti' | 'session' | 'user' | 'tenant'

/**
 * A revocation. For `jti` and `session`, every token with that id is revoked; for `user` and
 * `tenant`, every token issued at or before `cutoff`.
 */
export interface RevocationRecord {
  tenantId: string
  kind: RevocationKind
  subject: string
  cutoff: number
  /** When every token this covers has expired; the row may be pruned then. */
  expiresAt: number
}

/** A service API key, known only by the SHA-256 hash of the whole key. */
export interface ApiKeyRecord {
  id: string
  tenantId: string
  /** What the key is for, as its owner named it. */
  name: string
  /** SHA-256 of the whole key, base64url; unique everywhere. */
  hash: string
  scopes: string[]
  createdAt: number
  /** When the key stops working; null for never. */
  expiresAt: number | null
  lastUsedAt: number | null
  revokedAt: number | null
}

/** Where a signing key is in its life. */
export type SigningKeyState = 'next' | 'active' | 'retired' | 'revoked'

/** A tenant's signing key. The private half is a JWE under the master key. */
export interface SigningKeyRecord {
  kid: string
  tenantId: string
  alg: string
  state: SigningKeyState
  /** The public JWK, as JSON text. */
  publicJwk: string
  /** The private JWK, encrypted (compact JWE) under the master key. */
  privateJwe: string
  createdAt: number
  /** When a `next` key starts signing (it is published from creation). */
  activatesAt: number
  retiredAt: number | null
  /** When a retired key leaves the JWKS: every token it signed has expired. */
  removeAt: number | null
}
