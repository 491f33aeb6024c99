import { LruCache } from './lru.js'

interface Entry<V> {
  segment: string
  value: V
}

/**
 * What a compiled verifier or decrypter makes from a token's first segment (its protected header),
 * cached by the segment's exact text in a bounded LRU. Most callers see one header over and over,
 * so the last entry is checked first by comparing the token's prefix with it, which costs less than
 * looking the segment up.
 */
export class SegmentCache<V> {
  readonly #entries: LruCache<string, Entry<V>>
  readonly #make: (segment: string) => V
  readonly #keep: (value: V) => boolean
  #last: Entry<V> | undefined = undefined

  /**
   * @param max - the most segments kept
   * @param make - makes the value for a segment; what it throws is thrown to the caller of get,
   *   and nothing is cached
   * @param keep - whether a value is worth keeping: a header that carries a value of its own token
   *   (a JWE's `epk`, say) is never seen again, and caching it would only evict one that is
   */
  constructor(max: number, make: (segment: string) => V, keep: (value: V) => boolean = () => true) {
    this.#entries = new LruCache(max)
    this.#make = make
    this.#keep = keep
  }

  /** The value for `token.slice(0, end)`, made on a miss. */
  get(token: string, end: number): V {
    const last = this.#last
    // Sliced and compared rather than startsWith: V8's startsWith leaves its fast path for a token
    // that was built by concatenation (a cons string, even once flattened), which costs ~0.1 us.
    if (last !== undefined && last.segment.length === end && token.slice(0, end) === last.segment) {
      return last.value
    }
    const segment = token.slice(0, end)
    let entry = this.#entries.get(segment)
    if (entry === undefined) {
      entry = { segment, value: this.#make(segment) }
      if (!this.#keep(entry.value)) return entry.value
      this.#entries.set(segment, entry)
    }
    this.#last = entry
    return entry.value
  }
}
