// The fields of a user as callers give them: checked, and normalized so that uniqueness is
// case-insensitive (trimmed, NFC, lower case); a new user's record; and the view of a user without
// its password hash.
import { randomUUID } from 'node:crypto'
import { InvalidInputError } from './errors.js'
import type { UserRecord } from './stores/records.js'

/** A user as the admin reads return it: the stored record without its password hash. */
export type User = Omit<UserRecord, 'passwordHash'>

/** A new user. Username and email are unique in the tenant, case-insensitively. */
export interface CreateUserInput {
  tenantId: string
  username: string
  email?: string | null
  password: string
  roles?: string[]
  scopes?: string[]
}

/** A new user's fields, checked and normalized. */
export interface NewUserFields {
  tenantId: string
  username: string
  email: string | null
  roles: string[]
  scopes: string[]
}

/** Longest username or email, in characters. */
const MAX_LOGIN = 254
/** Longest role or scope name, in characters. */
const MAX_NAME = 128
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
/** RFC 6749 §3.3 scope-token characters. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/**
 * The form a username or email is stored and looked up in: trimmed, NFC, lower case.
 *
 * @param login a username or email as typed
 * @example
 * ```ts
 * normalizeLogin('  Alice@Example.COM ') // 'alice@example.com'
 * ```
 */
export function normalizeLogin(login: string): string {
  // Lower-cased first, then composed: lower-casing a composed string can leave it uncomposed
  // (U+0386 U+0345), and then the stored name would not normalize to itself.
  return login.trim().toLowerCase().normalize('NFC')
}

/**
 * Checks and normalizes a username; throws InvalidInputError.
 *
 * @param value the username as given
 * @example
 * ```ts
 * checkUsername('Alice') // 'alice'
 * ```
 */
export function checkUsername(value: unknown): string {
  if (typeof value !== 'string') throw new InvalidInputError('username must be a string')
  const username = normalizeLogin(value)
  if (username.length === 0 || username.length > MAX_LOGIN || CONTROL.test(username)) {
    throw new InvalidInputError(`username must have 1 to ${MAX_LOGIN} printable characters`)
  }
  return username
}

/**
 * Checks and normalizes an optional email; throws InvalidInputError.
 *
 * @param value the email as given, or null/undefined for none
 * @example
 * ```ts
 * checkEmail('Bob@Example.com') // 'bob@example.com'
 * ```
 */
export function checkEmail(value: unknown): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw new InvalidInputError('email must be a string')
  const email = normalizeLogin(value)
  const at = email.lastIndexOf('@')
  if (email.length > MAX_LOGIN || at < 1 || at === email.length - 1 || /[\s\p{Cc}]/u.test(email)) {
    throw new InvalidInputError('email is not an email address')
  }
  return email
}

/**
 * Checks a list of roles or scopes: strings of 1 to 128 characters, scopes as RFC 6749 scope
 * tokens (no spaces, since the `scope` claim is space-separated). Removes duplicates, keeps order.
 *
 * @param value the list as given; undefined for none
 * @param what `roles` or `scopes`, for the error message and the character rule
 * @example
 * ```ts
 * checkNames(['read', 'write', 'read'], 'scopes') // ['read', 'write']
 * ```
 */
export function checkNames(value: unknown, what: 'roles' | 'scopes'): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new InvalidInputError(`${what} must be an array of strings`)
  for (const name of value) {
    const ok =
      typeof name === 'string' &&
      name.length > 0 &&
      name.length <= MAX_NAME &&
      (what === 'scopes' ? SCOPE_TOKEN.test(name) : !CONTROL.test(name))
    if (!ok) throw new InvalidInputError(`${what} must be names of 1 to ${MAX_NAME} characters`)
  }
  return [...new Set(value as string[])]
}

/**
 * A user without its password hash.
 *
 * @param record the stored user
 * @example
 * ```ts
 * const user = toUser(record) // everything but passwordHash
 * ```
 */
export function toUser(record: UserRecord): User {
  const { passwordHash: _hash, ...user } = record
  return user
}

/**
 * Checks and normalizes a new user's fields (not the password: the hasher's policy does that).
 *
 * @param input the user as given
 * @example
 * ```ts
 * checkNewUser({ tenantId, username: 'Alice', password }) // { tenantId, username: 'alice', ... }
 * ```
 */
export function checkNewUser(input: CreateUserInput): NewUserFields {
  if (typeof input?.tenantId !== 'string') throw new InvalidInputError('tenantId must be a string')
  return {
    tenantId: input.tenantId,
    username: checkUsername(input.username),
    email: checkEmail(input.email),
    roles: checkNames(input.roles, 'roles'),
    scopes: checkNames(input.scopes, 'scopes'),
  }
}

/**
 * A new user's record: a random id, enabled, no failures.
 *
 * @param fields the checked fields
 * @param passwordHash the argon2id hash of the password
 * @param now milliseconds since the epoch
 * @example
 * ```ts
 * const record = newUser(checkNewUser(input), await passwords.hash(input.password), Date.now())
 * ```
 */
export function newUser(fields: NewUserFields, passwordHash: string, now: number): UserRecord {
  return {
    id: randomUUID(),
    ...fields,
    passwordHash,
    disabled: false,
    failedAttempts: 0,
    lockedUntil: null,
    passwordChangedAt: now,
    createdAt: now,
    updatedAt: now,
  }
}
