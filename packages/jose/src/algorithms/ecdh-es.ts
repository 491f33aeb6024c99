// ECDH-ES (RFC 7518 section 4.6, RFC 8037 section 3.2): a shared secret Z from node:crypto (an ECDH
// object on the NIST curves, diffieHellman on X25519 and X448), and the Concat KDF of NIST SP
// 800-56A section 5.8.1 with SHA-256 over it.
import { Buffer } from 'node:buffer'
import {
  createECDH,
  createHash,
  diffieHellman,
  generateKeyPairSync,
  type ECDH,
  type KeyObject,
} from 'node:crypto'
import { InvalidKeyError } from '../errors.js'

// node:crypto's names of the NIST curves ECDH-ES takes (P-256, P-384, P-521).
const NODE_CURVES: ReadonlySet<string> = new Set(['prime256v1', 'secp384r1', 'secp521r1'])

// An EC private key's ECDH object, its scalar set once, made on first use; and an EC key's public
// point, uncompressed. Held weakly, so they go when the KeyObject goes.
const parties = new WeakMap<KeyObject, ECDH>()
const points = new WeakMap<KeyObject, Buffer>()

/**
 * The ECDH object of an EC private key on P-256, P-384 or P-521, holding its scalar. A raw point
 * costs node:crypto far less to agree with (computeSecret) than a KeyObject made from a JWK.
 *
 * @example
 * ```ts
 * const z = ecdhWithPoint(ecdhParty(recipientPrivateKey), point)
 * ```
 */
export function ecdhParty(privateKey: KeyObject): ECDH {
  let party = parties.get(privateKey)
  if (party === undefined) {
    party = createECDH(nodeCurve(privateKey))
    party.setPrivateKey(Buffer.from(String(privateKey.export({ format: 'jwk' }).d), 'base64url'))
    parties.set(privateKey, party)
  }
  return party
}

/**
 * A new ephemeral ECDH key pair on the curve of `recipient` (an EC key on a NIST curve), and its
 * public point, uncompressed.
 *
 * @example
 * ```ts
 * const { party, point } = generateEphemeralParty(recipientPublicKey)
 * ```
 */
export function generateEphemeralParty(recipient: KeyObject): { party: ECDH; point: Buffer } {
  const party = createECDH(nodeCurve(recipient))
  return { party, point: party.generateKeys() }
}

/**
 * The public point of an EC key (public or private), uncompressed: 0x04 || x || y.
 *
 * @example
 * ```ts
 * const z = ecdhWithPoint(ephemeral, publicPoint(recipientPublicKey))
 * ```
 */
export function publicPoint(key: KeyObject): Buffer {
  let point = points.get(key)
  if (point === undefined) {
    const jwk = key.export({ format: 'jwk' })
    point = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(String(jwk.x), 'base64url'),
      Buffer.from(String(jwk.y), 'base64url'),
    ])
    points.set(key, point)
  }
  return point
}

/**
 * The ECDH shared secret Z (the x-coordinate, at the field's full length) of `party` and an
 * uncompressed point, or undefined when node:crypto refuses the point: off the curve, or malformed.
 * On the NIST curves (cofactor 1) every point on the curve but the identity, which the uncompressed
 * form cannot express, gives a secret; zero is a valid x-coordinate.
 *
 * @example
 * ```ts
 * const z = ecdhWithPoint(ecdhParty(recipientPrivateKey), point)
 * ```
 */
export function ecdhWithPoint(party: ECDH, point: Buffer): Buffer | undefined {
  try {
    return party.computeSecret(point)
  } catch {
    return undefined
  }
}

// The caller has checked the key for ECDH-ES; this refuses anything else all the same.
function nodeCurve(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve
  if (curve === undefined || !NODE_CURVES.has(curve)) {
    throw new InvalidKeyError('ECDH-ES takes EC keys on P-256, P-384 or P-521')
  }
  return curve
}

/**
 * The ECDH shared secret Z, or undefined when it cannot be agreed: node:crypto refuses points off the
 * curve and low-order X25519/X448 points, and an all-zero X25519/X448 result (RFC 7748 section 6.1)
 * is refused here as well. On the NIST curves Z is an x-coordinate, and zero is a valid one.
 *
 * @param privateKey - our private key (the recipient's, or the ephemeral one)
 * @param publicKey - the other side's public key, already checked to be on the same curve
 * @example
 * ```ts
 * const z = ecdhSharedSecret(recipientPrivateKey, epkPublicKey)
 * ```
 */
