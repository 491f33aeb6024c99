// The header cache of the compiled verifier and decrypter: a hit makes nothing, a miss makes the
// value once, and a value not worth keeping is made on every call without evicting one that is.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SegmentCache } from '../../src/internal/segment-cache.js'

function counting(keep?: (value: string) => boolean) {
  const made: string[] = []
  const cache = new SegmentCache<string>(
    2,
    (segment) => {
      made.push(segment)
      return `plan:${segment}`
    },
    keep,
  )
  return { cache, made }
}

test('a segment is made once, whichever way it is found again', () => {
  const { cache, made } = counting()
  assert.equal(cache.get('aaa.rest', 3), 'plan:aaa')
  assert.equal(cache.get('aaa.other', 3), 'plan:aaa') // the last entry
  assert.equal(cache.get('bb.x', 2), 'plan:bb')
  assert.equal(cache.get('aaa.x', 3), 'plan:aaa') // from the LRU
  assert.deepEqual(made, ['aaa', 'bb'])
})

test('a value not worth keeping is made on every call and evicts nothing', () => {
  const { cache, made } = counting((value) => !value.includes('once'))
  cache.get('keep1.x', 5)
  cache.get('keep2.x', 5)
  for (let i = 0; i < 3; i++) assert.equal(cache.get('once.x', 4), 'plan:once')
  // Both kept entries are still there (the cache holds two), and the last one is still keep2.
  cache.get('keep2.y', 5)
  cache.get('keep1.y', 5)
  assert.deepEqual(made, ['keep1', 'keep2', 'once', 'once', 'once'])
})
