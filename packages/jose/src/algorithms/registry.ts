// The table of algorithms. Everything about an algorithm is written here once; code below receives
// the entry, never a bare name it has to switch on again. Three tables: JWS signature algorithms, JWE
// key-management algorithms and JWE content-encryption algorithms.

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

/** How a JWE key-management algorithm gives the recipient the content encryption key (CEK). */
export type KeyManagementFamily =
  'dir' | 'aes-kw' | 'aes-gcm-kw' | 'rsa-oaep' | 'rsa1_5' | 'ecdh-es' | 'pbes2'

/** Every JWE key-management algorithm name (`alg`, RFC 7518 section 4). */
export type KeyManagementAlgorithmName =
  | 'dir'
  | 'A128KW'
  | 'A192KW'
  | 'A256KW'
  | 'A128GCMKW'
  | 'A192GCMKW'
  | 'A256GCMKW'
  | 'RSA-OAEP'
  | 'RSA-OAEP-256'
  | 'RSA-OAEP-384'
  | 'RSA-OAEP-512'
  | 'RSA1_5'
  | 'ECDH-ES'
  | 'ECDH-ES+A128KW'
  | 'ECDH-ES+A192KW'
  | 'ECDH-ES+A256KW'
  | 'PBES2-HS256+A128KW'
  | 'PBES2-HS384+A192KW'
  | 'PBES2-HS512+A256KW'

/** One JWE key-management algorithm (RFC 7518 section 4, RFC 8037 for X25519 and X448). */
export interface KeyManagementAlgorithm {
  readonly name: KeyManagementAlgorithmName
  readonly family: KeyManagementFamily
  /** The key types this algorithm accepts (ECDH-ES takes EC and OKP keys). */
  readonly keyTypes: readonly KeyType[]
  /** The curves (JWK `crv` names) an ECDH-ES key must be on. */
  readonly curves?: readonly string[]
  /**
   * The AES key-wrapping key, in bytes: the exact length of an A*KW or A*GCMKW key, or the length
   * of the key that ECDH-ES+A*KW and PBES2 derive. Absent where nothing is wrapped.
   */
  readonly wrapKeyBytes?: number
  /** RSA-OAEP: the OAEP and MGF1 hash. PBES2: the PBKDF2 PRF hash. */
  readonly hash?: 'sha1' | Hash
  /** The CEK is the key itself (dir) or the agreed key (ECDH-ES): no encrypted key, one recipient. */
  readonly direct: boolean
  /** Off unless the caller names it in `algorithms` (RSA1_5, PBES2). */
  readonly optIn: boolean
  /** Only for decrypting legacy tokens, never for encrypting (RSA1_5). */
  readonly decryptOnly: boolean
}

/** How a JWE content-encryption algorithm encrypts and authenticates. */
export type ContentEncryptionFamily = 'aes-gcm' | 'aes-cbc-hs'

/** Every JWE content-encryption algorithm name (`enc`, RFC 7518 section 5). */
export type ContentEncryptionAlgorithmName =
  'A128CBC-HS256' | 'A192CBC-HS384' | 'A256CBC-HS512' | 'A128GCM' | 'A192GCM' | 'A256GCM'

/** One JWE content-encryption algorithm. */
export interface ContentEncryptionAlgorithm {
  readonly name: ContentEncryptionAlgorithmName
  readonly family: ContentEncryptionFamily
  /** The exact CEK length in bytes (for CBC-HMAC: the MAC key and the AES key, concatenated). */
  readonly cekBytes: number
  /** The exact IV length in bytes. */
  readonly ivBytes: number
  /** The exact authentication tag length in bytes. */
  readonly tagBytes: number
  /** The node:crypto cipher name. */
  readonly cipher: string
  /** CBC-HMAC: the HMAC hash. */
  readonly hash?: Hash
}

const ECDH_CURVES = ['P-256', 'P-384', 'P-521', 'X25519', 'X448'] as const
type Flags = 'direct' | 'optIn' | 'decryptOnly'
// An entry with its flags defaulting to false.
const km = (
  entry: Omit<KeyManagementAlgorithm, Flags> & Partial<Pick<KeyManagementAlgorithm, Flags>>,
): KeyManagementAlgorithm => ({
  direct: false,
  optIn: false,
  decryptOnly: false,
  ...entry,
})
const oct: readonly KeyType[] = ['oct']
const rsaKey: readonly KeyType[] = ['RSA']
const curveKey: readonly KeyType[] = ['EC', 'OKP']

