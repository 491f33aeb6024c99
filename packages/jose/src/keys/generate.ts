// New keys, always strong enough for their algorithm.
import { createPrivateKey, generateKeyPairSync, generateKeySync } from 'node:crypto'
import {
  EC_CURVES,
  getContentEncryptionAlgorithm,
  getKeyManagementAlgorithm,
  getSignatureAlgorithm,
  type ContentEncryptionAlgorithmName,
  type KeyManagementAlgorithmName,
  type SignatureAlgorithmName,
} from '../algorithms/registry.js'
import { JWKError } from '../errors.js'
import { readOptions, shownName } from '../internal/options.js'
import { Key } from './key.js'

/**
 * What to generate: an algorithm name (JWS, JWE key management, or a JWE `enc` for a `dir` key), or a
 * key type with its curve or size.
 */
export type GenerateSpec =
  | SignatureAlgorithmName
  | Exclude<KeyManagementAlgorithmName, 'dir' | 'RSA1_5' | `PBES2-${string}`>
  | ContentEncryptionAlgorithmName
  | { kty: 'RSA'; size?: number }
  | { kty: 'EC'; crv: 'P-256' | 'P-384' | 'P-521' | 'secp256k1' }
  | { kty: 'OKP'; crv: 'Ed25519' | 'Ed448' | 'X25519' | 'X448' }
  | { kty: 'oct'; size?: number }

/** Options for {@link generate}. */
export interface GenerateOptions {
  /** Key id; defaults to the RFC 7638 thumbprint for asymmetric keys. */
  kid?: string
  /** Intended use: `sig` or `enc`. */
  use?: string
}

type Shape = Exclude<GenerateSpec, string>

/**
 * Generates a key. Given an algorithm, the key is bound to it (`alg`) and sized for it: RSA 2048
 * bits, HMAC secrets as long as the hash output, AES keys exactly as long as the algorithm needs
 * (an `enc` name gives the `dir` key for it), ECDH-ES keys on P-256.
 *
 * @example
 * ```ts
 * const es = jwk.generate('ES256')
 * const rsa = jwk.generate({ kty: 'RSA', size: 3072 })
 * const ed = jwk.generate({ kty: 'OKP', crv: 'Ed25519' })
 * const cek = jwk.generate('A256GCM') // 32 bytes, for dir + A256GCM
 * const kek = jwk.generate('A128KW')
 * const ecdh = jwk.generate('ECDH-ES') // P-256; or { kty: 'OKP', crv: 'X25519' }
 * ```
 */
export function generate(spec: GenerateSpec, opts?: GenerateOptions): Key {
  const options = readOptions(opts)
  let alg: string | undefined
  let shape = spec as Shape
  if (typeof spec === 'string') {
    alg = spec
    shape = shapeFor(spec)
  }
  const keyObject = generateKeyObject(shape)
  const key = new Key(keyObject, { alg, use: options.use })
  const kid = options.kid ?? (key.type === 'secret' ? undefined : key.thumbprint())
  return new Key(keyObject, { alg, use: options.use, kid })
}

// The key an algorithm name needs.
function shapeFor(name: string): Shape {
  const sig = getSignatureAlgorithm(name)
  if (sig !== undefined) {
    if (sig.kty === 'oct') return { kty: 'oct', size: sig.minKeyBytes! * 8 }
    if (sig.kty === 'RSA') return { kty: 'RSA', size: 2048 }
    return { kty: sig.kty, crv: sig.curves![0] } as Shape
  }
  const enc = getContentEncryptionAlgorithm(name)
  if (enc !== undefined) return { kty: 'oct', size: enc.cekBytes * 8 }
  const km = getKeyManagementAlgorithm(name)
  if (km !== undefined && km.family !== 'dir' && !km.optIn) {
    if (km.family === 'rsa-oaep') return { kty: 'RSA', size: 2048 }
    if (km.family === 'ecdh-es') return { kty: 'EC', crv: 'P-256' }
    return { kty: 'oct', size: km.wrapKeyBytes! * 8 }
  }
  const hint =
    km?.name === 'dir' ? ': generate the key for its enc, e.g. jwk.generate("A256GCM")' : ''
  throw new JWKError(`cannot generate a key for ${shownName(name)}${hint}`)
}

function generateKeyObject(shape: Shape) {
  if (typeof shape !== 'object' || shape === null)
    throw new JWKError('unsupported key specification')
  switch (shape.kty) {
    case 'RSA': {
      const size = shape.size ?? 2048
      if (!Number.isSafeInteger(size) || size < 2048 || size > 16384 || size % 8 !== 0) {
        throw new JWKError('RSA keys are 2048 to 16384 bits, in whole bytes')
      }
      // Imported from the DER the generator writes, not its own KeyObject: on Node 20 the
      // generator's job, when the GC destroys it, takes the lock of the key it made, and the JWK
      // export the Key constructor makes for RSA allocates under that same lock, so a collection
      // there deadlocks the process (test runs hung with the main thread in a futex wait). The
      // imported key shares nothing with the job.
      const { privateKey } = generateKeyPairSync('rsa', {
        modulusLength: size,
        publicKeyEncoding: { type: 'spki', format: 'der' },
        privateKeyEncoding: { type: 'pkcs8', format: 'der' },
      })
      return createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' })
    }
    case 'EC': {
      const curve = EC_CURVES.get(shape.crv)
      if (curve === undefined) throw new JWKError('unsupported EC curve')
      return generateKeyPairSync('ec', { namedCurve: curve }).privateKey
    }
    case 'OKP':
      switch (shape.crv) {
        case 'Ed25519':
          return generateKeyPairSync('ed25519').privateKey
        case 'Ed448':
          return generateKeyPairSync('ed448').privateKey
        case 'X25519':
          return generateKeyPairSync('x25519').privateKey
        case 'X448':
          return generateKeyPairSync('x448').privateKey
        default:
          throw new JWKError('unsupported OKP curve')
      }
    case 'oct': {
      const size = shape.size ?? 256
      if (!Number.isSafeInteger(size) || size < 128 || size > 8192 || size % 8 !== 0) {
        throw new JWKError('secret keys are 128 to 8192 bits, in whole bytes')
      }
      return generateKeySync('hmac', { length: size })
    }
    default:
      throw new JWKError('unsupported key type')
  }
}
