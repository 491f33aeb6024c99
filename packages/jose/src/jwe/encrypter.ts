// The compiled encrypting path: the key import, the choice of `alg` and `enc`, the key checks and
// the protected header are settled once; each call makes the CEK, the IV and the content.
import { randomBytes } from 'node:crypto'
import { InvalidOptionsError } from '../errors.js'
import { encodeBase64url } from '../internal/base64url.js'
import { fixedValues } from '../internal/jwe-fixed.js'
import { isJsonObject, stringifyJson } from '../internal/json.js'
import type { KeyInput } from '../keys/import.js'
import { checkBuiltHeader, checkEncryptionKey, plaintextBytes } from './build.js'
import { contentAad, sealContent } from './content.js'
import { setUpEncryption, type JWEEncryptOptions } from './encrypt.js'
import { wrapCek } from './wrap.js'
import { deflate } from './zip.js'

/** Options for {@link createEncrypter}: jwe.encrypt's options, and the key. */
export interface JWEEncrypterOptions extends JWEEncryptOptions {
  /** The recipient's key: a Key, JWK, PEM, secret, password (PBES2) or KeyObject. */
  key: KeyInput
}

/** Encrypts a plaintext (text as UTF-8, or bytes) into a compact JWE. */
export type Encrypter = (plaintext: string | Uint8Array) => string

/**
 * Compiles an encrypter: the same tokens as `jwe.encrypt(plaintext, key, options)`, with every
 * per-key and per-option step (the key import, the choice of `alg` and `enc`, the key checks, the
 * protected header and its base64url) done here, once. Where the header carries a per-token
 * parameter (`epk` for ECDH-ES, `p2s` and `p2c` for PBES2, `iv` and `tag` for A*GCMKW), each call
 * serializes it.
 *
 * @param options - `key`, and jwe.encrypt's `algorithm`, `encryption`, `zip`, `cty`, `kid`,
 *   `headers`, `p2c`, `insecureAllowWeakKeys`
 * @returns a function from a plaintext to a compact JWE
 * @throws InvalidOptionsError, JWEAlgorithmError, InvalidKeyError, JWEError (here, not per call)
 *
 * @example
 * ```ts
 * const seal = jwe.createEncrypter({ key: recipient.publicKey(), algorithm: 'RSA-OAEP-256', encryption: 'A256GCM' })
 * const token = seal('This is sensitive information')
 * jwe.decrypt(token, recipient, { algorithms: ['RSA-OAEP-256'] }).toString() // the same text
 * ```
 */
export function createEncrypter(options: JWEEncrypterOptions): Encrypter {
  if (!isJsonObject(options)) throw new InvalidOptionsError('options must be an object')
  const setUp = setUpEncryption(options.key, options)
  const { key, alg, enc, protectedHeader, zip, p2c } = setUp
  checkEncryptionKey(key, alg, enc, setUp.insecureAllowWeakKeys)
  checkBuiltHeader(protectedHeader, protectedHeader, alg, enc)
  const json = stringifyJson(protectedHeader)
  if (json === undefined) throw new InvalidOptionsError('the header cannot be serialized as JSON')
  const staticB64 = encodeBase64url(json)
  const staticAad = contentAad(staticB64, undefined)
  // A token's own parameters are appended to the fixed members' JSON, as the spread of the two
  // objects would order them: cheaper than copying and serializing the whole header each time.
  const openJson = json === '{}' ? '{' : `${json.slice(0, -1)},`

  return (plaintext) => {
    const bytes = plaintextBytes(plaintext)
    const fixed = fixedValues()
    const cek = alg.direct ? undefined : (fixed?.cek ?? randomBytes(enc.cekBytes))
    const wrapped = wrapCek(alg, enc, key, cek, protectedHeader, p2c)
    let head = staticB64
    let aad = staticAad
    // The header parameters of this token, if its algorithm has any, follow the fixed members.
    for (const _ in wrapped.params) {
      head = encodeBase64url(tokenHeaderJson(protectedHeader, openJson, wrapped.params))
      aad = contentAad(head, undefined)
      break
    }
    const content = zip ? (fixed?.compressed ?? deflate(bytes)) : bytes
    const iv = fixed?.iv ?? randomBytes(enc.ivBytes)
    const { ciphertext, tag } = sealContent(enc, wrapped.cek, iv, content, aad)
    const encryptedKey =
      wrapped.encryptedKey.length === 0 ? '' : encodeBase64url(wrapped.encryptedKey)
    return `${head}.${encryptedKey}.${encodeBase64url(iv)}.${encodeBase64url(ciphertext)}.${encodeBase64url(tag)}`
  }
}

// The JSON of the fixed members followed by a token's parameters. The caller's headers cannot hold
// a computed member (setUpEncryption refuses them), so the parameters are new names; should one
// ever repeat a fixed member, the two objects are merged as before.
function tokenHeaderJson(
  fixed: Record<string, unknown>,
  openJson: string,
  params: Record<string, unknown>,
): string {
  for (const name in params) {
    if (Object.hasOwn(fixed, name)) return JSON.stringify({ ...fixed, ...params })
  }
  return openJson + JSON.stringify(params).slice(1)
}
