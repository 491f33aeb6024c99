import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { decodeBase64url, encodeBase64url, isBase64url } from '../../src/internal/base64url.js'
import { withinDepth } from '../../src/internal/json.js'
import { LruCache } from '../../src/internal/lru.js'

test('base64url round-trips every length', () => {
  for (let n = 0; n < 70; n++) {
    const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 255))
    const text = encodeBase64url(bytes)
    assert.ok(isBase64url(text))
    assert.deepEqual(decodeBase64url(text), bytes)
  }
})

test('base64url refuses padding, whitespace, the standard alphabet and junk', () => {
  for (const bad of ['Zm9v=', 'Zg==', 'Zm 9v', 'Zm9v\n', 'a+b/', 'Zm9v.', 'Zm9?', 'A', 'AAAAA']) {
    assert.equal(isBase64url(bad), false, bad)
    assert.equal(decodeBase64url(bad), undefined, bad)
  }
})

test('base64url refuses non-canonical trailing bits', () => {
  // "AB" decodes to one byte (0x00) but sets unused bits; "AA" is the canonical form.
  assert.equal(isBase64url('AA'), true)
  assert.equal(isBase64url('AB'), false)
  assert.equal(isBase64url('AAA'), true)
  assert.equal(isBase64url('AAB'), false)
})

test('withinDepth bounds nesting of objects and arrays', () => {
  assert.equal(withinDepth({ a: 1 }, 1), true)
  assert.equal(withinDepth({ a: { b: 1 } }, 1), false)
  assert.equal(withinDepth({ a: [[1]] }, 3), true)
  assert.equal(withinDepth({ a: [[1]] }, 2), false)
  let deep: unknown = 1
  for (let i = 0; i < 10_000; i++) deep = [deep]
  assert.equal(withinDepth(deep, 20), false)
})

test('LruCache forgets the least recently used entry', () => {
  const cache = new LruCache<string, number>(2)
  cache.set('a', 1)
  cache.set('b', 2)
  assert.equal(cache.get('a'), 1)
  cache.set('c', 3)
  assert.equal(cache.get('b'), undefined)
  assert.equal(cache.get('a'), 1)
  assert.equal(cache.size, 2)
})

test('decodeBase64url agrees with a plain reference on arbitrary text', () => {
  // The reference: the alphabet, a possible length, and a round trip that gives back the text.
  const reference = (s: string) =>
    /^[A-Za-z0-9_-]*$/.test(s) &&
    s.length % 4 !== 1 &&
    Buffer.from(s, 'base64url').toString('base64url') === s
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const junk = '=+/ .\n\t\u0000\u00c1\u00ff\u0141\u4e00\ud83d\ude00'
  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom(...alphabet) }),
    fc.string({ unit: fc.constantFrom(...alphabet, ...junk) }),
    fc.fullUnicodeString(),
  )
  fc.assert(
    fc.property(text, (s) => {
      const decoded = decodeBase64url(s)
      assert.equal(decoded !== undefined, reference(s), JSON.stringify(s))
      assert.equal(isBase64url(s), reference(s), JSON.stringify(s))
      if (decoded !== undefined) assert.equal(decoded.toString('base64url'), s)
    }),
    { numRuns: 20_000 },
  )
})
