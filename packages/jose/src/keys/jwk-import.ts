// JWK -> Key. Members are checked strictly before node:crypto sees them: each is canonical
import { Buffer } from 'node:buffer'
// base64url of the right length, and a JWK may not carry the members of another key type.
import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto'
import { EC_COORDINATE_BYTES } from '../algorithms/registry.js'
import { decodeBase64url } from '../internal/base64url.js'
import { isJsonObject } from '../internal/json.js'
import { JWKError } from '../errors.js'
import { Key, type KeyMetadata } from './key.js'

const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  oct: [],
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
}
const PRIVATE_MEMBERS: Record<string, readonly string[]> = {
  oct: ['k'],
  RSA: ['d', 'p', 'q', 'dp', 'dq', 'qi'],
  EC: ['d'],
  OKP: ['d'],
}
/** The JWK members that hold key material, of any key type. */
export const KEY_MEMBERS: ReadonlySet<string> = new Set([
  'k',
  'n',
  'e',
  'd',
  'p',
  'q',
  'dp',
  'dq',
  'qi',
  'oth',
  'crv',
  'x',
  'y',
])
const OKP_BYTES = new Map([
  ['Ed25519', 32],
  ['Ed448', 57],
  ['X25519', 32],
  ['X448', 56],
])
const KEY_OPS = new Set([
  'sign',
  'verify',
  'encrypt',
  'decrypt',
  'wrapKey',
  'unwrapKey',
  'deriveKey',
  'deriveBits',
])

/** Thrown for key types a JWK Set may hold but this library does not know; sets skip them. */
export class UnsupportedKeyTypeError extends JWKError {}

/**
 * Imports one JWK. Throws JWKError for anything malformed, and UnsupportedKeyTypeError (a JWKError)
 * for a `kty` or `crv` this library does not support.
 */
export function importJWK(jwk: unknown): Key {
  if (!isJsonObject(jwk)) throw new JWKError('a JWK must be a JSON object')
  const kty = jwk.kty
  if (typeof kty !== 'string') throw new JWKError('the JWK has no "kty"')
  const publicMembers = PUBLIC_MEMBERS[kty]
  const privateMembers = PRIVATE_MEMBERS[kty]
  if (!Object.hasOwn(PUBLIC_MEMBERS, kty) || !publicMembers || !privateMembers) {
    throw new UnsupportedKeyTypeError(`unsupported JWK key type "${kty.slice(0, 16)}"`)
  }
  for (const member of Object.keys(jwk)) {
    if (
      KEY_MEMBERS.has(member) &&
      !publicMembers.includes(member) &&
      !privateMembers.includes(member)
    ) {
      throw new JWKError(`a ${kty} JWK cannot have the member "${member}"`)
    }
  }
  const metadata = readMetadata(jwk)
  let keyObject: KeyObject
  switch (kty) {
    case 'oct':
      keyObject = createSecretKey(member(jwk, 'k', true))
      break
    case 'RSA':
      keyObject = importRsa(jwk)
      break
    default:
      keyObject = importCurveKey(kty, jwk)
  }
  return new Key(keyObject, metadata)
}

function importRsa(jwk: Record<string, unknown>): KeyObject {
  for (const name of ['n', 'e']) member(jwk, name, true)
  const hasPrivate = PRIVATE_MEMBERS.RSA!.filter((name) => jwk[name] !== undefined)
  if (jwk.oth !== undefined)
    throw new JWKError('RSA keys with more than two primes are not supported')
  if (hasPrivate.length > 0 && hasPrivate.length < 6) {
    throw new JWKError('a private RSA JWK needs all of d, p, q, dp, dq and qi')
  }
  for (const name of hasPrivate) member(jwk, name, true)
  return nodeImport(jwk, hasPrivate.length > 0)
}

function importCurveKey(kty: string, jwk: Record<string, unknown>): KeyObject {
  const crv = jwk.crv
  if (typeof crv !== 'string') throw new JWKError(`a ${kty} JWK needs "crv"`)
  const bytes = kty === 'EC' ? EC_COORDINATE_BYTES.get(crv) : OKP_BYTES.get(crv)
  if (bytes === undefined) {
    throw new UnsupportedKeyTypeError(`unsupported ${kty} curve "${crv.slice(0, 16)}"`)
  }
  const names = kty === 'EC' ? ['x', 'y'] : ['x']
  for (const name of names) {
    if (member(jwk, name, true).length !== bytes) {
      throw new JWKError(`"${name}" must be ${bytes} bytes on ${crv}`)
    }
  }
  const isPrivate = jwk.d !== undefined
  if (isPrivate && member(jwk, 'd', true).length !== bytes) {
    throw new JWKError(`"d" must be ${bytes} bytes on ${crv}`)
  }
  return nodeImport(jwk, isPrivate)
}

function nodeImport(jwk: Record<string, unknown>, isPrivate: boolean): KeyObject {
  // Hand node:crypto only the key members, so it never sees our metadata rules.
  const material: Record<string, unknown> = {}
  for (const name of Object.keys(jwk))
    if (KEY_MEMBERS.has(name) || name === 'kty') material[name] = jwk[name]
  try {
    return isPrivate
      ? createPrivateKey({ key: material as never, format: 'jwk' })
      : createPublicKey({ key: material as never, format: 'jwk' })
  } catch (cause) {
    // OpenSSL refuses points off the curve and inconsistent RSA parameters here.
    throw new JWKError('the JWK does not hold a valid key', { cause })
  }
}

function member(jwk: Record<string, unknown>, name: string, required: boolean): Buffer {
  const value = jwk[name]
  if (value === undefined) {
    if (required) throw new JWKError(`the JWK needs "${name}"`)
    return Buffer.alloc(0)
  }
  const bytes = typeof value === 'string' ? decodeBase64url(value) : undefined
  if (bytes === undefined) throw new JWKError(`"${name}" must be base64url without padding`)
  return bytes
}

function readMetadata(jwk: Record<string, unknown>): KeyMetadata {
  const { kid, use, key_ops: keyOps, alg } = jwk
  if (kid !== undefined && typeof kid !== 'string') throw new JWKError('"kid" must be a string')
  if (use !== undefined && typeof use !== 'string') throw new JWKError('"use" must be a string')
  if (alg !== undefined && typeof alg !== 'string') throw new JWKError('"alg" must be a string')
  if (keyOps !== undefined) {
    if (!Array.isArray(keyOps) || keyOps.some((op) => typeof op !== 'string' || !KEY_OPS.has(op))) {
      throw new JWKError('"key_ops" must be an array of known operations')
    }
    if (new Set(keyOps).size !== keyOps.length) throw new JWKError('"key_ops" has duplicates')
    // RFC 7517 section 4.3: when both are present they must agree.
    if (use === 'sig' && keyOps.some((op) => op !== 'sign' && op !== 'verify')) {
      throw new JWKError('"use" and "key_ops" disagree')
    }
    if (use === 'enc' && keyOps.some((op) => op === 'sign' || op === 'verify')) {
      throw new JWKError('"use" and "key_ops" disagree')
    }
  }
  const metadata: KeyMetadata = {}
  if (kid !== undefined) metadata.kid = kid
  if (use !== undefined) metadata.use = use
  if (keyOps !== undefined) metadata.keyOps = keyOps as string[]
  if (alg !== undefined) metadata.alg = alg
  return metadata
}
