// One tree of errors under JOSEError. Each class has a stable `code`: messages may change, codes may
// not. Messages never carry a token, a key or a secret.

/** Every code a `@tessera/jose` error can carry; `switch (err.code)` narrows on it. */
export type JOSEErrorCode =
  | 'ERR_JOSE_GENERIC'
  | 'ERR_JOSE_INVALID_OPTIONS'
  | 'ERR_JWS_INVALID'
  | 'ERR_JWS_SIGNATURE_INVALID'
  | 'ERR_JWS_ALGORITHM_NOT_ALLOWED'
  | 'ERR_JWT_INVALID'
  | 'ERR_JWT_MALFORMED'
  | 'ERR_JWT_SIGNATURE_INVALID'
  | 'ERR_JWT_ALGORITHM_NOT_ALLOWED'
  | 'ERR_JWT_KEY_INVALID'
  | 'ERR_JWT_CLAIMS_INVALID'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_NOT_YET_VALID'
  | 'ERR_JWT_AUDIENCE_INVALID'
  | 'ERR_JWT_ISSUER_INVALID'
  | 'ERR_JWT_SUBJECT_INVALID'
  | 'ERR_JWT_CLAIM_MISSING'
  | 'ERR_KEY_INVALID'
  | 'ERR_JWK_INVALID'
  | 'ERR_JWE_INVALID'
  | 'ERR_JWE_DECRYPTION_FAILED'
  | 'ERR_JWE_ALGORITHM_NOT_ALLOWED'
  | 'ERR_JWE_LIMIT_EXCEEDED'
  | 'ERR_JWE_UNSUPPORTED'
  | 'ERR_JWT_DECRYPTION_FAILED'
  | 'ERR_JWT_UNSUPPORTED'
  | 'ERR_JWKS_FETCH_FAILED'
  | 'ERR_JWKS_TIMEOUT'
  | 'ERR_JWKS_INVALID'
  | 'ERR_JWKS_TOO_LARGE'
  | 'ERR_JWT_KEYS_UNAVAILABLE'

/** Options every error accepts. */
export interface JOSEErrorOptions {
  /** The error that led to this one. */
  cause?: unknown
}

/** The root of every error `@tessera/jose` throws. */
export class JOSEError extends Error {
  /** A stable, documented identifier for this kind of failure. */
  readonly code: JOSEErrorCode = 'ERR_JOSE_GENERIC'

