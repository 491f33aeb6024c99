// The Key: key material imported once, bound to its type, with the metadata a JWK can carry.
import { Buffer } from 'node:buffer'
import { KeyObject, createHash, createPublicKey, type JsonWebKey } from 'node:crypto'
import {
  ENCRYPTION_ALGORITHM_NAMES,
  getSignatureAlgorithm,
  type ContentEncryptionAlgorithm,
  type KeyManagementAlgorithm,
  type KeyType,
  type SignatureAlgorithm,
} from '../algorithms/registry.js'
import { createSign, createVerify, type SignFn, type VerifyFn } from '../algorithms/signer.js'
import { InvalidKeyError, JWKError, JWSSignatureError } from '../errors.js'
import { readOptions } from '../internal/options.js'
import type { JWK } from './jwk-types.js'
import { hasRocaFingerprint } from './roca.js'
import { pssRestriction, rsaPssJwk } from './rsa-pss.js'

/** Metadata a key can carry, as in a JWK. */
export interface KeyMetadata {
  /** Key id (`kid`). */
  kid?: string
  /** Intended use (`use`): `sig` or `enc`. */
  use?: string
  /** Permitted operations (`key_ops`), such as `sign` and `verify`. */
  keyOps?: readonly string[]
  /** The one algorithm this key may be used with (`alg`). */
  alg?: string
  /**
   * Accept this key even where it is too weak for its algorithm (RSA under 2048 bits, HMAC secrets
   * shorter than the hash). Insecure: only for talking to legacy systems you cannot change.
   */
  insecureAllowWeakKeys?: boolean
}

/** Options for exporting a key. */
export interface ExportOptions {
  /** Include private or secret members. Off by default, so nothing secret is exported by accident. */
  private?: boolean
}

/** A hash for RFC 7638 thumbprints. */
export type ThumbprintHash = 'sha256' | 'sha384' | 'sha512'

const CURVE_BY_NODE_NAME = new Map([
  ['prime256v1', 'P-256'],
  ['secp384r1', 'P-384'],
  ['secp521r1', 'P-521'],
  ['secp256k1', 'secp256k1'],
])

const OKP_TYPES = new Map([
  ['ed25519', 'Ed25519'],
  ['ed448', 'Ed448'],
  ['x25519', 'X25519'],
  ['x448', 'X448'],
])

// The key_ops (RFC 7517 section 4.3) that permit each JWE operation, by key-management family.
const ENCRYPTION_OPS: Record<
  'direct' | 'wrap' | 'agree',
  Record<'encrypt' | 'decrypt', string[]>
> = {
  direct: { encrypt: ['encrypt'], decrypt: ['decrypt'] },
  wrap: { encrypt: ['wrapKey', 'encrypt'], decrypt: ['unwrapKey', 'decrypt'] },
  agree: {
    encrypt: ['deriveKey', 'deriveBits', 'wrapKey', 'encrypt'],
    decrypt: ['deriveKey', 'deriveBits', 'unwrapKey', 'decrypt'],
  },
}

const THUMBPRINT_MEMBERS: Record<KeyType, readonly string[]> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  oct: ['k', 'kty'],
}

/**
 * Key material bound to its type. A Key wraps a node:crypto `KeyObject` and remembers its type,
 * curve, size and JWK metadata. Asymmetric material is never an HMAC secret, whatever an algorithm
 * name says.
 *
 * @example
 * ```ts
 * const key = jwk.construct({ kty: 'oct', k: '...' }, 'HS256')
 * const signature = key.sign('message')
 * key.verify('message', signature) // true
 * ```
 */
export class Key {
  /** The node:crypto key. */
  readonly keyObject: KeyObject
  /** JWK key type. */
  readonly kty: KeyType
  /** JWK curve name for EC and OKP keys. */
  readonly crv: string | undefined
  /** `secret` for HMAC keys, else `public` or `private`. */
  readonly type: 'secret' | 'public' | 'private'
  /** Size in bits: the modulus for RSA, the secret for oct, the field for EC and OKP. */
  readonly size: number
  readonly kid: string | undefined
  readonly use: string | undefined
  readonly keyOps: readonly string[] | undefined
  readonly alg: string | undefined
  /** Whether this key was explicitly accepted despite being weak; see KeyMetadata. */
  readonly insecureAllowWeakKeys: boolean
  // Sign and verify functions bound to this key, one per algorithm, made on first use.
  readonly #signers = new Map<string, SignFn>()
  readonly #verifiers = new Map<string, VerifyFn>()

