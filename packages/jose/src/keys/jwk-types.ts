/** A JSON Web Key (RFC 7517 section 4), with the members of every key type RFC 7518 and 8037 define. */
export interface JWK {
  kty: string
  kid?: string
  use?: string
  key_ops?: string[]
  alg?: string
  crv?: string
  x?: string
  y?: string
  d?: string
  n?: string
  e?: string
  p?: string
  q?: string
  dp?: string
  dq?: string
  qi?: string
  k?: string
  x5c?: string[]
  x5t?: string
  'x5t#S256'?: string
  x5u?: string
  ext?: boolean
  [member: string]: unknown
}

/** A JWK Set (RFC 7517 section 5). */
export interface JWKS {
  keys: JWK[]
  [member: string]: unknown
}
