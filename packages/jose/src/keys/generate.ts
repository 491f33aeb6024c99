// New keys, always strong enough for their algorithm.
import { generateKeyPairSync, generateKeySync } from 'node:crypto'
import {
  EC_CURVES,
  getSignatureAlgorithm,
  type SignatureAlgorithmName,
} from '../algorithms/registry.js'
import { JWKError } from '../errors.js'
import { readOptions } from '../internal/options.js'
import { Key } from './key.js'

/** What to generate: an algorithm name, or a key type with its curve or size. */
export type GenerateSpec =
  | SignatureAlgorithmName
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

/**
 * Generates a key. Given an algorithm, the key is bound to it (`alg`) and sized for it: RSA 2048
 * bits, HMAC secrets as long as the hash output.
 *
 * @example
 * ```ts
 * const es = jwk.generate('ES256')
 * const rsa = jwk.generate({ kty: 'RSA', size: 3072 })
 * const ed = jwk.generate({ kty: 'OKP', crv: 'Ed25519' })
 * ```
 */
export function generate(spec: GenerateSpec, opts?: GenerateOptions): Key {
  const options = readOptions(opts)
  let alg: string | undefined
  let shape = spec as Exclude<GenerateSpec, string>
  if (typeof spec === 'string') {
    const entry = getSignatureAlgorithm(spec)
    if (entry === undefined)
      throw new JWKError(`cannot generate a key for "${String(spec).slice(0, 32)}"`)
    alg = entry.name
    shape =
      entry.kty === 'oct'
        ? { kty: 'oct', size: entry.minKeyBytes! * 8 }
        : entry.kty === 'RSA'
          ? { kty: 'RSA', size: 2048 }
          : ({ kty: entry.kty, crv: entry.curves![0] } as Exclude<GenerateSpec, string>)
  }
  const keyObject = generateKeyObject(shape)
  const key = new Key(keyObject, { alg, use: options.use })
  const kid = options.kid ?? (key.type === 'secret' ? undefined : key.thumbprint())
  return new Key(keyObject, { alg, use: options.use, kid })
}

function generateKeyObject(shape: Exclude<GenerateSpec, string>) {
  if (typeof shape !== 'object' || shape === null)
    throw new JWKError('unsupported key specification')
  switch (shape.kty) {
    case 'RSA': {
      const size = shape.size ?? 2048
      if (!Number.isSafeInteger(size) || size < 2048 || size > 16384 || size % 8 !== 0) {
        throw new JWKError('RSA keys are 2048 to 16384 bits, in whole bytes')
      }
      return generateKeyPairSync('rsa', { modulusLength: size }).privateKey
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
