// Two `tessera serve` processes on one PostgreSQL and one Redis agree: one refresh chain however
// the refreshes are spread, revocations and key and user changes made on A hold on B, and login
// failures count across both.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { runCli } from '../cli/run.js'
import {
  createUser,
  deploymentEnv,
  eventually,
  freshDatabase,
  login,
  skipCluster,
  sleep,
  startInstance,
  type Instance,
} from './harness.js'

const PASSWORD = 'correct horse battery staple'

async function twoInstances(t: TestContext, extra: Record<string, string> = {}) {
  const env = { ...deploymentEnv(await freshDatabase(t)), ...extra }
  // Both start at once on an empty database: migrations and bootstrap must not collide.
  const [a, b] = await Promise.all([startInstance(t, env), startInstance(t, env)])
  const userId = await createUser(a, 'ada', PASSWORD)
  return { a: a, b: b, userId, env }
}

const validate = (instance: Instance, token: string) =>
  instance.call('GET', '/auth/validate', { token })

test(
  'two instances that start together on an empty database make one tenant, one key, one admin',
  { skip: skipCluster },
  async (t) => {
    const { a, b } = await twoInstances(t)
    const admin = await login(b, 'admin', 'a fine admin password')
    const keys = await a.call('GET', '/admin/keys', { token: admin.access_token })
    assert.equal(keys.status, 200)
    const active = (keys.body.keys as { state: string }[]).filter((k) => k.state === 'active')
    assert.equal(active.length, 1, JSON.stringify(keys.body))
    const users = await b.call('GET', '/admin/users', { token: admin.access_token })
    const admins = (users.body.users as { roles: string[] }[]).filter((u) =>
      u.roles.includes('admin'),
    )
    assert.equal(admins.length, 1)
    for (const instance of [a, b]) {
      const ready = await instance.call('GET', '/ready')
      assert.deepEqual(ready.body, {
        status: 'ok',
        checks: { store: 'ok', keys: 'ok', sync: 'ok' },
      })
    }
  },
)

test(
  '50 concurrent refreshes of one token across two instances: one successor, one chain',
  { skip: skipCluster },
  async (t) => {
    const { a, b } = await twoInstances(t)
    const first = await login(a, 'ada', PASSWORD)
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 === 0 ? a : b).call('POST', '/auth/refresh', {
          json: { refresh_token: first.refresh_token },
        }),
      ),
    )
    // One rotation won; every other request was a retry within the grace window and got the same
    // successor back. No second chain, no false reuse alarm.
    assert.deepEqual(
      [...new Set(replies.map((r) => r.status))],
      [200],
      JSON.stringify(replies.find((r) => r.status !== 200)?.body),
    )
    const successors = new Set(replies.map((r) => r.body.refresh_token))
    assert.equal(successors.size, 1)
    const [successor] = successors as Set<string>
    assert.notEqual(successor, first.refresh_token)
    // The chain goes on from that successor, on either instance.
    const next = await b.call('POST', '/auth/refresh', { json: { refresh_token: successor } })
    assert.equal(next.status, 200)
    assert.equal((await validate(a, next.body.access_token as string)).status, 200)
  },
)

test(
  'reuse detected on A revokes the family; B refuses its access tokens',
  { skip: skipCluster },
  async (t) => {
    const { a, b } = await twoInstances(t)
    const first = await login(a, 'ada', PASSWORD)
    const rotated = await a.call('POST', '/auth/refresh', {
      json: { refresh_token: first.refresh_token },
    })
    assert.equal(rotated.status, 200)
    const access = rotated.body.access_token as string
    assert.equal((await validate(b, access)).status, 200)
    await sleep(3200) // past the 3 s grace window: presenting the consumed token again is theft
    const reuse = await a.call('POST', '/auth/refresh', {
      json: { refresh_token: first.refresh_token },
    })
    assert.equal(reuse.status, 401)
    assert.equal(reuse.body.code, 'ERR_TOKEN_REUSED')
    await eventually(async () => (await validate(b, access)).status === 401, 2000)
    const refused = await b.call('POST', '/auth/refresh', {
      json: { refresh_token: rotated.body.refresh_token },
    })
    assert.equal(refused.status, 401)
  },
)

test(
  'logout-all, key rotation and key revocation on A hold on B',
  { skip: skipCluster },
  async (t) => {
    const { a, b } = await twoInstances(t)
    const laptop = await login(a, 'ada', PASSWORD)
    const phone = await login(b, 'ada', PASSWORD)
    assert.equal((await validate(b, laptop.access_token)).status, 200)
    const ended = await a.call('POST', '/auth/logout-all', { token: laptop.access_token })
    assert.equal(ended.status, 200)
    await eventually(async () => (await validate(b, phone.access_token)).status === 401, 2000)
    await eventually(async () => (await validate(b, laptop.access_token)).status === 401, 2000)

    const admin = await login(a, 'admin', 'a fine admin password')
    const rotated = await a.call('POST', '/admin/keys/rotate', {
      token: admin.access_token,
      json: {},
    })
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body))
    const kid = rotated.body.kid as string
    // B publishes the next key at once, not after its cache would have expired.
    await eventually(async () => {
      const jwks = await b.call('GET', '/.well-known/jwks.json')
      return (jwks.body.keys as { kid: string }[]).some((k) => k.kid === kid)
    }, 2000)

    // Emergency revocation of the signing key on A: B stops accepting what it signed.
    const token = (await login(b, 'ada', PASSWORD)).access_token
    assert.equal((await validate(a, token)).status, 200)
    const keys = await a.call('GET', '/admin/keys', { token: admin.access_token })
    const active = (keys.body.keys as { kid: string; state: string }[]).find(
      (k) => k.state === 'active',
    )!
    const revoked = await a.call('POST', `/admin/keys/${active.kid}/revoke`, {
      token: admin.access_token,
      json: {},
    })
    assert.equal(revoked.status, 204, JSON.stringify(revoked.body))
    await eventually(async () => (await validate(b, token)).status === 401, 2000)
    // And B signs with the replacement key, which A accepts.
    assert.equal((await validate(a, (await login(b, 'ada', PASSWORD)).access_token)).status, 200)
  },
)

