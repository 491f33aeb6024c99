// Signatures on libuv's thread pool: node:crypto's sign and verify, given a callback, run off the
// event loop. The async JWT paths use this for every asymmetric family; HMAC stays inline, where it
// costs less than the trip to the pool. Same parameters as the synchronous family modules.
import type { Buffer } from 'node:buffer'
import { sign, verify, type KeyObject, type SignKeyObjectInput } from 'node:crypto'
import { decodeBase64url } from '../internal/base64url.js'
import type { SignatureAlgorithm, SignatureFamily } from './registry.js'
import { pssKeyOptions } from './rsa-pss.js'
import { rsaSignatureBytes, signingBytes } from './signer.js'

type PooledFamily = Exclude<SignatureFamily, 'hmac'>

type KeyOptions = (alg: SignatureAlgorithm, key: KeyObject) => SignKeyObjectInput

// What node:crypto takes as the key for each family: the KeyObject, with padding where needed.
const KEY_OPTIONS: Record<PooledFamily, KeyOptions> = {
  rsa: (_alg, key) => ({ key }),
  'rsa-pss': pssKeyOptions,
  ecdsa: (_alg, key) => ({ key, dsaEncoding: 'ieee-p1363' }),
  eddsa: (_alg, key) => ({ key }),
}

/** Whether the async paths send `alg` to the thread pool (every family but HMAC). */
export function runsOnThreadPool(alg: SignatureAlgorithm): boolean {
  return alg.family !== 'hmac'
}

/**
 * Signs a JWS signing input on the thread pool; resolves to the base64url signature segment. The
 * caller has already checked that the key can sign with `alg`.
 */
export function signOnThreadPool(
  alg: SignatureAlgorithm,
  key: KeyObject,
  input: string | Buffer,
): Promise<string> {
  const options = keyOptions(alg, key)
  return new Promise((resolve, reject) => {
    sign(alg.hash, signingBytes(input), options, (err, signature) => {
      if (err !== null) reject(err)
      else resolve(signature.toString('base64url'))
    })
  })
}

/**
 * Checks a signature segment on the thread pool. Resolves to false for any signature that does not
 * verify, including one that is not canonical base64url or not exactly as long as the algorithm and
 * key make it (ECDSA r || s, the RSA modulus); never rejects. The caller has already checked that the key can verify with `alg`.
 */
export function verifyOnThreadPool(
  alg: SignatureAlgorithm,
  key: KeyObject,
  input: string | Buffer,
  signature: string,
): Promise<boolean> {
  const bytes = decodeBase64url(signature)
  const length =
    alg.family === 'rsa' || alg.family === 'rsa-pss' ? rsaSignatureBytes(key) : alg.signatureBytes
  if (bytes === undefined || (length !== undefined && bytes.length !== length)) {
    return Promise.resolve(false)
  }
  const options = keyOptions(alg, key)
  return new Promise((resolve) => {
    try {
      verify(alg.hash, signingBytes(input), options, bytes, (err, valid) => {
        resolve(err === null && valid)
      })
    } catch {
      resolve(false)
    }
  })
}

function keyOptions(alg: SignatureAlgorithm, key: KeyObject): SignKeyObjectInput {
  if (alg.family === 'hmac') throw new TypeError('HMAC does not run on the thread pool')
  return KEY_OPTIONS[alg.family](alg, key)
}
