import type { ContentEncryptionAlgorithm, KeyManagementAlgorithm } from '../algorithms/registry.js'
import { InvalidOptionsError } from '../errors.js'
import { readOptions } from '../internal/options.js'
import { resolveSingleKey, type KeyInput } from '../keys/import.js'
import type { Key } from '../keys/key.js'
import { buildJWE, plaintextBytes } from './build.js'
import { chooseAlgorithm, chooseEncryption, readHeaders, readP2c, readZip } from './options.js'

/** Options for {@link encrypt}: python-jose's arguments, camel-cased, plus `headers`. */
export interface JWEEncryptOptions {
  /** The key-management algorithm (`alg`); defaults to the key's own `alg`, else `dir`. */
  algorithm?: string
  /** The content-encryption algorithm (`enc`); defaults to the `enc` a dir key names, else A256GCM. */
  encryption?: string
  /** `DEF` to compress the plaintext with DEFLATE before encrypting. */
  zip?: 'DEF'
  /** The content type (`cty`), e.g. `JWT` for a nested token. */
  cty?: string
  /** The key id (`kid`); defaults to the key's own `kid`. */
  kid?: string
  /** Extra protected header members. `alg`, `enc`, `zip` and the algorithm parameters are computed. */
  headers?: Record<string, unknown>
  /** PBES2: the iteration count (`p2c`), 1,000 to 10,000,000. Default 10,000. */
  p2c?: number
  /** Encrypt to an RSA key under 2048 bits. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/**
 * Encrypts a plaintext into a compact JWE, like python-jose's `jwe.encrypt`. Every header member is
 * protected. A dir key must be exactly as long as the CEK of `encryption`; RSA1_5 never encrypts.
 *
 * @param plaintext - text (encrypted as UTF-8) or bytes
 * @param key - the recipient's key: a Key, JWK, PEM, secret, password (PBES2) or KeyObject
 * @param opts - algorithm, encryption, zip, cty, kid, headers
 * @returns the compact JWE
 *
 * @example
 * ```ts
 * const token = jwe.encrypt('This is sensitive information', 'asecret128bitkey', {
 *   algorithm: 'dir',
 *   encryption: 'A128GCM',
 * })
 * ```
 */
export function encrypt(
  plaintext: string | Uint8Array,
  key: KeyInput,
  opts?: JWEEncryptOptions,
): string {
  const setup = setUpEncryption(key, readOptions(opts))
  const parts = buildJWE({
    plaintext: plaintextBytes(plaintext),
    enc: setup.enc,
    protectedHeader: setup.protectedHeader,
    unprotected: undefined,
    encPlacement: 'protected',
    aad: undefined,
    zip: setup.zip,
    recipients: [{ key: setup.key, alg: setup.alg, header: undefined, placement: 'protected' }],
    p2c: setup.p2c,
    insecureAllowWeakKeys: setup.insecureAllowWeakKeys,
  })
  const encryptedKey = parts.recipients[0]!.encryptedKey
  return [parts.protectedB64, encryptedKey, parts.iv, parts.ciphertext, parts.tag]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.')
}

/** What jwe.encrypt and a compiled encrypter settle from the options and the key, before any data. */
export interface EncryptionSetUp {
  key: Key
  alg: KeyManagementAlgorithm
  enc: ContentEncryptionAlgorithm
  /** `alg`, `enc`, `zip`, `cty`, `kid` and the caller's `headers`, in that order. */
  protectedHeader: Record<string, unknown>
  zip: boolean
  p2c: number
  insecureAllowWeakKeys: boolean
}

/**
 * Resolves the key and reads the options of jwe.encrypt: the algorithms, the protected header, the
 * PBES2 count. Throws InvalidOptionsError, JWEAlgorithmError or a key import error.
 *
 * @example
 * ```ts
 * const { key, alg, enc, protectedHeader } = setUpEncryption(recipientKey, { encryption: 'A256GCM' })
 * ```
 */
export function setUpEncryption(
  key: KeyInput,
  options: Partial<JWEEncryptOptions>,
): EncryptionSetUp {
  const recipientKey = resolveSingleKey(key)
  const alg = chooseAlgorithm(options.algorithm, recipientKey)
  const enc = chooseEncryption(options.encryption, recipientKey)
  const header: Record<string, unknown> = { alg: alg.name, enc: enc.name }
  if (readZip(options.zip)) header.zip = 'DEF'
  for (const name of ['cty', 'kid'] as const) {
    const value = options[name] ?? (name === 'kid' ? recipientKey.kid : undefined)
    if (value === undefined) continue
    if (typeof value !== 'string') throw new InvalidOptionsError(`${name} must be a string`)
    header[name] = value
  }
  return {
    key: recipientKey,
    alg,
    enc,
    protectedHeader: { ...header, ...readHeaders(options.headers, 'headers') },
    zip: header.zip !== undefined,
    p2c: readP2c(options.p2c),
    insecureAllowWeakKeys: options.insecureAllowWeakKeys === true,
  }
}
