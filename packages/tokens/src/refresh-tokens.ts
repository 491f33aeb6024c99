// Opaque refresh tokens: 256 random bits, stored only as a SHA-256 hash (a slow hash adds nothing
// against 256 bits of entropy). A consumed token's successor is sealed under a key derived from the
// consumed token itself, so only its holder can open it during the grace window, and a stolen
// database reveals no live token.
import { Buffer } from 'node:buffer'
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'

const PREFIX = 'rt_'
const FORMAT = /^rt_[A-Za-z0-9_-]{43}$/
const SEAL_INFO = Buffer.from('tessera refresh successor v1')

/** Makes a new refresh token. */
export function newRefreshToken(): string {
  return PREFIX + randomBytes(32).toString('base64url')
}

/** True when `token` has the shape of a refresh token (checked before any lookup). */
export function isRefreshTokenShape(token: unknown): token is string {
  return typeof token === 'string' && FORMAT.test(token)
}

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

function sealKey(presented: string): Buffer {
  return Buffer.from(hkdfSync('sha256', presented, hashToken(presented), SEAL_INFO, 32))
}

/** Seals `successor` so that only a holder of `presented` can open it (AES-256-GCM). */
export function sealSuccessor(presented: string, successor: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', sealKey(presented), iv)
  const body = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()])
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')
}

/** Opens a sealed successor; undefined when it does not open with `presented`. */
export function openSuccessor(presented: string, sealed: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64url')
  if (bytes.length < 12 + 16 + 1) return undefined
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(presented), bytes.subarray(0, 12))
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
