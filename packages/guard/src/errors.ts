// The guard's error tree. A guard never throws for a bad token: a refused request is a result, not
// an exception (see VerifyResult). These errors are for the programmer: options of the wrong shape.

/**
 * Every code a `@tessera/guard` error can carry; `switch (err.code)` narrows on it.
 *
 * @example
 * ```ts
 * const code: GuardErrorCode = 'ERR_GUARD_INVALID_OPTIONS'
 * ```
 */
export type GuardErrorCode = 'ERR_GUARD_GENERIC' | 'ERR_GUARD_INVALID_OPTIONS'

/**
 * The root of every error `@tessera/guard` throws. Each class has a stable `code`; messages may
 * change.
 *
 * @example
 * ```ts
 * try {
 *   createGuard(options)
 * } catch (err) {
 *   if (err instanceof GuardError) console.error(err.code, err.message)
 * }
 * ```
 */
export class GuardError extends Error {
  /** A stable, documented identifier for this kind of failure. */
  readonly code: GuardErrorCode = 'ERR_GUARD_GENERIC'

  /**
   * @param message - what went wrong; never a token or a key
   * @param options - `cause`: the error that led to this one
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/**
 * The options given to `createGuard` (or to a framework adapter) are missing something or have the
 * wrong shape. `cause` holds the `@tessera/jose` error when jose refused them (a key that cannot
 * serve the algorithms, say).
 *
 * @example
 * ```ts
 * assert.throws(() => createGuard({ issuer: 'https://id.example' } as GuardOptions), {
 *   code: 'ERR_GUARD_INVALID_OPTIONS',
 * })
 * ```
 */
export class GuardOptionsError extends GuardError {
  override readonly code = 'ERR_GUARD_INVALID_OPTIONS'
}