  /**
   * Wraps a KeyObject. Refuses empty secrets, unsupported key types and curves, and RSA keys with a
   * public exponent that is even or below 3.
   *
   * @param keyObject - the node:crypto key
   * @param metadata - JWK metadata to bind to it
   */
  constructor(keyObject: KeyObject, metadata: KeyMetadata = {}) {
    // Callers in plain JavaScript can pass anything; refuse it here rather than with a TypeError.
    if (!(keyObject instanceof KeyObject)) {
      throw new InvalidKeyError('a Key wraps a node:crypto KeyObject')
    }
    this.keyObject = keyObject
    this.type = keyObject.type
    if (keyObject.type === 'secret') {
      const bytes = keyObject.symmetricKeySize ?? 0
      if (bytes === 0) throw new InvalidKeyError('the key is empty; an empty key verifies nothing')
      this.kty = 'oct'
      this.crv = undefined
      this.size = bytes * 8
    } else {
      const assymetricType = keyObject.asymmetricKeyType
      const details = keyObject.asymmetricKeyDetails ?? {}
      if (assymetricType === 'rsa' || assymetricType === 'rsa-pss') {
        const e = details.publicExponent ?? 0n
        if (e < 3n || e % 2n === 0n) {
          throw new InvalidKeyError('the RSA public exponent must be odd and at least 3')
        }
        this.kty = 'RSA'
        this.crv = undefined
        this.size = details.modulusLength ?? 0
        const n = Buffer.from(String(exportJwk(keyObject).n), 'base64url')
        if (hasRocaFingerprint(n)) {
          throw new InvalidKeyError(
            'the RSA key was made by a generator with the ROCA flaw (CVE-2017-15361); replace it',
          )
        }
      } else if (assymetricType === 'ec') {
        const crv = CURVE_BY_NODE_NAME.get(details.namedCurve ?? '')
        if (crv === undefined) throw new InvalidKeyError('unsupported elliptic curve')
        this.kty = 'EC'
        this.crv = crv
        this.size = crv === 'P-521' ? 521 : crv === 'P-384' ? 384 : 256
      } else if (assymetricType !== undefined && OKP_TYPES.has(assymetricType)) {
        this.kty = 'OKP'
        this.crv = OKP_TYPES.get(assymetricType)
        this.size = this.crv === 'Ed448' || this.crv === 'X448' ? 448 : 255
      } else {
        throw new InvalidKeyError(`unsupported key type ${String(assymetricType)}`)
      }
    }
    checkMetadata(metadata)
    this.kid = metadata.kid
    this.use = metadata.use
    this.keyOps = metadata.keyOps === undefined ? undefined : Object.freeze([...metadata.keyOps])
    this.alg = metadata.alg
    this.insecureAllowWeakKeys = metadata.insecureAllowWeakKeys === true
    if (this.alg !== undefined) this.#checkBoundAlgorithm(this.alg)
    Object.freeze(this)
  }

  /**
   * Signs a message with the key's own algorithm (`alg`).
   *
   * @param message - bytes, or text signed as UTF-8
   * @returns the raw signature
   */
  sign(message: string | Uint8Array): Buffer {
    const alg = this.#boundSignatureAlgorithm()
    return Buffer.from(this.signerFor(alg, false)(toBytes(message)), 'base64url')
  }

  /**
   * Verifies a raw signature over a message with the key's own algorithm (`alg`).
   *
   * @param message - bytes, or text as UTF-8
   * @param signature - the raw signature
   * @returns whether the signature is valid
   */
  verify(message: string | Uint8Array, signature: Uint8Array): boolean {
    const alg = this.#boundSignatureAlgorithm()
    return this.verifierFor(alg, false)(toBytes(message), toBytes(signature).toString('base64url'))
  }

