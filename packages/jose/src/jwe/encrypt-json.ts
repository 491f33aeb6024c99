import { Buffer } from 'node:buffer'
import { InvalidOptionsError } from '../errors.js'
import { readOptions } from '../internal/options.js'
import { resolveSingleKey, type KeyInput } from '../keys/import.js'
import { buildJWE, plaintextBytes, type RecipientSpec } from './build.js'
import type { JWEJSON } from './json.js'
import { chooseAlgorithm, chooseEncryption, readHeaders, readP2c, readZip } from './options.js'

/** One recipient of {@link encryptJSON}. */
export interface JWERecipient {
  /** The recipient's key. */
  key: KeyInput
  /** Its key-management algorithm; defaults to an `alg` in its header, then to the key's own. */
  algorithm?: string
  /** Its own unprotected header (`kid`, `apu`, ...); may name its `alg`. */
  header?: Record<string, unknown>
}

/** Options for {@link encryptJSON}. */
export interface JWEEncryptJSONOptions {
  /** The content encryption (`enc`); defaults to an `enc` in a header, then as jwe.encrypt does. */
  encryption?: string
  /** Protected header members; with one recipient, may hold its `alg`, and may hold `enc`. */
  protectedHeader?: Record<string, unknown>
  /** Shared unprotected header members (`unprotected`); the same members allowed as above. */
  unprotectedHeader?: Record<string, unknown>
  /** Additional authenticated data (JSON `aad`), text or bytes. */
  aad?: string | Uint8Array
  /** `DEF` to compress the plaintext; `zip` is always protected. */
  zip?: 'DEF'
  /** Return the flattened serialization (one recipient only) instead of the general one. */
  flattened?: boolean
  /** PBES2: the iteration count. Default 10,000. */
  p2c?: number
  /** Encrypt to RSA keys under 2048 bits. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/**
 * Encrypts a plaintext to one or more recipients in the JWE JSON Serialization (RFC 7516 section
 * 7.2): general by default, flattened on request. Each recipient's `alg` and its parameters go in
 * its own header, unless a single recipient's `alg` is placed in the protected or unprotected
 * header; `enc` and `zip` are protected unless `enc` is placed in the unprotected header. A key's
 * `kid` goes in its recipient's header, unless the caller put a `kid` in that or a shared header.
 *
 * @example
 * ```ts
 * const json = jwe.encryptJSON('to both of you', [
 *   { key: alicePublicKey, algorithm: 'RSA-OAEP-256', header: { kid: 'alice' } },
 *   { key: bobKek, algorithm: 'A256KW', header: { kid: 'bob' } },
 * ], { encryption: 'A256GCM', aad: 'context' })
 * ```
 */
export function encryptJSON(
  plaintext: string | Uint8Array,
  recipients: readonly JWERecipient[],
  opts?: JWEEncryptJSONOptions,
): JWEJSON {
  const options = readOptions(opts)
  if (!Array.isArray(recipients) || recipients.length === 0) {
    throw new InvalidOptionsError('recipients must be a non-empty array')
  }
  const single = recipients.length === 1
  const shared = single ? ['alg', 'enc'] : ['enc']
  const protectedHeader = readHeaders(options.protectedHeader, 'protectedHeader', shared) ?? {}
  const unprotected = readHeaders(options.unprotectedHeader, 'unprotectedHeader', shared)
  const specs: RecipientSpec[] = recipients.map((recipient) => {
    if (typeof recipient !== 'object' || recipient === null) {
      throw new InvalidOptionsError('each recipient must be an object with a key')
    }
    const key = resolveSingleKey(recipient.key)
    const header = readHeaders(recipient.header, 'a recipient header', ['alg'])
    const placement =
      header?.alg !== undefined
        ? 'recipient'
        : protectedHeader.alg !== undefined
          ? 'protected'
          : unprotected?.alg !== undefined
            ? 'unprotected'
            : 'recipient'
    const placed =
      placement === 'protected'
        ? protectedHeader
        : placement === 'unprotected'
          ? unprotected
          : header
    const named = placed?.alg
    if (recipient.algorithm !== undefined && named !== undefined && named !== recipient.algorithm) {
      throw new InvalidOptionsError('a recipient names two different algorithms')
    }
    const alg = chooseAlgorithm(recipient.algorithm ?? named, key)
    // The key's kid names its recipient, unless the caller put a kid in a header already: a
    // shared one names every recipient, and a name in two headers is refused (RFC 7516 section
    // 7.2.1).
    const kidGiven =
      header?.kid !== undefined ||
      protectedHeader.kid !== undefined ||
      unprotected?.kid !== undefined
    const withKid = key.kid !== undefined && placement === 'recipient' && !kidGiven
    const own = withKid ? { ...header, kid: key.kid } : header
    return { key, alg, header: own, placement }
  })
  const encName = options.encryption ?? protectedHeader.enc ?? unprotected?.enc
  const enc = chooseEncryption(encName, specs[0]!.key)
  const parts = buildJWE({
    plaintext: plaintextBytes(plaintext),
    enc,
    protectedHeader,
    unprotected,
    encPlacement: unprotected?.enc !== undefined ? 'unprotected' : 'protected',
    aad: readAad(options.aad),
    zip: readZip(options.zip),
    recipients: specs,
    p2c: readP2c(options.p2c),
    insecureAllowWeakKeys: options.insecureAllowWeakKeys === true,
  })
  const out: Record<string, unknown> = {}
  if (parts.protectedB64 !== '') out.protected = parts.protectedB64
  if (parts.unprotected !== undefined) out.unprotected = parts.unprotected
  const entries = parts.recipients.map(({ header, encryptedKey }) => {
    const entry: Record<string, unknown> = {}
    if (header !== undefined && Object.keys(header).length > 0) entry.header = header
    if (encryptedKey.length > 0) entry.encrypted_key = encryptedKey.toString('base64url')
    return entry
  })
  if (options.flattened === true) {
    if (!single) throw new InvalidOptionsError('the flattened serialization has one recipient')
    Object.assign(out, entries[0])
  } else {
    out.recipients = entries
  }
  if (parts.aadB64 !== undefined) out.aad = parts.aadB64
  out.iv = parts.iv.toString('base64url')
  out.ciphertext = parts.ciphertext.toString('base64url')
  out.tag = parts.tag.toString('base64url')
  return out as unknown as JWEJSON
}

function readAad(aad: unknown): Buffer | undefined {
  if (aad === undefined) return undefined
  if (typeof aad === 'string') return Buffer.from(aad, 'utf8')
  if (aad instanceof Uint8Array) return Buffer.from(aad)
  throw new InvalidOptionsError('aad must be text or bytes')
}