const keyManagementEntries: KeyManagementAlgorithm[] = [
  km({ name: 'dir', family: 'dir', keyTypes: oct, direct: true }),
  km({ name: 'A128KW', family: 'aes-kw', keyTypes: oct, wrapKeyBytes: 16 }),
  km({ name: 'A192KW', family: 'aes-kw', keyTypes: oct, wrapKeyBytes: 24 }),
  km({ name: 'A256KW', family: 'aes-kw', keyTypes: oct, wrapKeyBytes: 32 }),
  km({ name: 'A128GCMKW', family: 'aes-gcm-kw', keyTypes: oct, wrapKeyBytes: 16 }),
  km({ name: 'A192GCMKW', family: 'aes-gcm-kw', keyTypes: oct, wrapKeyBytes: 24 }),
  km({ name: 'A256GCMKW', family: 'aes-gcm-kw', keyTypes: oct, wrapKeyBytes: 32 }),
  km({ name: 'RSA-OAEP', family: 'rsa-oaep', keyTypes: rsaKey, hash: 'sha1' }),
  km({ name: 'RSA-OAEP-256', family: 'rsa-oaep', keyTypes: rsaKey, hash: 'sha256' }),
  km({ name: 'RSA-OAEP-384', family: 'rsa-oaep', keyTypes: rsaKey, hash: 'sha384' }),
  km({ name: 'RSA-OAEP-512', family: 'rsa-oaep', keyTypes: rsaKey, hash: 'sha512' }),
  km({ name: 'RSA1_5', family: 'rsa1_5', keyTypes: rsaKey, optIn: true, decryptOnly: true }),
  km({ name: 'ECDH-ES', family: 'ecdh-es', keyTypes: curveKey, curves: ECDH_CURVES, direct: true }),
  ...([16, 24, 32] as const).map((bytes) =>
    km({
      name: `ECDH-ES+A${bytes * 8}KW` as KeyManagementAlgorithmName,
      family: 'ecdh-es',
      keyTypes: curveKey,
      curves: ECDH_CURVES,
      wrapKeyBytes: bytes,
    }),
  ),
  ...(
    [
      [256, 16],
      [384, 24],
      [512, 32],
    ] as const
  ).map(([bits, bytes]) =>
    km({
      name: `PBES2-HS${bits}+A${bytes * 8}KW` as KeyManagementAlgorithmName,
      family: 'pbes2',
      keyTypes: oct,
      hash: `sha${bits}`,
      wrapKeyBytes: bytes,
      optIn: true,
    }),
  ),
]

const contentEncryptionEntries: ContentEncryptionAlgorithm[] = [
  ...(
    [
      [128, 256],
      [192, 384],
      [256, 512],
    ] as const
  ).map(([aes, sha]) => ({
    name: `A${aes}CBC-HS${sha}` as ContentEncryptionAlgorithmName,
    family: 'aes-cbc-hs' as const,
    cekBytes: aes / 4,
    ivBytes: 16,
    tagBytes: aes / 8,
    cipher: `aes-${aes}-cbc`,
    hash: `sha${sha}` as Hash,
  })),
  ...([128, 192, 256] as const).map((aes) => ({
    name: `A${aes}GCM` as ContentEncryptionAlgorithmName,
    family: 'aes-gcm' as const,
    cekBytes: aes / 8,
    ivBytes: 12,
    tagBytes: 16,
    cipher: `aes-${aes}-gcm`,
  })),
]

const keyManagementAlgorithms = new Map<string, KeyManagementAlgorithm>(
  keyManagementEntries.map((entry) => [entry.name, Object.freeze(entry)]),
)
const contentEncryptionAlgorithms = new Map<string, ContentEncryptionAlgorithm>(
  contentEncryptionEntries.map((entry) => [entry.name, Object.freeze(entry)]),
)

/** Looks up a JWE key-management algorithm (`alg`) by name; `undefined` for anything unknown. */
export function getKeyManagementAlgorithm(name: unknown): KeyManagementAlgorithm | undefined {
  return typeof name === 'string' ? keyManagementAlgorithms.get(name) : undefined
}

/** Looks up a JWE content-encryption algorithm (`enc`) by name; `undefined` for anything unknown. */
export function getContentEncryptionAlgorithm(
  name: unknown,
): ContentEncryptionAlgorithm | undefined {
  return typeof name === 'string' ? contentEncryptionAlgorithms.get(name) : undefined
}

/** Every supported JWE key-management algorithm name, in table order. */
export const KEY_MANAGEMENT_ALGORITHMS: readonly KeyManagementAlgorithmName[] = Object.freeze(
  keyManagementEntries.map((entry) => entry.name),
)

/** Every supported JWE content-encryption algorithm name, in table order. */
export const CONTENT_ENCRYPTION_ALGORITHMS: readonly ContentEncryptionAlgorithmName[] =
  Object.freeze(contentEncryptionEntries.map((entry) => entry.name))

/**
 * Every JWE name (RFC 7518 sections 4 and 5). A JWK whose `alg` is one of these is an encryption
 * key: it can never sign or verify.
 */
export const ENCRYPTION_ALGORITHM_NAMES: ReadonlySet<string> = new Set([
  ...KEY_MANAGEMENT_ALGORITHMS,
  ...CONTENT_ENCRYPTION_ALGORITHMS,
])