  /**
   * Exports the key as a JWK. Private and secret members are left out unless asked for. An RSA-PSS
   * key exports as the RSA key it holds: a JWK cannot carry its PSS parameters.
   *
   * @example
   * ```ts
   * const publicJwk = key.toJWK()
   * const privateJwk = key.toJWK({ private: true })
   * ```
   */
  toJWK(opts: ExportOptions = {}): JWK {
    const options = readOptions(opts)
    if (this.type === 'secret' && options.private !== true) {
      throw new JWKError('a secret key has no public form; pass { private: true } to export it')
    }
    const source = options.private === true ? this.keyObject : this.#publicKeyObject()
    const jwk = exportJwk(source) as JWK
    if (this.kty === 'oct') jwk.kty = 'oct'
    if (this.kid !== undefined) jwk.kid = this.kid
    if (this.use !== undefined) jwk.use = this.use
    if (this.keyOps !== undefined) jwk.key_ops = [...this.keyOps]
    if (this.alg !== undefined) jwk.alg = this.alg
    return jwk
  }

  /**
   * Exports the key as PEM: SPKI for public keys, PKCS#8 for private keys (only when asked for).
   */
  toPEM(opts: ExportOptions = {}): string {
    const options = readOptions(opts)
    if (this.type === 'secret') throw new JWKError('a secret key has no PEM form')
    if (this.type === 'private' && options.private === true) {
      return this.keyObject.export({ type: 'pkcs8', format: 'pem' }) as string
    }
    return this.#publicKeyObject().export({ type: 'spki', format: 'pem' }) as string
  }

  /** The public half of an asymmetric key, with the same metadata. */
  publicKey(): Key {
    if (this.type === 'secret') throw new JWKError('a secret key has no public half')
    if (this.type === 'public') return this
    return new Key(createPublicKey(this.keyObject), this)
  }

  /**
   * The RFC 7638 thumbprint: the hash of the required members, as base64url.
   *
   * @param hash - the digest, SHA-256 by default
   */
  thumbprint(hash: ThumbprintHash = 'sha256'): string {
    if (hash !== 'sha256' && hash !== 'sha384' && hash !== 'sha512') {
      throw new JWKError('the thumbprint hash must be sha256, sha384 or sha512')
    }
    const jwk = this.type === 'secret' ? this.toJWK({ private: true }) : this.toJWK()
    // Members in lexicographic order, no whitespace (RFC 7638 section 3.2).
    const members = THUMBPRINT_MEMBERS[this.kty].map(
      (name) => `${JSON.stringify(name)}:${JSON.stringify(jwk[name])}`,
    )
    return createHash(hash)
      .update(`{${members.join(',')}}`)
      .digest('base64url')
  }

  /**
   * The RFC 9278 thumbprint URI: the RFC 7638 thumbprint, named with its hash, as a URN.
   *
   * @param hash - the digest, SHA-256 by default
   * @example
   * ```ts
   * key.thumbprintURI() // 'urn:ietf:params:oauth:jwk-thumbprint:sha-256:NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
   * ```
   */
  thumbprintURI(hash: ThumbprintHash = 'sha256'): string {
    const thumbprint = this.thumbprint(hash)
    // The hash names of the IANA Named Information Hash Algorithm Registry: sha-256, sha-384, sha-512.
    return `urn:ietf:params:oauth:jwk-thumbprint:sha-${hash.slice(3)}:${thumbprint}`
  }

  /**
   * Why this key cannot perform `op` with `alg`, or undefined when it can. Checks the key type,
   * the curve, the parameters of an RSA-PSS key, the key's own `alg`, `use` and `key_ops`, and that
   * signing has a private half.
   */
  unusableReason(alg: SignatureAlgorithm, op: 'sign' | 'verify'): string | undefined {
    if (this.kty !== alg.kty) return `${alg.name} needs a key of type ${alg.kty}, not ${this.kty}`
    if (alg.curves !== undefined && !alg.curves.includes(this.crv!)) {
      return `${alg.name} needs a key on ${alg.curves.join(' or ')}, not ${this.crv}`
    }
    if (this.keyObject.asymmetricKeyType === 'rsa-pss') {
      if (alg.family === 'rsa') return `an RSA-PSS key cannot make ${alg.name} signatures`
      const restricted = pssRestriction(this.keyObject, alg)
      if (restricted !== undefined) return restricted
    }
    if (this.alg !== undefined && this.alg !== alg.name) {
      return `the key is bound to ${this.alg}, not ${alg.name}`
    }
    if (this.use !== undefined && this.use !== 'sig') return `the key's use is "${this.use}"`
    if (this.keyOps !== undefined && !this.keyOps.includes(op)) {
      return `the key's key_ops do not include "${op}"`
    }
    if (op === 'sign' && this.type === 'public') return 'a public key cannot sign'
    return undefined
  }

