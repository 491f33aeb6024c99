// A reader for the few DER structures (X.690) this library takes apart: the members of one
// SEQUENCE, each a tag and its contents. Single-byte tags and definite lengths only; every length
// is checked against the bytes that hold it, so malformed input gives undefined, never a read past
// the end.
import type { Buffer } from 'node:buffer'

/** One DER element: its tag byte and its contents (a view into the bytes read). */
export interface DerElement {
  tag: number
  contents: Buffer
}

/** The DER tags read here. */
export const DER_TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  SEQUENCE: 0x30,
} as const

/**
 * The members of the SEQUENCE that `bytes` holds, exactly: nothing may follow it.
 *
 * @returns the members in order, or undefined when `bytes` is not one well-formed SEQUENCE of
 *   well-formed elements
 * @example
 * ```ts
 * const [algorithm, subjectPublicKey] = readDerSequence(spki) ?? []
 * ```
 */
export function readDerSequence(bytes: Buffer): DerElement[] | undefined {
  const outer = readElement(bytes, 0)
  if (outer === undefined || outer.tag !== DER_TAG.SEQUENCE || outer.end !== bytes.length) {
    return undefined
  }
  const members: DerElement[] = []
  for (let at = 0; at < outer.contents.length;) {
    const member = readElement(outer.contents, at)
    if (member === undefined) return undefined
    members.push({ tag: member.tag, contents: member.contents })
    at = member.end
  }
  return members
}

// The element that starts at `at`, and where it ends; undefined when it does not fit.
function readElement(
  bytes: Buffer,
  at: number,
): { tag: number; contents: Buffer; end: number } | undefined {
  const tag = bytes[at]
  const first = bytes[at + 1]
  // A tag of 0x1f in its low bits continues in the next bytes: no structure read here has one.
  if (tag === undefined || first === undefined || (tag & 0x1f) === 0x1f) return undefined
  let length = first
  let start = at + 2
  if (first & 0x80) {
    // Long form: the low bits count the length bytes. 0x80 (indefinite) is not DER; more than
    // four bytes would describe more than any buffer here holds.
    const count = first & 0x7f
    if (count === 0 || count > 4 || start + count > bytes.length) return undefined
    length = bytes.readUIntBE(start, count)
    start += count
  }
  const end = start + length
  if (end > bytes.length) return undefined
  return { tag, contents: bytes.subarray(start, end), end }
}
