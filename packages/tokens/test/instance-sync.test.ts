// Two instances of the token lifecycle on one store, kept in step over a real Redis: what one
// revokes, rotates or reconfigures, the other applies; and while the other may have missed a change
// it refuses to validate (fail closed), then reloads and catches up.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test, type TestContext } from 'node:test'
import { Redis } from 'ioredis'
import { Accounts } from '../src/accounts.js'
import { RedisSignals } from '../src/adapters/redis/signals.js'
import { InstanceSync, type SyncState } from '../src/instance-sync.js'
import { KeyManager } from '../src/key-manager.js'
import { MasterKey } from '../src/key-wrap.js'
import { observeChanges } from '../src/stores/change-feed.js'
import type { Storage } from '../src/stores/interfaces.js'
import { Tenants } from '../src/tenants.js'
import { TokenService } from '../src/token-service.js'
import { CountingHasher, sqliteStorage } from './support.js'

const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL
const skip = REDIS_URL ? false : 'TESSERA_TEST_REDIS_URL is not set'
const PASSWORD = 'correct horse battery staple'
const MASTER = new MasterKey(MasterKey.generate())

/** One instance: its own caches, revocation set and Redis connections, on the shared store. */
async function instance(t: TestContext, raw: Storage, channel: string) {
  // Made last, once the services it keeps in step exist; the storage publishes through it.
  const late: { sync?: InstanceSync } = {}
  const storage = observeChanges(raw, (changes) => late.sync?.publish(changes))
  const tenants = new Tenants(storage)
  const keys = new KeyManager({ storage, tenants, masterKey: MASTER })
  const accounts = new Accounts({
    storage,
    passwords: new CountingHasher(),
    onRevoked: (revocations) => revocations.forEach((r) => tokens.revocations.apply(r)),
  })
  const tokens = new TokenService({
    storage,
    tenants,
    keys,
    authenticator: accounts,
    revocationsCurrent: () => late.sync?.current ?? false,
  })
  await tokens.start()
  const publisher = new Redis(REDIS_URL!)
  const subscriber = new Redis(REDIS_URL!)
  subscriber.on('error', () => {})
  const states: SyncState[] = []
  const sync = new InstanceSync({
    signals: new RedisSignals({ publisher, subscriber, channel, heartbeatMs: 100 }),
    tokens,
    keys,
    tenants,
    onStateChange: (state) => states.push(state),
  })
  late.sync = sync
  await sync.start()
  t.after(async () => {
    await sync.close()
    publisher.disconnect()
    subscriber.disconnect()
  })
  return { storage, tenants, keys, accounts, tokens, sync, publisher, subscriber, states }
}

async function pair(t: TestContext) {
  const { storage: raw } = await sqliteStorage(t)
  const channel = `tessera:test:${randomUUID()}`
  const a = await instance(t, raw, channel)
  const b = await instance(t, raw, channel)
  const tenant = await a.tenants.create(`acme-${randomUUID()}`, { issuer: 'https://id.example' })
  const user = await a.accounts.createUser({
    tenantId: tenant.id,
    username: 'ada',
    password: PASSWORD,
  })
  const login = () =>
    a.tokens.login({ tenantId: tenant.id, username: 'ada', password: PASSWORD, device: 'laptop' })
  return { a, b, tenantId: tenant.id, userId: user.id, login }
}