  /**
   * Why this key is too weak for `alg`, or undefined when it is strong enough: RSA moduli under
   * 2048 bits and HMAC secrets shorter than the hash output.
   */
  weaknessReason(alg: SignatureAlgorithm): string | undefined {
    if (alg.kty === 'RSA' && this.size < 2048) {
      return `RSA keys must have at least 2048 bits (this one has ${this.size}); make one with jwk.generate('${alg.name}')`
    }
    if (alg.minKeyBytes !== undefined && this.size / 8 < alg.minKeyBytes) {
      return `${alg.name} secrets must be at least ${alg.minKeyBytes} bytes (this one has ${this.size / 8}); make one with jwk.generate('${alg.name}')`
    }
    return undefined
  }

  /**
   * Why this key cannot `encrypt` or `decrypt` a JWE with key management `alg` and content
   * encryption `enc`, or undefined when it can. Checks the key type and curve, the exact length of
   * secret keys (`dir` keys are the CEK; A*KW and A*GCMKW keys are the wrapping key), the key's own
   * `alg` (a `dir` key may name its `enc` instead), `use` and `key_ops`, that decryption has a
   * private or secret key, and that RSA1_5 only ever decrypts. Weakness (RSA under 2048 bits) is
   * checked separately.
   *
   * @example
   * ```ts
   * const reason = key.unusableForEncryption(getKeyManagementAlgorithm('A128KW')!, enc, 'decrypt')
   * ```
   */
  unusableForEncryption(
    alg: KeyManagementAlgorithm,
    enc: ContentEncryptionAlgorithm,
    op: 'encrypt' | 'decrypt',
  ): string | undefined {
    if (!alg.keyTypes.includes(this.kty)) {
      return `${alg.name} needs a key of type ${alg.keyTypes.join(' or ')}, not ${this.kty}`
    }
    if (alg.curves !== undefined && !alg.curves.includes(this.crv!)) {
      return `${alg.name} needs a key on ${alg.curves.join(', ')}, not ${this.crv}`
    }
    if (this.keyObject.asymmetricKeyType === 'rsa-pss') return 'an RSA-PSS key cannot encrypt'
    const bytes = this.size / 8
    if (alg.family === 'dir' && bytes !== enc.cekBytes) {
      return `dir with ${enc.name} needs a ${enc.cekBytes}-byte key, not ${bytes}`
    }
    if ((alg.family === 'aes-kw' || alg.family === 'aes-gcm-kw') && bytes !== alg.wrapKeyBytes) {
      return `${alg.name} needs a ${alg.wrapKeyBytes}-byte key, not ${bytes}`
    }
    const boundToEnc = alg.family === 'dir' && this.alg === enc.name
    if (this.alg !== undefined && this.alg !== alg.name && !boundToEnc) {
      return `the key is bound to ${this.alg}, not ${alg.name}`
    }
    if (this.use !== undefined && this.use !== 'enc') return `the key's use is "${this.use}"`
    const kind =
      alg.direct && alg.family === 'dir' ? 'direct' : alg.family === 'ecdh-es' ? 'agree' : 'wrap'
    const permitted = ENCRYPTION_OPS[kind][op]
    if (this.keyOps !== undefined && !this.keyOps.some((keyOp) => permitted.includes(keyOp))) {
      return `the key's key_ops do not include ${permitted.map((o) => `"${o}"`).join(' or ')}`
    }
    if (op === 'decrypt' && this.type === 'public') return 'a public key cannot decrypt'
    if (op === 'encrypt' && alg.decryptOnly) {
      return `${alg.name} is only for decrypting legacy tokens; encrypt with RSA-OAEP-256`
    }
    return undefined
  }

  /**
   * A sign function bound to this key and `alg`, checked once and kept. Throws InvalidKeyError when
   * the key cannot sign with `alg` or is too weak (unless `insecureAllowWeakKeys`).
   *
   * @internal used by jws and jwt; not part of the stable API
   */
  signerFor(alg: SignatureAlgorithm, insecureAllowWeakKeys: boolean): SignFn {
    const slot = insecureAllowWeakKeys ? `${alg.name}!` : alg.name
    let fn = this.#signers.get(slot)
    if (fn === undefined) {
      this.#assertUsable(alg, 'sign', insecureAllowWeakKeys)
      fn = createSign(alg, this.keyObject)
      this.#signers.set(slot, fn)
    }
    return fn
  }

