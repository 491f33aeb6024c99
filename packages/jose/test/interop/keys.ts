// Key material for the interop tests against `jose`, made once per process with node:crypto (each
// RSA key is generated once). jose is given node:crypto KeyObjects; Tessera the same keys as JWK
// objects (or Keys built from them), the way a peer's published keys reach it.
import { Buffer } from 'node:buffer'
import { createSecretKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import type { JWK } from '../../src/index.js'

/** One key in both forms: KeyObjects for jose, JWKs for Tessera. */
export interface Material {
  /** jose: what signs or decrypts (the private key, or the secret). */
  josePrivate: KeyObject
  /** jose: what verifies or encrypts (the public key, or the secret). */
  josePublic: KeyObject
  /** Tessera: the private key (or the secret) as a JWK; a PBES2 password as text. */
  tesseraPrivate: JWK | string
  /** Tessera: the public key (or the secret) as a JWK; a PBES2 password as text. */
  tesseraPublic: JWK | string
}

/** The password every PBES2 test uses. */
export const PASSWORD = 'correct horse battery staple'

const made = new Map<string, Material>()

function once(slot: string, make: () => Material): Material {
  let material = made.get(slot)
  if (material === undefined) {
    material = make()
    made.set(slot, material)
  }
  return material
}

function fromPair(pair: { privateKey: KeyObject; publicKey: KeyObject }): Material {
  return {
    josePrivate: pair.privateKey,
    josePublic: pair.publicKey,
    tesseraPrivate: pair.privateKey.export({ format: 'jwk' }) as JWK,
    tesseraPublic: pair.publicKey.export({ format: 'jwk' }) as JWK,
  }
}

function secret(bytes: Buffer): Material {
  const key = createSecretKey(bytes)
  const jwk = { kty: 'oct', k: bytes.toString('base64url') } as JWK
  return { josePrivate: key, josePublic: key, tesseraPrivate: jwk, tesseraPublic: jwk }
}

/** One RSA-2048 pair per purpose ('sig' for RS* and PS*, 'enc' for RSA-OAEP*), made once. */
export function rsa(purpose: 'sig' | 'enc'): Material {
  return once(`rsa ${purpose}`, () => fromPair(generateKeyPairSync('rsa', { modulusLength: 2048 })))
}

/** The curves ECDH-ES and ECDSA/EdDSA keys are made on, by node:crypto's names. */
const CURVES: Record<string, () => { privateKey: KeyObject; publicKey: KeyObject }> = {
  'P-256': () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  'P-384': () => generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  'P-521': () => generateKeyPairSync('ec', { namedCurve: 'P-521' }),
  secp256k1: () => generateKeyPairSync('ec', { namedCurve: 'secp256k1' }),
  Ed25519: () => generateKeyPairSync('ed25519'),
  Ed448: () => generateKeyPairSync('ed448'),
  X25519: () => generateKeyPairSync('x25519'),
  X448: () => generateKeyPairSync('x448'),
}

/** A key pair on `crv` (P-256, P-384, P-521, secp256k1, Ed25519, Ed448, X25519, X448), made once. */
export function curve(crv: string): Material {
  const make = CURVES[crv]
  if (make === undefined) throw new Error(`no curve ${crv}`)
  return once(`curve ${crv}`, () => fromPair(make()))
}

/** A random secret of `bytes` bytes, one per slot. */
export function octet(slot: string, bytes: number): Material {
  return once(`oct ${slot}`, () => secret(randomBytes(bytes)))
}

/** The PBES2 password: text for Tessera, its UTF-8 bytes as a secret KeyObject for jose. */
export function password(): Material {
  return once('password', () => {
    const material = secret(Buffer.from(PASSWORD, 'utf8'))
    return { ...material, tesseraPrivate: PASSWORD, tesseraPublic: PASSWORD }
  })
}

/** The key for a JWS algorithm: an HMAC secret as long as the hash, else a pair. */
export function signingKey(alg: string, crv?: string): Material {
  if (alg.startsWith('HS')) return octet(alg, Number(alg.slice(2)) / 8)
  if (alg.startsWith('RS') || alg.startsWith('PS')) return rsa('sig')
  const curves: Record<string, string> = {
    ES256: 'P-256',
    ES384: 'P-384',
    ES512: 'P-521',
    ES256K: 'secp256k1',
    Ed25519: 'Ed25519',
    Ed448: 'Ed448',
  }
  return curve(crv ?? curves[alg] ?? 'Ed25519')
}

/** The CEK length of each `enc`, in bytes: a dir key must be exactly this long. */
export const CEK_BYTES: Record<string, number> = {
  A128GCM: 16,
  A192GCM: 24,
  A256GCM: 32,
  'A128CBC-HS256': 32,
  'A192CBC-HS384': 48,
  'A256CBC-HS512': 64,
}

/** The key for a JWE `alg` (and `enc`, for dir; the curve, for ECDH-ES). */
export function encryptionKey(alg: string, enc: string, crv = 'P-256'): Material {
  if (alg === 'dir') return octet(`dir ${enc}`, CEK_BYTES[enc]!)
  if (/^A\d{3}(GCM)?KW$/.test(alg)) return octet(alg, Number(alg.slice(1, 4)) / 8)
  if (alg.startsWith('RSA-OAEP')) return rsa('enc')
  if (alg.startsWith('ECDH-ES')) return curve(crv)
  if (alg.startsWith('PBES2')) return password()
  throw new Error(`no key for ${alg}`)
}
