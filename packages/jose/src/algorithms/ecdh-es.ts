// ECDH-ES (RFC 7518 section 4.6, RFC 8037 section 3.2): a shared secret Z from node:crypto's
// diffieHellman, and the Concat KDF of NIST SP 800-56A section 5.8.1 with SHA-256 over it.
import { Buffer } from 'node:buffer'
import { createHash, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto'

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
  const suppPubInfo = uint32(keyBytes * 8)
  const otherInfo = Buffer.concat([
    lengthPrefixed(Buffer.from(algorithmId, 'ascii')),
    lengthPrefixed(apu),
    lengthPrefixed(apv),
    suppPubInfo,
  ])
  const rounds = Math.ceil(keyBytes / 32)
  const output: Buffer[] = []
  for (let counter = 1; counter <= rounds; counter += 1) {
    output.push(createHash('sha256').update(uint32(counter)).update(z).update(otherInfo).digest())
  }
  return Buffer.concat(output).subarray(0, keyBytes)
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
