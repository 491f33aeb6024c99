import { InvalidOptionsError, JWTClaimsError, toJWTError } from '../errors.js'
import { isJsonObject, stringifyJson } from '../internal/json.js'
import { readOptions } from '../internal/options.js'
import type { KeyInput } from '../keys/import.js'
import { encrypt as encryptJWE } from '../jwe/encrypt.js'
import { encode, normalizeClaims, type ClaimsInput } from './encode.js'
import { normalizeTyp } from './policy.js'

/** The signature of a signed-then-encrypted JWT: jwt.encode's key, algorithm and headers. */
export interface SignWith {
  key: KeyInput
  /** The signature algorithm; defaults to the key's own `alg`. */
  algorithm?: string
  /** Extra protected header members of the inner JWS (`typ` defaults to `JWT`). */
  headers?: Record<string, unknown>
  /** Sign with a key that is too weak for the algorithm. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/** Options for {@link encrypt}. */
export interface EncryptOptions {
  /** The key-management algorithm (`alg`); defaults to the key's own, else `dir`. */
  algorithm?: string
  /** The content encryption (`enc`); defaults to the `enc` a dir key names, else A256GCM. */
  encryption?: string
  /** `DEF` to compress the claims (or the inner JWS) before encrypting. */
  zip?: 'DEF'
  /** Extra JWE protected header members; `typ` defaults to `JWT`. */
  headers?: Record<string, unknown>
  /** Sign the claims first (jwt.encode), then encrypt the JWS: a nested JWT, `cty: "JWT"`. */
  signWith?: SignWith
  /** PBES2: the iteration count. Default 10,000. */
  p2c?: number
  /** Encrypt to an RSA key under 2048 bits. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/**
 * Encrypts claims into a JWT that is a compact JWE. Without `signWith`, the JWE's plaintext is the
 * claims (RFC 7519 section 7.1, step 5). With it, the claims are first signed by jwt.encode and the
 * JWE holds that JWS, with `cty: "JWT"` (RFC 7519 section 5.2): sign, then encrypt. Everything it
 * throws is a JWTError.
 *
 * @example
 * ```ts
 * const token = jwt.encrypt({ sub: 'u1', exp: new Date(Date.now() + 9e5) }, recipientPublicKey, {
 *   algorithm: 'RSA-OAEP-256',
 *   encryption: 'A256GCM',
 *   signWith: { key: issuerPrivateKey, algorithm: 'ES256' },
 * })
 * ```
 */
export function encrypt(claims: ClaimsInput, key: KeyInput, opts?: EncryptOptions): string {
  try {
    const options = readOptions(opts)
    if (options.headers !== undefined && !isJsonObject(options.headers)) {
      throw new InvalidOptionsError('headers must be an object')
    }
    const headers: Record<string, unknown> = { typ: 'JWT', ...options.headers }
    let plaintext: string
    if (options.signWith !== undefined) {
      const signWith = readOptions(options.signWith)
      plaintext = encode(claims, signWith.key as KeyInput, {
        algorithm: signWith.algorithm,
        headers: signWith.headers,
        insecureAllowWeakKeys: signWith.insecureAllowWeakKeys,
      })
      headers.cty = 'JWT'
    } else {
      if (typeof headers.cty === 'string' && normalizeTyp(headers.cty) === 'jwt') {
        throw new InvalidOptionsError('cty "JWT" marks a signed JWT inside; use signWith')
      }
      const json = stringifyJson(normalizeClaims(claims))
      if (json === undefined) throw new JWTClaimsError('the claims cannot be serialized as JSON')
      plaintext = json
    }
    return encryptJWE(plaintext, key, {
      algorithm: options.algorithm,
      encryption: options.encryption,
      zip: options.zip,
      headers,
      p2c: options.p2c,
      insecureAllowWeakKeys: options.insecureAllowWeakKeys,
    })
  } catch (err) {
    throw toJWTError(err)
  }
}
