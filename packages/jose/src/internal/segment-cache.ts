import { LruCache } from './lru.js'

interface Entry<V> {
  segment: string
  value: V
}

/**
 * What a compiled verifier or decrypter makes from a token's first segment (its protected header),
 * cached by the segment's exact text in a bounded LRU. Most callers see one header over and over,
 * so the last entry is checked first by comparing the token's prefix with it, which costs less than
 * slicing the segment out and looking it up.
 */
export class SegmentCache<V> {
  readonly #entries: LruCache<string, Entry<V>>
  readonly #make: (segment: string) => V
  #last: Entry<V> | undefined = undefined

  /**
   * @param max - the most segments kept
   * @param make - makes the value for a segment; what it throws is thrown to the caller of get,
   *   and nothing is cached
   */
  constructor(max: number, make: (segment: string) => V) {
    this.#entries = new LruCache(max)
    this.#make = make
  }

  /** The value for `token.slice(0, end)`, made on a miss. */
  get(token: string, end: number): V {
    const last = this.#last
    if (last !== undefined && last.segment.length === end && token.startsWith(last.segment)) {
      return last.value
    }
    const segment = token.slice(0, end)
    let entry = this.#entries.get(segment)
    if (entry === undefined) {
      entry = { segment, value: this.#make(segment) }
      this.#entries.set(segment, entry)
    }
    this.#last = entry
    return entry.value
  }
}
