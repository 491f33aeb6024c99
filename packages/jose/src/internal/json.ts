// JSON parsing for data a token controls: parse errors become undefined, and depth is bounded so a
// token cannot make later code recurse without limit.

/** Parses JSON text, returning `undefined` on any syntax error. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** True when `value` nests objects and arrays no deeper than `maxDepth` (a flat object has depth 1). */
export function withinDepth(value: unknown, maxDepth: number): boolean {
  // A loop over an explicit stack, not recursion: a caller may raise maxJsonDepth past what the
  // call stack can hold, and a RangeError must never escape instead of the typed limit error.
  const values: unknown[] = [value]
  const depths: number[] = [maxDepth]
  while (values.length > 0) {
    const item = values.pop()
    const left = depths.pop()!
    if (typeof item !== 'object' || item === null) continue
    if (left <= 0) return false
    if (Array.isArray(item)) {
      for (const child of item as unknown[]) {
        if (typeof child === 'object' && child !== null) {
          values.push(child)
          depths.push(left - 1)
        }
      }
      continue
    }
    for (const key in item) {
      const child = (item as Record<string, unknown>)[key]
      if (typeof child === 'object' && child !== null) {
        values.push(child)
        depths.push(left - 1)
      }
    }
  }
  return true
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Serializes to JSON, returning `undefined` for values JSON cannot hold (cycles, BigInt). */
export function stringifyJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

/** Freezes a parsed JSON value and everything in it, for values that several callers share. */
export function deepFreeze<T>(value: T): T {
  // A loop, not recursion, for the same reason as withinDepth.
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const item = pending.pop()
    if (typeof item === 'object' && item !== null && !Object.isFrozen(item)) {
      Object.freeze(item)
      for (const child of Object.values(item)) pending.push(child)
    }
  }
  return value
}