export function ecdhSharedSecret(privateKey: KeyObject, publicKey: KeyObject): Buffer | undefined {
  let z: Buffer
  try {
    z = diffieHellman({ privateKey, publicKey })
  } catch {
    return undefined
  }
  if (privateKey.asymmetricKeyType === 'ec') return z
  let bits = 0
  for (const byte of z) bits |= byte
  return bits === 0 ? undefined : z
}

/**
 * The Concat KDF of RFC 7518 section 4.6.2: SHA-256 over counter || Z || OtherInfo, where
 * OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo || SuppPubInfo, each datum length-prefixed.
 *
 * @param z - the shared secret
 * @param keyBytes - the length of the key to derive, in bytes
 * @param algorithmId - `enc` for direct key agreement, else `alg`
 * @param apu - PartyUInfo (the decoded `apu`, or empty)
 * @param apv - PartyVInfo (the decoded `apv`, or empty)
 * @example
 * ```ts
 * const cek = concatKdf(z, 16, 'A128GCM', Buffer.alloc(0), Buffer.alloc(0))
 * ```
 */
export function concatKdf(
  z: Buffer,
  keyBytes: number,
  algorithmId: string,
  apu: Buffer,
  apv: Buffer,
): Buffer {
  const otherInfo =
    apu.length === 0 && apv.length === 0
      ? plainOtherInfo(algorithmId, keyBytes)
      : makeOtherInfo(algorithmId, keyBytes, apu, apv)
  if (keyBytes <= 32) {
    const digest = createHash('sha256').update(COUNTER[0]!).update(z).update(otherInfo).digest()
    return keyBytes === 32 ? digest : digest.subarray(0, keyBytes)
  }
  const rounds = Math.ceil(keyBytes / 32)
  const output: Buffer[] = []
  for (let counter = 1; counter <= rounds; counter += 1) {
    const round = COUNTER[counter - 1] ?? uint32(counter)
    output.push(createHash('sha256').update(round).update(z).update(otherInfo).digest())
  }
  return Buffer.concat(output).subarray(0, keyBytes)
}

// The first rounds' counters (64 bytes, A256CBC-HS512's CEK, takes two).
const COUNTER: readonly Buffer[] = [uint32(1), uint32(2)]

// OtherInfo without `apu` and `apv`, the common case, made once per algorithm and length: the
// algorithm IDs are registry names, so there are only a few.
const plainOtherInfos = new Map<string, Buffer>()
const NO_BYTES = Buffer.alloc(0)

function plainOtherInfo(algorithmId: string, keyBytes: number): Buffer {
  const slot = `${algorithmId} ${keyBytes}`
  let otherInfo = plainOtherInfos.get(slot)
  if (otherInfo === undefined) {
    otherInfo = makeOtherInfo(algorithmId, keyBytes, NO_BYTES, NO_BYTES)
    plainOtherInfos.set(slot, otherInfo)
  }
  return otherInfo
}

function makeOtherInfo(algorithmId: string, keyBytes: number, apu: Buffer, apv: Buffer): Buffer {
  return Buffer.concat([
    lengthPrefixed(Buffer.from(algorithmId, 'ascii')),
    lengthPrefixed(apu),
    lengthPrefixed(apv),
    uint32(keyBytes * 8),
  ])
}

/**
 * A new ephemeral private key on the same curve as `recipient` (EC P-256/384/521, X25519, X448).
 *
 * @example
 * ```ts
 * const ephemeral = generateEphemeralKey(recipientPublicKey)
 * ```
 */
export function generateEphemeralKey(recipient: KeyObject): KeyObject {
  const type = recipient.asymmetricKeyType
  if (type === 'ec') {
    const namedCurve = recipient.asymmetricKeyDetails?.namedCurve ?? ''
    return generateKeyPairSync('ec', { namedCurve }).privateKey
  }
  if (type === 'x25519') return generateKeyPairSync('x25519').privateKey
  return generateKeyPairSync('x448').privateKey
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value)
  return out
}

function lengthPrefixed(data: Buffer): Buffer {
  return Buffer.concat([uint32(data.length), data])
}
