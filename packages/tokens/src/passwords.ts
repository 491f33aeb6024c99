// Password hashing: argon2id through @node-rs/argon2 with OWASP's parameters, a policy on length, and
// a dummy hash so that checking a password for a user who does not exist costs what checking a real
// one does. Passwords are normalized (NFKC, as NIST SP 800-63B asks) before they are hashed or
// checked, so the same password typed on two keyboards is the same password.
import { randomBytes } from 'node:crypto'
import { hash as argon2Hash, verify as argon2Verify, type Algorithm } from '@node-rs/argon2'
import { InvalidInputError } from './errors.js'

/** The argon2id cost parameters, as they appear in a PHC string (`m`, `t`, `p`). */
export interface Argon2Params {
  /** Memory in KiB (`m`). */
  memoryCost: number
  /** Passes over the memory (`t`). */
  timeCost: number
  /** Lanes (`p`). */
  parallelism: number
}

/** OWASP's recommended argon2id parameters: 19 MiB, two passes, one lane. */
export const OWASP_ARGON2ID: Readonly<Argon2Params> = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
})

/** Which passwords are acceptable when one is set. */
export interface PasswordPolicy {
  /** Fewest characters (code points, after normalization); default 8. */
  minLength: number
  /** Most UTF-8 bytes, bounding the work an argon2 call does; default 1024. */
  maxBytes: number
}

/** The default policy: at least 8 characters, at most 1024 bytes, no composition rules. */
export const DEFAULT_PASSWORD_POLICY: Readonly<PasswordPolicy> = Object.freeze({
  minLength: 8,
  maxBytes: 1024,
})

/** What {@link Accounts} needs from a password hasher; {@link Passwords} is the implementation. */
export interface PasswordHasher {
  /** Checks the policy, then hashes; throws InvalidInputError for a password the policy refuses. */
  hash(password: string): Promise<string>
  /** True when `password` matches `hash`; false for a mismatch, an over-long or a malformed input. */
  verify(hash: string, password: string): Promise<boolean>
  /** True when `hash` was not made with the current algorithm and parameters. */
  needsRehash(hash: string): boolean
  /** A hash of a random password made with the current parameters, computed once. */
  dummyHash(): Promise<string>
  /** Throws InvalidInputError when `password` may not be set. */
  checkPolicy(password: string): void
}

/** Options for {@link Passwords}. */
export interface PasswordsOptions {
  /** argon2id parameters; each defaults to {@link OWASP_ARGON2ID}. */
  params?: Partial<Argon2Params>
  /** Length policy; each field defaults to {@link DEFAULT_PASSWORD_POLICY}. */
  policy?: Partial<PasswordPolicy>
}

const ARGON2ID = 2 as Algorithm
const PHC = /^\$(argon2(?:id|i|d))\$(?:v=(\d+)\$)?m=(\d+),t=(\d+),p=(\d+)\$/

/**
 * argon2id hashing with a length policy and a dummy hash for unknown users.
 *
 * @example
 * ```ts
 * const passwords = new Passwords()
 * const stored = await passwords.hash('correct horse battery staple')
 * await passwords.verify(stored, 'correct horse battery staple') // true
 * ```
 */
export class Passwords implements PasswordHasher {
  /** The parameters new hashes are made with. */
  readonly params: Readonly<Argon2Params>
  /** The policy new passwords are checked against. */
  readonly policy: Readonly<PasswordPolicy>
  #dummy: Promise<string> | undefined

  /** @param options parameters and policy; OWASP's and 8 to 1024 bytes by default. */
  constructor(options: PasswordsOptions = {}) {
    this.params = Object.freeze(checkParams({ ...OWASP_ARGON2ID, ...options.params }))
    this.policy = Object.freeze(
      checkPolicyOptions({ ...DEFAULT_PASSWORD_POLICY, ...options.policy }),
    )
  }

  checkPolicy(password: string): void {
    if (typeof password !== 'string') throw new InvalidInputError('the password must be a string')
    const normalized = password.normalize('NFKC')
    if ([...normalized].length < this.policy.minLength) {
      throw new InvalidInputError(
        `the password must have at least ${this.policy.minLength} characters`,
      )
    }
    if (Buffer.byteLength(normalized) > this.policy.maxBytes) {
      throw new InvalidInputError(`the password must be at most ${this.policy.maxBytes} bytes`)
    }
  }

  async hash(password: string): Promise<string> {
    this.checkPolicy(password)
    return argon2Hash(password.normalize('NFKC'), { ...this.params, algorithm: ARGON2ID })
  }

  async verify(hash: string, password: string): Promise<boolean> {
    if (typeof hash !== 'string' || typeof password !== 'string') return false
    const normalized = password.normalize('NFKC')
    if (Buffer.byteLength(normalized) > this.policy.maxBytes) return false
    try {
      return await argon2Verify(hash, normalized)
    } catch {
      return false
    }
  }

  needsRehash(hash: string): boolean {
    return needsRehash(hash, this.params)
  }

  dummyHash(): Promise<string> {
    this.#dummy ??= argon2Hash(randomBytes(32).toString('base64url'), {
      ...this.params,
      algorithm: ARGON2ID,
    }).catch((err: unknown) => {
      this.#dummy = undefined
      throw err
    })
    return this.#dummy
  }
}

/**
 * True when a PHC string is not argon2id version 19 with exactly these parameters.
 *
 * @param hash a stored PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$...`
 * @param params the parameters hashes should have now
 * @example
 * ```ts
 * needsRehash('$argon2id$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA', OWASP_ARGON2ID) // true
 * ```
 */
export function needsRehash(hash: string, params: Argon2Params): boolean {
  const match = PHC.exec(hash)
  if (match === null) return true
  const [, algorithm, version, m, t, p] = match
  return (
    algorithm !== 'argon2id' ||
    version !== '19' ||
    Number(m) !== params.memoryCost ||
    Number(t) !== params.timeCost ||
    Number(p) !== params.parallelism
  )
}

function checkParams(params: Argon2Params): Argon2Params {
  const { memoryCost, timeCost, parallelism } = params
  if (!Number.isSafeInteger(parallelism) || parallelism < 1 || parallelism > 255) {
    throw new InvalidInputError('argon2 parallelism must be an integer from 1 to 255')
  }
  if (!Number.isSafeInteger(timeCost) || timeCost < 1) {
    throw new InvalidInputError('argon2 timeCost must be a positive integer')
  }
  if (!Number.isSafeInteger(memoryCost) || memoryCost < 8 * parallelism || memoryCost >= 2 ** 32) {
    throw new InvalidInputError('argon2 memoryCost must be an integer of at least 8 KiB per lane')
  }
  return { memoryCost, timeCost, parallelism }
}

function checkPolicyOptions(policy: PasswordPolicy): PasswordPolicy {
  const { minLength, maxBytes } = policy
  if (!Number.isSafeInteger(minLength) || minLength < 1) {
    throw new InvalidInputError('minLength must be a positive integer')
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < minLength) {
    throw new InvalidInputError('maxBytes must be an integer of at least minLength')
  }
  return { minLength, maxBytes }
}