  constructor(message: string, options?: JOSEErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** Options given to a function were invalid (a programming error, not a bad token). */
export class InvalidOptionsError extends JOSEError {
  override readonly code = 'ERR_JOSE_INVALID_OPTIONS'
}

/** A JWS could not be parsed or breaks a rule of RFC 7515. */
export class JWSError extends JOSEError {
  override readonly code: JOSEErrorCode = 'ERR_JWS_INVALID'
}

/** A JWS signature did not verify, or no key could verify it. */
export class JWSSignatureError extends JWSError {
  override readonly code = 'ERR_JWS_SIGNATURE_INVALID'
}

/** A JWS names an algorithm that the caller did not allow, or that is unknown. */
export class JWSAlgorithmError extends JWSError {
  override readonly code = 'ERR_JWS_ALGORITHM_NOT_ALLOWED'
}

/** The root of everything `jwt.decode` and a compiled verifier throw. */
export class JWTError extends JOSEError {
  override readonly code: JOSEErrorCode = 'ERR_JWT_INVALID'
}

/** A JWT is malformed: bad segments, bad base64url or JSON, a limit exceeded, a wrong `typ`. */
export class InvalidTokenError extends JWTError {
  override readonly code = 'ERR_JWT_MALFORMED'
}

/** A JWT signature did not verify, or no key could verify it. */
export class InvalidSignatureError extends JWTError {
  override readonly code = 'ERR_JWT_SIGNATURE_INVALID'
}

/** A JWT names an algorithm the caller did not allow, or no algorithms were given. */
export class InvalidAlgorithmError extends JWTError {
  override readonly code = 'ERR_JWT_ALGORITHM_NOT_ALLOWED'
}

/** The key given to decode a JWT cannot be used; `cause` holds the key error. */
export class JWTKeyError extends JWTError {
  override readonly code = 'ERR_JWT_KEY_INVALID'
}

/** Options for claim errors. */
export interface ClaimErrorOptions extends JOSEErrorOptions {
  /** The claim that failed (`exp`, `aud`, ...). */
  claim?: string
}

/** A JWT claim failed validation. */
export class JWTClaimsError extends JWTError {
  override readonly code: JOSEErrorCode = 'ERR_JWT_CLAIMS_INVALID'
  /** The claim that failed, when one claim is to blame. */
  readonly claim: string | undefined

  constructor(message: string, options?: ClaimErrorOptions) {
    super(message, options)
    this.claim = options?.claim
  }
}

/** The JWT has expired (`exp`), or is older than `maxTokenAge`. */
export class ExpiredSignatureError extends JWTClaimsError {
  override readonly code = 'ERR_JWT_EXPIRED'
}

/** The JWT is not valid yet (`nbf`). */
export class ImmatureSignatureError extends JWTClaimsError {
  override readonly code = 'ERR_JWT_NOT_YET_VALID'
}

/** The JWT's `aud` does not name an accepted audience. */
export class InvalidAudienceError extends JWTClaimsError {
  override readonly code = 'ERR_JWT_AUDIENCE_INVALID'
}

/** The JWT's `iss` is not an accepted issuer. */
export class InvalidIssuerError extends JWTClaimsError {
  override readonly code = 'ERR_JWT_ISSUER_INVALID'
}

/** The JWT's `sub` is not the expected subject. */
export class InvalidSubjectError extends JWTClaimsError {
  override readonly code = 'ERR_JWT_SUBJECT_INVALID'
}

/** A claim that is required is absent. */
export class MissingClaimError extends JWTClaimsError {
  override readonly code = 'ERR_JWT_CLAIM_MISSING'
}

/** A key cannot be used: wrong type for the algorithm, too weak, empty, or not key material at all. */
export class InvalidKeyError extends JOSEError {
  override readonly code = 'ERR_KEY_INVALID'
}

/** A JWK or JWK Set is malformed, or asks for something its members do not allow. */
export class JWKError extends JOSEError {
  override readonly code = 'ERR_JWK_INVALID'
}

/** A JWE could not be parsed or breaks a rule of RFC 7516 (a header rule, `crit`, `zip`, `epk`). */
export class JWEError extends JOSEError {
  override readonly code: JOSEErrorCode = 'ERR_JWE_INVALID'
}

/**
 * A JWE did not decrypt: a wrong tag, a key that does not unwrap the CEK or unwraps one of the
 * wrong length, or no key that can decrypt it. Every such failure looks the same on purpose.
 */
export class JWEDecryptionError extends JWEError {
  override readonly code = 'ERR_JWE_DECRYPTION_FAILED'
}

/** A JWE names an `alg` or `enc` the caller did not allow, or one that is unknown. */
export class JWEAlgorithmError extends JWEError {
  override readonly code = 'ERR_JWE_ALGORITHM_NOT_ALLOWED'
}

/** A JWE goes over a limit: inflated or compressed size (`zip`), or PBES2 `p2c` out of bounds. */
export class JWELimitError extends JWEError {
  override readonly code = 'ERR_JWE_LIMIT_EXCEEDED'
}

/**
 * This runtime cannot do what the JWE needs: RSA1_5 decryption where node:crypto refuses PKCS#1
 * v1.5 private decryption (CVE-2023-46809) because its OpenSSL lacks implicit rejection.
 */
export class JWENotSupportedError extends JWEError {
  override readonly code = 'ERR_JWE_UNSUPPORTED'
}

/** An encrypted JWT did not decrypt (the JWE layer's JWEDecryptionError, re-typed). */
export class JWTDecryptionError extends JWTError {
  override readonly code = 'ERR_JWT_DECRYPTION_FAILED'
}

/** An encrypted JWT needs something this runtime cannot do (the JWE layer's JWENotSupportedError). */
export class JWTUnsupportedError extends JWTError {
  override readonly code = 'ERR_JWT_UNSUPPORTED'
}

/**
 * A remote JWK Set could not be fetched: a network failure, a status other than 200, a redirect.
 *
 * @example
 * ```ts
 * await keys.reload().catch((err) => {
 *   if (err instanceof errors.JWKSFetchError) log.warn('JWKS unavailable', err.code)
 * })
 * ```
 */
export class JWKSFetchError extends JOSEError {
  override readonly code: JOSEErrorCode = 'ERR_JWKS_FETCH_FAILED'
}

/**
 * A remote JWK Set did not arrive (headers and body) within the timeout.
 *
 * @example
 * ```ts
 * if (err instanceof errors.JWKSTimeoutError) metrics.increment('jwks.timeout')
 * ```
 */
export class JWKSTimeoutError extends JWKSFetchError {
  override readonly code = 'ERR_JWKS_TIMEOUT'
}

/**
 * A remote JWK Set arrived, but is not a valid JWK Set of public keys.
 *
 * @example
 * ```ts
 * if (err instanceof errors.JWKSInvalidError) alert('the JWKS endpoint serves garbage')
 * ```
 */
export class JWKSInvalidError extends JOSEError {
  override readonly code = 'ERR_JWKS_INVALID'
}

/**
 * A remote JWK Set response is larger than `maxResponseBytes`; it is not read past the limit.
 *
 * @example
 * ```ts
 * jwk.createRemoteKeySet(url, { maxResponseBytes: 1024 * 1024 }) // if your set is really that big
 * ```
 */
export class JWKSTooLargeError extends JWKSFetchError {
  override readonly code = 'ERR_JWKS_TOO_LARGE'
}

/**
 * A JWT could not be checked because its remote key set has no good copy; `cause` says why. This is
 * the verifier's problem, not the token's: answer 503, not 401.
 *
 * @example
 * ```ts
 * try {
 *   return await jwt.decodeAsync(token, keys, { algorithms: ['RS256'] })
 * } catch (err) {
 *   if (err instanceof errors.KeySetUnavailableError) return reply.code(503).send()
 *   throw err
 * }
 * ```
 */
export class KeySetUnavailableError extends JWTError {
  override readonly code = 'ERR_JWT_KEYS_UNAVAILABLE'
}

/**
 * Re-types any error from the JWS, JWE and key layers as a JWTError, so that `jwt.decode` and
 * `jwt.decrypt` keep their promise that everything they throw is a JWTError. JWTErrors pass through
 * unchanged.
 */
export function toJWTError(err: unknown): JWTError {
  if (err instanceof JWTError) return err
  if (err instanceof JWSSignatureError)
    return new InvalidSignatureError(err.message, { cause: err })
  if (err instanceof JWSAlgorithmError)
    return new InvalidAlgorithmError(err.message, { cause: err })
  if (err instanceof JWSError) return new InvalidTokenError(err.message, { cause: err })
  if (err instanceof JWEDecryptionError) return new JWTDecryptionError(err.message, { cause: err })
  if (err instanceof JWEAlgorithmError) {
    return new InvalidAlgorithmError(err.message, { cause: err })
  }
  if (err instanceof JWENotSupportedError) {
    return new JWTUnsupportedError(err.message, { cause: err })
  }
  if (err instanceof JWEError) return new InvalidTokenError(err.message, { cause: err })
  if (err instanceof JWKSFetchError || err instanceof JWKSInvalidError) {
    return new KeySetUnavailableError(err.message, { cause: err })
  }
  if (err instanceof InvalidKeyError || err instanceof JWKError) {
    return new JWTKeyError(err.message, { cause: err })
  }
  if (err instanceof JOSEError) return new JWTError(err.message, { cause: err })
  // Anything else is a bug in this library; say so without echoing data.
  return new JWTError('internal error while decoding the token', { cause: err })
}