test(
  'an API key revoked on A is refused by B at once, though B had just accepted it',
  { skip: skipCluster },
  async (t) => {
    const { a, b } = await twoInstances(t)
    const admin = await login(a, 'admin', 'a fine admin password')
    const created = await a.call('POST', '/admin/api-keys', {
      token: admin.access_token,
      json: { name: 'ops', scopes: ['admin'] },
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const { key, api_key } = created.body as { key: string; api_key: { id: string } }
    // B checks the key in the store once, then holds it in memory.
    for (let i = 0; i < 3; i++) {
      assert.equal((await b.call('GET', '/admin/keys', { token: key })).status, 200)
    }
    const revoked = await a.call('DELETE', `/admin/api-keys/${api_key.id}`, {
      token: admin.access_token,
    })
    assert.deepEqual(revoked.body, { revoked: true })
    // Far sooner than the cache's 30 s bound: the revocation reaches B through Redis.
    const took = await eventually(
      async () => (await b.call('GET', '/admin/keys', { token: key })).status === 401,
      2000,
    )
    assert.ok(took < 2000)
  },
)

test(
  'a user disabled on A can no longer log in or use tokens on B',
  { skip: skipCluster },
  async (t) => {
    const { a, b, userId } = await twoInstances(t)
    const tokens = await login(b, 'ada', PASSWORD)
    const admin = await login(a, 'admin', 'a fine admin password')
    const disabled = await a.call('PATCH', `/admin/users/${userId}`, {
      token: admin.access_token,
      json: { disabled: true },
    })
    assert.equal(disabled.status, 200, JSON.stringify(disabled.body))
    await eventually(async () => (await validate(b, tokens.access_token)).status === 401, 2000)
    const again = await b.call('POST', '/auth/login', {
      json: { username: 'ada', password: PASSWORD },
    })
    assert.notEqual(again.status, 200)
    const refresh = await b.call('POST', '/auth/refresh', {
      json: { refresh_token: tokens.refresh_token },
    })
    assert.equal(refresh.status, 401)
  },
)

test(
  'login failures spread over two instances lock the account',
  { skip: skipCluster },
  async (t) => {
    const { a, b } = await twoInstances(t)
    const statuses: number[] = []
    for (const instance of [a, b, a, b, a]) {
      const reply = await instance.call('POST', '/auth/login', {
        json: { username: 'ada', password: 'wrong password' },
      })
      statuses.push(reply.status)
    }
    // Four failures counted in the shared store, and the fifth (on A) locks the account.
    assert.deepEqual(statuses, [401, 401, 401, 401, 423])
    // The sixth try, right password, on either instance: locked.
    for (const instance of [b, a]) {
      const reply = await instance.call('POST', '/auth/login', {
        json: { username: 'ada', password: PASSWORD },
      })
      assert.equal(reply.status, 423, JSON.stringify(reply.body))
      assert.equal(reply.body.code, 'ERR_ACCOUNT_LOCKED')
    }
  },
)

test('rate limits count across instances (Redis)', { skip: skipCluster }, async (t) => {
  const { a, b } = await twoInstances(t, { TESSERA_RATE_LIMIT_LOGIN_PER_IP: '4/1m' })
  const statuses: number[] = []
  for (const instance of [a, b, a, b, a, b]) {
    const reply = await instance.call('POST', '/auth/login', {
      json: { username: 'nobody', password: 'whatever it is' },
    })
    statuses.push(reply.status)
  }
  // The admin login in setup spent one point of this IP's four; then three more, then refused.
  assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429])
})

test(
  'tessera migrate on PostgreSQL, from two shells at once, then serve finds everything in place',
  { skip: skipCluster },
  async (t) => {
    const env = deploymentEnv(await freshDatabase(t))
    const runs = await Promise.all([
      runCli(['migrate', '--json'], env),
      runCli(['migrate', '--json'], env),
    ])
    for (const run of runs) {
      assert.equal(run.code, 0, run.stderr)
      const out = JSON.parse(run.stdout) as { ok: boolean; database: string }
      assert.equal(out.ok, true)
      // The URL is shown without its password (there is none here), never with it.
      assert.match(out.database, /^postgres:\/\//)
    }
    const a = await startInstance(t, env)
    await createUser(a, 'ada', PASSWORD)
    assert.equal((await login(a, 'ada', PASSWORD)).access_token.split('.').length, 3)
  },
)
