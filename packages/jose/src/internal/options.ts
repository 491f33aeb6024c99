import { InvalidOptionsError } from '../errors.js'

/**
 * Reads an options argument: undefined or null (python-jose's None) mean no options; anything that
 * is not an object is refused with a typed error instead of failing later with a TypeError.
 */
export function readOptions<T extends object>(options: T | null | undefined): Partial<T> {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object') throw new InvalidOptionsError('options must be an object')
  return options
}

/**
 * A caller's value for an error message: a string quoted and cut to 32 characters, anything else by
 * its type. Never String(value): a null-prototype object or a Symbol would throw a TypeError.
 */
export function shownName(value: unknown): string {
  return typeof value === 'string' ? `"${value.slice(0, 32)}"` : `(a ${typeof value})`
}
