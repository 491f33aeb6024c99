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
  if (typeof value !== 'object' || value === null) return true
  if (maxDepth <= 0) return false
  if (Array.isArray(value)) {
    for (const item of value) if (!withinDepth(item, maxDepth - 1)) return false
    return true
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key]
    if (typeof item === 'object' && item !== null && !withinDepth(item, maxDepth - 1)) return false
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
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const item of Object.values(value)) deepFreeze(item)
  }
  return value
}
