// At most so many argon2id computations at once: the limit holds, waiting work runs in order, a
// failure frees its turn, and the dummy hash (an unknown user's login) waits for no extra turn.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PasswordHasher } from '@tessera/tokens'
import { BoundedPasswords, ConcurrencyLimit } from '../src/bounded-passwords.js'
import { fastPasswords, PASSWORD } from './support.js'

/** A real hasher that records how many of its computations ran at once. */
function counting(inner: PasswordHasher) {
  const seen = { now: 0, most: 0 }
  const timed =
    <A extends unknown[], T>(fn: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      seen.most = Math.max(seen.most, ++seen.now)
      try {
        return await fn(...args)
      } finally {
        seen.now--
      }
    }
  const hasher: PasswordHasher = {
    hash: timed((password: string) => inner.hash(password)),
    verify: timed((hash: string, password: string) => inner.verify(hash, password)),
    needsRehash: (hash) => inner.needsRehash(hash),
    dummyHash: () => inner.dummyHash(),
    checkPolicy: (password) => inner.checkPolicy(password),
  }
  return { hasher, seen }
}

test('no more than the limit run at once, and the others run in order of arrival', async () => {
  const slots = new ConcurrencyLimit(2)
  const order: number[] = []
  let running = 0
  let most = 0
  await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      slots.run(async () => {
        most = Math.max(most, ++running)
        order.push(i)
        await new Promise((resolve) => setTimeout(resolve, 2))
        running--
      }),
    ),
  )
  assert.equal(most, 2)
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7])
  assert.equal(slots.running, 0)
  assert.equal(slots.waiting, 0)
})

test('a task that fails gives its turn to the next one', async () => {
  const slots = new ConcurrencyLimit(1)
  const failing = slots.run(async () => {
    throw new Error('boom')
  })
  const next = slots.run(async () => 'ran')
  await assert.rejects(failing, /boom/)
  assert.equal(await next, 'ran')
  assert.equal(slots.running, 0)
})

test('the limit must be a positive integer', () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => new ConcurrencyLimit(bad), RangeError)
  }
})

test('hashes and verifications are right, and run at most `concurrency` at once', async () => {
  const { hasher, seen } = counting(fastPasswords())
  const passwords = new BoundedPasswords(hasher, 2)
  const hash = await passwords.hash(PASSWORD)
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) => passwords.verify(hash, i % 2 === 0 ? PASSWORD : 'wrong')),
  )
  assert.deepEqual(
    results,
    Array.from({ length: 10 }, (_, i) => i % 2 === 0),
  )
  assert.equal(seen.most, 2)
  assert.equal(passwords.needsRehash(hash), false)
  assert.throws(() => passwords.checkPolicy('short'), { code: 'ERR_INVALID_INPUT' })
  await assert.rejects(passwords.hash('short'), { code: 'ERR_INVALID_INPUT' })
})

test('the dummy hash waits for no turn, so an unknown user waits for one, as a known one does', async () => {
  const passwords = new BoundedPasswords(fastPasswords(), 1)
  const hash = await passwords.hash(PASSWORD)
  // The only turn is taken by a verification still running.
  const busy = passwords.verify(hash, PASSWORD)
  const dummy = await passwords.dummyHash()
  assert.match(dummy, /^\$argon2id\$/)
  assert.equal(await busy, true)
})
