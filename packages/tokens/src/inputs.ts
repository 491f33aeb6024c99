// Checks of what a JavaScript caller passes to the public methods, which TypeScript's types do not
// guard at run time: a wrong shape is an InvalidInputError naming it, never a TypeError from deep
// inside, nor a store error for an id the database could not bind.
import { InvalidInputError } from './errors.js'

/** `value` when it is a (non-null) object; else InvalidInputError naming `what`. */
export function requireObject<T>(value: T, what: string): NonNullable<T> {
  if (typeof value !== 'object' || value === null) {
    throw new InvalidInputError(`${what} must be an object`)
  }
  return value as NonNullable<T>
}

/** `value` when it is a string; else InvalidInputError naming `what`. */
export function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new InvalidInputError(`${what} must be a string`)
  return value
}
