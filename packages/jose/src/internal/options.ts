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
