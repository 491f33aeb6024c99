// Opaque refresh tokens: 256 random bits, stored only as a SHA-256 hash (a slow hash adds nothing
// against 256 bits of entropy). A consumed token's successor is sealed under a key derived from the
// consumed token itself, so only its holder can open it during the grace window, and a stolen
// database reveals no live token.
import { Buffer } from 'node:buffer'
import { createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { InvalidInputError } from './errors.js'

const PREFIX = 'rt_'
const FORMAT = /^rt_[A-Za-z0-9_-]{43}$/
const TOKEN_BYTES = 32
const NONCE_BYTES = 16
const SEALED_PREFIX = 'v2.'
const SEAL_INFO = Buffer.from('tessera refresh successor v2')

// One randomBytes call costs far more than the bytes it returns: draw from a pool refilled 4 KB at a
// time, as node's randomUUID does. Each slice is handed out once.
const POOL_BYTES = 4096
let pool = Buffer.alloc(0)
let poolOffset = 0

function poolBytes(length: number): Buffer {
  if (poolOffset + length > pool.length) {
    pool = randomBytes(POOL_BYTES)
    poolOffset = 0
  }
  poolOffset += length
  return pool.subarray(poolOffset - length, poolOffset)
}

/** Makes a new refresh token. */
export function newRefreshToken(): string {
  return PREFIX + poolBytes(TOKEN_BYTES).toString('base64url')
}

/** True when `token` has the shape of a refresh token (checked before any lookup). */
export function isRefreshTokenShape(token: unknown): token is string {
  return typeof token === 'string' && FORMAT.test(token)
}

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

// The one-time pad for a successor: HMAC-SHA256 keyed by the consumed token over a fresh nonce, so no
// pad is ever used twice and nobody without the consumed token can compute it.
function pad(presented: string, nonce: Buffer): Buffer {
  return createHmac('sha256', presented).update(SEAL_INFO).update(nonce).digest()
}

function xorInto(target: Buffer, mask: Buffer): Buffer {
  for (let i = 0; i < target.length; i++) target[i] = target[i]! ^ mask[i]!
  return target
}

/**
 * Seals `successor` so that only a holder of `presented` can open it: its 256 bits XORed with a pad
 * that only `presented` derives. Integrity comes from the successor's stored hash, which
 * {@link openSuccessor} checks; this is far cheaper than key derivation plus AES-GCM on every
 * rotation.
 */
export function sealSuccessor(presented: string, successor: string): string {
  const bytes = Buffer.from(successor.slice(PREFIX.length), 'base64url')
  if (!isRefreshTokenShape(successor) || bytes.length !== TOKEN_BYTES) {
    throw new InvalidInputError('sealSuccessor: the successor is not a refresh token')
  }
  const nonce = Buffer.from(poolBytes(NONCE_BYTES))
  const body = xorInto(bytes, pad(presented, nonce))
  return SEALED_PREFIX + Buffer.concat([nonce, body]).toString('base64url')
}

/**
 * Opens a sealed successor; undefined when it does not open with `presented` to the token whose hash
 * is `successorHash`.
 */
export function openSuccessor(
  presented: string,
  sealed: string,
  successorHash: string | null,
): string | undefined {
  if (!sealed.startsWith(SEALED_PREFIX)) return openLegacySeal(presented, sealed)
  const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url')
  if (bytes.length !== NONCE_BYTES + TOKEN_BYTES || successorHash === null) return undefined
  const nonce = bytes.subarray(0, NONCE_BYTES)
  const successor =
    PREFIX + xorInto(bytes.subarray(NONCE_BYTES), pad(presented, nonce)).toString('base64url')
  return hashToken(successor) === successorHash ? successor : undefined
}

// Successors sealed before v2 (HKDF-derived key, AES-256-GCM) open until they pass the grace window;
// prune() forgets them within a day, after which this can go.
function openLegacySeal(presented: string, sealed: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64url')
  if (bytes.length < 12 + 16 + 1) return undefined
  try {
    const key = Buffer.from(
      hkdfSync('sha256', presented, hashToken(presented), 'tessera refresh successor v1', 32),
    )
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12))
    decipher.setAuthTag(bytes.subarray(bytes.length - 16))
    const plain = Buffer.concat([
      decipher.update(bytes.subarray(12, bytes.length - 16)),
      decipher.final(),
    ])
    return plain.toString('utf8')
  } catch {
    return undefined
  }
}
