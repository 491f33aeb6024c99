/**
 * `@tessera/jose`: JWS, JWE, JWT and JWK on node:crypto alone, shaped like python-jose.
 *
 * @packageDocumentation
 */
import * as jwt from './jwt/index.js'
import * as jws from './jws/index.js'
import * as jwk from './jwk/index.js'
import * as jwe from './jwe/index.js'
import * as errors from './errors.js'

export { jwt, jws, jwe, jwk, errors }
export { Key } from './keys/key.js'
export { KeySet } from './keys/key-set.js'
export { RemoteKeySet } from './jwk/remote-key-set.js'
export { SIGNATURE_ALGORITHMS } from './algorithms/registry.js'
export { KEY_MANAGEMENT_ALGORITHMS, CONTENT_ENCRYPTION_ALGORITHMS } from './algorithms/registry.js'
export type { KeyInput } from './keys/import.js'
export type { JWK, JWKS } from './keys/jwk-types.js'
export type { Limits } from './internal/limits.js'
export type { SignatureAlgorithmName } from './algorithms/registry.js'
export type {
  KeyManagementAlgorithmName,
  ContentEncryptionAlgorithmName,
} from './algorithms/registry.js'
export type { JOSEErrorCode } from './errors.js'
export type { RemoteKeySetOptions } from './jwk/remote-options.js'