/** Waits until `check` resolves true, polling; fails after `ms`. */
async function eventually(check: () => Promise<boolean> | boolean, ms = 3000): Promise<number> {
  const started = Date.now()
  while (!(await check())) {
    if (Date.now() - started > ms) assert.fail(`not true within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return Date.now() - started
}

const refusedWith = async (promise: Promise<unknown>): Promise<string | undefined> => {
  try {
    await promise
    return undefined
  } catch (err) {
    return (err as { code?: string }).code
  }
}

test('both instances start current', { skip }, async (t) => {
  const { a, b } = await pair(t)
  assert.equal(a.sync.current, true)
  assert.equal(b.sync.current, true)
  assert.deepEqual(b.states, [{ current: true }])
})

test('a revocation on A is refused on B', { skip }, async (t) => {
  const { a, b, tenantId, userId, login } = await pair(t)
  const first = await login()
  const second = await login()
  await b.tokens.validate(first.accessToken, { tenantId })
  await a.tokens.revoke(first.accessToken, { tenantId })
  await eventually(
    async () =>
      (await refusedWith(b.tokens.validate(first.accessToken, { tenantId }))) ===
      'ERR_TOKEN_REVOKED',
  )
  // Logout everywhere: a per-user cut-off, heard by B.
  await b.tokens.validate(second.accessToken, { tenantId })
  await a.tokens.logoutAll(userId, { tenantId })
  await eventually(
    async () =>
      (await refusedWith(b.tokens.validate(second.accessToken, { tenantId }))) ===
      'ERR_TOKEN_REVOKED',
  )
})

test(
  'a key revoked on A stops validating on B; a new key signed on A validates on B',
  { skip },
  async (t) => {
    const { a, b, tenantId, login } = await pair(t)
    const before = await login()
    await b.tokens.validate(before.accessToken, { tenantId })
    const [active] = (await a.keys.list(tenantId)).filter((k) => k.state === 'active')
    await a.keys.revoke(tenantId, active!.kid)
    await eventually(
      async () =>
        (await refusedWith(b.tokens.validate(before.accessToken, { tenantId }))) !== undefined,
    )
    const after = await login()
    await b.tokens.validate(after.accessToken, { tenantId })
  },
)

test('a tenant setting changed on A applies on B', { skip }, async (t) => {
  const { a, b, tenantId } = await pair(t)
  assert.equal((await b.tenants.get(tenantId)).config.accessTokenTtl, 900)
  await a.tenants.configure(tenantId, { accessTokenTtl: 300 })
  await eventually(async () => (await b.tenants.get(tenantId)).config.accessTokenTtl === 300)
})

test('B refuses while it may miss changes, then reloads what it missed', { skip }, async (t) => {
  const { a, b, tenantId, login } = await pair(t)
  const tokens = await login()
  await b.tokens.validate(tokens.accessToken, { tenantId })
  b.subscriber.disconnect() // B's subscription drops (no reconnect until told)
  await eventually(() => !b.sync.current)
  assert.equal(
    await refusedWith(b.tokens.validate(tokens.accessToken, { tenantId })),
    'ERR_STORE_UNAVAILABLE',
  )
  // Revoked on A while B cannot hear it.
  await a.tokens.revoke(tokens.accessToken, { tenantId })
  await b.subscriber.connect()
  await eventually(() => b.sync.current)
  assert.equal(
    await refusedWith(b.tokens.validate(tokens.accessToken, { tenantId })),
    'ERR_TOKEN_REVOKED',
  )
  assert.deepEqual(
    b.states.map((s) => s.current),
    [true, false, true],
  )
})

test('a heartbeat that stops arriving counts as lost', { skip }, async (t) => {
  const { b } = await pair(t)
  // Unsubscribing keeps the connection up but stops delivery: only the heartbeat can tell.
  await b.subscriber.unsubscribe()
  await eventually(() => !b.sync.current)
  assert.match(b.states.at(-1)?.reason ?? '', /heartbeat/)
})

test(
  'changes an instance could not publish are sent once it reaches Redis again',
  { skip },
  async (t) => {
    const { a, b, tenantId, login } = await pair(t)
    const tokens = await login()
    await b.tokens.validate(tokens.accessToken, { tenantId })
    a.publisher.disconnect() // A alone is cut off from Redis for publishing
    await a.tokens.revoke(tokens.accessToken, { tenantId })
    await new Promise((resolve) => setTimeout(resolve, 300))
    // B could not have heard it (its next full reload is a minute away)...
    await b.tokens.validate(tokens.accessToken, { tenantId })
    await a.publisher.connect()
    // ...and hears it as soon as A can publish again.
    await eventually(
      async () =>
        (await refusedWith(b.tokens.validate(tokens.accessToken, { tenantId }))) ===
        'ERR_TOKEN_REVOKED',
    )
  },
)
