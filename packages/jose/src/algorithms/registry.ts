// The table of algorithms. Everything about an algorithm is written here once; code below receives
// the entry, never a bare name it has to switch on again. JWE algorithms join this table in part 2.

/** A hash as node:crypto names it. */
export type Hash = 'sha256' | 'sha384' | 'sha512'

/** The key types of RFC 7517 section 6.1 and RFC 8037. */
export type KeyType = 'oct' | 'RSA' | 'EC' | 'OKP'

/** How a signature algorithm computes its signature. */
export type SignatureFamily = 'hmac' | 'rsa' | 'rsa-pss' | 'ecdsa' | 'eddsa'

/** One JWS algorithm (RFC 7518 section 3, RFC 8037, RFC 8812, and fully specified EdDSA names). */
export interface SignatureAlgorithm {
  /** The name as it appears in `alg`. */
  readonly name: SignatureAlgorithmName
  readonly family: SignatureFamily
  /** The only key type this algorithm accepts. */
  readonly kty: KeyType
  /** The digest, or null where the primitive hashes internally (EdDSA). */
  readonly hash: Hash | null
  /** The curves (JWK `crv` names) a key must be on, for EC and OKP algorithms. */
  readonly curves?: readonly string[]
  /** HMAC: the shortest secret RFC 7518 section 3.2 allows, in bytes (the hash output size). */
  readonly minKeyBytes?: number
  /** ECDSA: the exact length of the r || s signature, in bytes. */
  readonly signatureBytes?: number
}

/** Every JWS algorithm name this library signs and verifies with. */
export type SignatureAlgorithmName =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'ES256K'
  | 'EdDSA'
  | 'Ed25519'
  | 'Ed448'

const entries: SignatureAlgorithm[] = [
  { name: 'HS256', family: 'hmac', kty: 'oct', hash: 'sha256', minKeyBytes: 32 },
  { name: 'HS384', family: 'hmac', kty: 'oct', hash: 'sha384', minKeyBytes: 48 },
  { name: 'HS512', family: 'hmac', kty: 'oct', hash: 'sha512', minKeyBytes: 64 },
  { name: 'RS256', family: 'rsa', kty: 'RSA', hash: 'sha256' },
  { name: 'RS384', family: 'rsa', kty: 'RSA', hash: 'sha384' },
  { name: 'RS512', family: 'rsa', kty: 'RSA', hash: 'sha512' },
  { name: 'PS256', family: 'rsa-pss', kty: 'RSA', hash: 'sha256' },
  { name: 'PS384', family: 'rsa-pss', kty: 'RSA', hash: 'sha384' },
  { name: 'PS512', family: 'rsa-pss', kty: 'RSA', hash: 'sha512' },
  {
    name: 'ES256',
    family: 'ecdsa',
    kty: 'EC',
    hash: 'sha256',
    curves: ['P-256'],
    signatureBytes: 64,
  },
  {
    name: 'ES384',
    family: 'ecdsa',
    kty: 'EC',
    hash: 'sha384',
    curves: ['P-384'],
    signatureBytes: 96,
  },
  {
    name: 'ES512',
    family: 'ecdsa',
    kty: 'EC',
    hash: 'sha512',
    curves: ['P-521'],
    signatureBytes: 132,
  },
  {
    name: 'ES256K',
    family: 'ecdsa',
    kty: 'EC',
    hash: 'sha256',
    curves: ['secp256k1'],
    signatureBytes: 64,
  },
  { name: 'EdDSA', family: 'eddsa', kty: 'OKP', hash: null, curves: ['Ed25519', 'Ed448'] },
  { name: 'Ed25519', family: 'eddsa', kty: 'OKP', hash: null, curves: ['Ed25519'] },
  { name: 'Ed448', family: 'eddsa', kty: 'OKP', hash: null, curves: ['Ed448'] },
]

// A Map, not an object literal, so that names like `constructor` or `__proto__` find nothing.
const signatureAlgorithms = new Map<string, SignatureAlgorithm>(
  entries.map((entry) => [entry.name, Object.freeze(entry)]),
)

/** Looks up a JWS algorithm by name; `undefined` for `none` and for anything unknown. */
export function getSignatureAlgorithm(name: unknown): SignatureAlgorithm | undefined {
  return typeof name === 'string' ? signatureAlgorithms.get(name) : undefined
}

/** Every supported JWS algorithm name, in table order. */
export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithmName[] = Object.freeze(
  entries.map((entry) => entry.name),
)

/** JWK `crv` names and their node:crypto names, for EC keys. */
export const EC_CURVES: ReadonlyMap<string, string> = new Map([
  ['P-256', 'prime256v1'],
  ['P-384', 'secp384r1'],
  ['P-521', 'secp521r1'],
  ['secp256k1', 'secp256k1'],
])

/** Bytes per coordinate (and per private scalar) on each EC curve. */
export const EC_COORDINATE_BYTES: ReadonlyMap<string, number> = new Map([
  ['P-256', 32],
  ['P-384', 48],
  ['P-521', 66],
  ['secp256k1', 32],
])

/**
 * JWE names (RFC 7518 sections 4 and 5). Their entries arrive with JWE; until then a JWK whose
 * `alg` is one of these is a well-formed encryption key that can never sign or verify.
 */
export const ENCRYPTION_ALGORITHM_NAMES: ReadonlySet<string> = new Set([
  'RSA1_5',
  'RSA-OAEP',
  'RSA-OAEP-256',
  'RSA-OAEP-384',
  'RSA-OAEP-512',
  'A128KW',
  'A192KW',
  'A256KW',
  'dir',
  'ECDH-ES',
  'ECDH-ES+A128KW',
  'ECDH-ES+A192KW',
  'ECDH-ES+A256KW',
  'A128GCMKW',
  'A192GCMKW',
  'A256GCMKW',
  'PBES2-HS256+A128KW',
  'PBES2-HS384+A192KW',
  'PBES2-HS512+A256KW',
  'A128CBC-HS256',
  'A192CBC-HS384',
  'A256CBC-HS512',
  'A128GCM',
  'A192GCM',
  'A256GCM',
])
