// at_hash (OpenID Connect Core 3.1.3.6): the left half of the access token's hash, as base64url. The
// hash follows the signature algorithm; EdDSA uses SHA-512 for Ed25519 and SHAKE256 for Ed448.
import { createHash } from 'node:crypto'
import type { Buffer } from 'node:buffer'
import type { SignatureAlgorithm } from '../algorithms/registry.js'

/** Computes at_hash for `accessToken` under `alg` (and the key's curve, for EdDSA). */
export function atHash(
  accessToken: string,
  alg: SignatureAlgorithm,
  crv: string | undefined,
): string {
  let digest: Buffer
  if (alg.hash !== null) digest = createHash(alg.hash).update(accessToken).digest()
  else if (crv === 'Ed448') {
    digest = createHash('shake256', { outputLength: 114 }).update(accessToken).digest()
  } else digest = createHash('sha512').update(accessToken).digest()
  return digest.subarray(0, digest.length / 2).toString('base64url')
}