  /**
   * A verify function bound to this key and `alg`, checked once and kept. Throws InvalidKeyError
   * when the key cannot verify with `alg` or is too weak (unless `insecureAllowWeakKeys`).
   *
   * @internal used by jws and jwt; not part of the stable API
   */
  verifierFor(alg: SignatureAlgorithm, insecureAllowWeakKeys: boolean): VerifyFn {
    const slot = insecureAllowWeakKeys ? `${alg.name}!` : alg.name
    let fn = this.#verifiers.get(slot)
    if (fn === undefined) {
      // The token chose this algorithm from the caller's list; a key that cannot serve it is a
      // verification failure, not a broken key.
      const unusable = this.unusableReason(alg, 'verify')
      if (unusable !== undefined) {
        throw new JWSSignatureError(`the key cannot verify ${alg.name} signatures: ${unusable}`)
      }
      this.#assertUsable(alg, 'verify', insecureAllowWeakKeys)
      fn = createVerify(alg, this.keyObject)
      this.#verifiers.set(slot, fn)
    }
    return fn
  }

  /**
   * Throws InvalidKeyError when the key is bound to a signature algorithm it is too weak for, unless
   * it was accepted with `insecureAllowWeakKeys`.
   */
  assertStrongEnough(): void {
    const alg = getSignatureAlgorithm(this.alg)
    const reason =
      alg === undefined || this.insecureAllowWeakKeys ? undefined : this.weaknessReason(alg)
    if (reason !== undefined) throw new InvalidKeyError(reason)
  }

  #publicKeyObject(): KeyObject {
    return this.type === 'private' ? createPublicKey(this.keyObject) : this.keyObject
  }

  #assertUsable(alg: SignatureAlgorithm, op: 'sign' | 'verify', insecure: boolean): void {
    const allowWeak = insecure || this.insecureAllowWeakKeys
    const reason =
      this.unusableReason(alg, op) ?? (allowWeak ? undefined : this.weaknessReason(alg))
    if (reason !== undefined) throw new InvalidKeyError(reason)
  }

  #boundSignatureAlgorithm(): SignatureAlgorithm {
    const alg = getSignatureAlgorithm(this.alg)
    if (alg === undefined) {
      throw new JWKError(
        'the key has no signature algorithm; construct it with one, e.g. jwk.construct(data, "ES256")',
      )
    }
    return alg
  }

  #checkBoundAlgorithm(name: string): void {
    const alg = getSignatureAlgorithm(name)
    if (alg === undefined) {
      if (ENCRYPTION_ALGORITHM_NAMES.has(name)) return
      throw new JWKError(`unknown algorithm "${name.slice(0, 32)}"`)
    }
    if (this.kty !== alg.kty)
      throw new JWKError(`${alg.name} needs a key of type ${alg.kty}, not ${this.kty}`)
    if (alg.curves !== undefined && !alg.curves.includes(this.crv!)) {
      throw new JWKError(`${alg.name} needs a key on ${alg.curves.join(' or ')}, not ${this.crv}`)
    }
  }
}

// node:crypto refuses to export an RSA-PSS key as a JWK; its RSA components export all the same.
function exportJwk(keyObject: KeyObject): JsonWebKey {
  if (keyObject.asymmetricKeyType === 'rsa-pss') return rsaPssJwk(keyObject)
  return keyObject.export({ format: 'jwk' })
}

function toBytes(data: string | Uint8Array): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8')
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  throw new JWKError('messages and signatures must be strings or bytes')
}

function checkMetadata(metadata: KeyMetadata): void {
  if (typeof metadata !== 'object' || metadata === null)
    throw new JWKError('key metadata must be an object')
  for (const name of ['kid', 'use', 'alg'] as const) {
    if (metadata[name] !== undefined && typeof metadata[name] !== 'string') {
      throw new JWKError(`"${name}" must be a string`)
    }
  }
  const ops = metadata.keyOps
  if (ops !== undefined && (!Array.isArray(ops) || ops.some((op) => typeof op !== 'string'))) {
    throw new JWKError('"key_ops" must be an array of strings')
  }
}
