/**
 * A bounded map that forgets its least recently used entry when full. Map keeps insertion order, so
 * re-inserting on a hit moves an entry to the back and the first key is always the oldest. A hit on
 * the newest entry is already in place and skips the re-insertion, so a hot key costs one lookup.
 */
export class LruCache<K, V> {
  readonly #map = new Map<K, V>()
  readonly #max: number
  // The key at the back of the map (valid while #hasNewest).
  #newest: K | undefined = undefined
  #hasNewest = false

  constructor(max: number) {
    this.#max = max
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key)
    if (value !== undefined && !(this.#hasNewest && key === this.#newest)) {
      this.#map.delete(key)
      this.#map.set(key, value)
      this.#newest = key
      this.#hasNewest = true
    }
    return value
  }

  set(key: K, value: V): void {
    this.#map.delete(key)
    this.#map.set(key, value)
    this.#newest = key
    this.#hasNewest = true
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next().value as K
      this.#map.delete(oldest)
      if (oldest === this.#newest) this.#hasNewest = false
    }
  }

  delete(key: K): void {
    this.#map.delete(key)
    if (this.#hasNewest && key === this.#newest) this.#hasNewest = false
  }

  get size(): number {
    return this.#map.size
  }
}
