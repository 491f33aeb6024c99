// Faults, against real servers: Redis goes away and comes back, PostgreSQL restarts under load, the
// connection pool runs dry, an instance is killed with SIGKILL. Redis and PostgreSQL here are
// private servers on free ports (private-servers.ts), never the shared ones.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import pg from 'pg'
import {
  ADMIN_PASSWORD,
  createUser,
  deploymentEnv,
  eventually,
  freshDatabase,
  login,
  PG_URL,
  skipCluster,
  sleep,
  startInstance,
  type Instance,
  type Reply,
} from './harness.js'
import {
  privatePostgres,
  privateRedis,
  skipPrivatePostgres,
  skipPrivateRedis,
} from './private-servers.js'

const PASSWORD = 'correct horse battery staple'
const validate = (instance: Instance, token: string) =>
  instance.call('GET', '/auth/validate', { token })

/** A 503 as the server promises it: a stable code, no message, no stack. */
function assertUnavailable(reply: Reply): void {
  assert.equal(reply.status, 503, JSON.stringify(reply.body))
  assert.equal(reply.body.code, 'ERR_STORE_UNAVAILABLE')
  assert.doesNotMatch(JSON.stringify(reply.body), /at .+\.js:\d+/)
}

test(
  'Redis down: validation fails closed (or open, loudly, when configured), /ready says so, and all resumes when it returns',
  { skip: skipCluster || skipPrivateRedis },
  async (t) => {
    const redis = await privateRedis(t)
    const env = deploymentEnv(await freshDatabase(t), redis.url)
    const a = await startInstance(t, env)
    const b = await startInstance(t, env)
    const open = await startInstance(t, { ...env, TESSERA_REVOCATIONS_FAIL_OPEN: 'true' })
    await createUser(a, 'ada', PASSWORD)
    const tokens = await login(a, 'ada', PASSWORD)
    assert.equal((await validate(b, tokens.access_token)).status, 200)
    const admin = await login(a, 'admin', ADMIN_PASSWORD)
    const tenant = await a.call('POST', '/admin/tenants', {
      token: admin.access_token,
      json: { name: 'acme' },
    })
    assert.equal(tenant.status, 201, JSON.stringify(tenant.body))

    await redis.stop()
    await eventually(async () => (await a.call('GET', '/ready')).status === 503)
    const ready = await a.call('GET', '/ready')
    assert.equal((ready.body.checks as Record<string, string>).sync, 'failing')
    assert.equal((ready.body.checks as Record<string, string>).store, 'ok')
    // Fail closed: a token that may have been revoked elsewhere is not accepted.
    await eventually(async () => (await validate(b, tokens.access_token)).status === 503)
    assertUnavailable(await validate(a, tokens.access_token))
    // Fail open, when configured: accepted, with an error in the log saying so.
    await eventually(() => /FAILING OPEN/.test(open.logs()))
    assert.equal((await validate(open, tokens.access_token)).status, 200)

    // Endpoints that check a bearer token fail closed too; the rest go on, and PostgreSQL takes
    // changes: B revokes the session (RFC 7009) and A logs in again (rate limits count in memory
    // meanwhile, the default fallback).
    assertUnavailable(await b.call('GET', '/auth/me', { token: tokens.access_token }))
    // A default-tenant admin too, at a named tenant as at the root (not "not valid").
    for (const path of ['/admin/users', '/t/acme/admin/users']) {
      assertUnavailable(await a.call('GET', path, { token: admin.access_token }))
    }
    const revoked = await b.call('POST', '/oauth/revoke', { json: { token: tokens.refresh_token } })
    assert.equal(revoked.status, 200)
    const later = await login(a, 'ada', PASSWORD)

    await redis.start()
    for (const instance of [a, b, open]) {
      await eventually(async () => (await instance.call('GET', '/ready')).status === 200, 10_000)
    }
    // A and the fail-open instance missed B's revocation while Redis was down; they reloaded it.
    assert.equal((await validate(a, tokens.access_token)).status, 401)
    assert.equal((await validate(open, tokens.access_token)).status, 401)
    assert.equal((await validate(b, later.access_token)).status, 200)

    // An instance that starts while Redis is down starts unready, and gets ready once it is back.
    await redis.stop()
    const late = await startInstance(t, env, { waitReady: false })
    const unready = await late.call('GET', '/ready')
    assert.equal(unready.status, 503)
    assert.equal((unready.body.checks as Record<string, string>).sync, 'failing')
    assertUnavailable(await validate(late, later.access_token))
    await redis.start()
    await eventually(async () => (await late.call('GET', '/ready')).status === 200, 10_000)
    assert.equal((await validate(late, later.access_token)).status, 200)
  },
)

test(
  'PostgreSQL restarted under load: clean 503s, nothing half-written, and service resumes by itself',
  { skip: skipCluster || skipPrivatePostgres },
  async (t) => {
    const postgres = await privatePostgres(t)
    const env = {
      ...deploymentEnv(postgres.url),
      TESSERA_REUSE_GRACE: '60s',
      TESSERA_DATABASE_POOL_TIMEOUT: '500ms',
      TESSERA_RATE_LIMIT_LOGIN_PER_ACCOUNT: '100000/1m',
    }
    const a = await startInstance(t, env)
    const b = await startInstance(t, env)
    await createUser(a, 'ada', PASSWORD)
    const chains = await Promise.all(Array.from({ length: 6 }, () => login(a, 'ada', PASSWORD)))
    const statuses = new Map<number, number>()
    const unexpected: Reply[] = []
    let running = true
    // Each worker follows its own refresh chain, alternating instances, and keeps the token it
    // holds until a refresh answers 200 (a retry within the grace window gets the same successor).
    const workers = chains.map(async (first, i) => {
      let token = first.refresh_token
      for (let n = 0; running; n++) {
        const instance = (i + n) % 2 === 0 ? a : b
        const reply = await instance.call('POST', '/auth/refresh', {
          json: { refresh_token: token },
        })
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1)
        if (reply.status === 200) token = reply.body.refresh_token as string
        else if (reply.status === 503) assertUnavailable(reply)
        else unexpected.push(reply)
        if (reply.status !== 200) await sleep(20)
      }
      return token
    })
    // And logins, on both instances, all along.
    const logins = (async () => {
      for (let n = 0; running; n++) {
        const reply = await (n % 2 === 0 ? a : b).call('POST', '/auth/login', {
          json: { username: 'ada', password: PASSWORD },
        })
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1)
        if (reply.status === 503) assertUnavailable(reply)
        else if (reply.status !== 200) unexpected.push(reply)
        if (reply.status !== 200) await sleep(20)
      }
    })()
    await sleep(500)
    await postgres.stop()
    await sleep(1500)
    await postgres.start()
    // Service resumes by itself: refreshes succeed again on both instances.
    const resumedAt = statuses.get(200) ?? 0
    await eventually(() => (statuses.get(200) ?? 0) > resumedAt + 20, 20_000)
    running = false
    const last = await Promise.all(workers)
    await logins
    assert.deepEqual(unexpected, [])
    assert.ok((statuses.get(503) ?? 0) > 0, `the outage was seen: ${JSON.stringify([...statuses])}`)
    // Every chain goes on from the last successor it was given.
    for (const token of last) {
      const reply = await a.call('POST', '/auth/refresh', { json: { refresh_token: token } })
      assert.equal(reply.status, 200, JSON.stringify(reply.body))
    }
    // Nothing half-written: each consumed refresh token has exactly one refresh event (a rotation
    // and its audit event commit together or not at all), and every successor exists.
    const db = new pg.Client({ connectionString: postgres.url })
    db.on('error', () => {}) // the private server stops after this test
    await db.connect()
    t.after(() => db.end())
    const count = async (query: string) => Number((await db.query(query)).rows[0].n)
    // Committed events: chained, or still queued for the chain (on PostgreSQL an event commits to
    // the queue with its change and is chained just after; a seal the outage cut short is redone
    // by the next sweep).
    const events = `(select type, details, session_id from audit_events
      union all select type, details, session_id from audit_queue)`
    const consumed = await count(
      'select count(*) as n from refresh_tokens where consumed_at is not null',
    )
    const rotations = await count(
      `select count(*) as n from ${events} e
         where type = 'token.refreshed' and details not like '%"retry":true%'`,
    )
    assert.equal(rotations, consumed)
    // Each session a login opened has its token.issued event, and each such event its session.
    const sessionsWithoutEvent = await count(
      `select count(*) as n from sessions s where not exists (select 1 from ${events} e
         where e.type = 'token.issued' and e.session_id = s.id)`,
    )
    const eventsWithoutSession = await count(
      `select count(*) as n from ${events} e where e.type = 'token.issued'
         and not exists (select 1 from sessions s where s.id = e.session_id)`,
    )
    assert.deepEqual([sessionsWithoutEvent, eventsWithoutSession], [0, 0])
    const orphans = await count(
      `select count(*) as n from refresh_tokens r where r.successor_hash is not null
         and not exists (select 1 from refresh_tokens s where s.hash = r.successor_hash)`,
    )
    assert.equal(orphans, 0)
    // And the instances chain what the outage left queued, by themselves.
    await eventually(
      async () => (await count('select count(*) as n from audit_queue')) === 0,
      10_000,
    )
  },
)

test(
  'an exhausted connection pool answers 503 at once instead of queueing',
  { skip: skipCluster },
  async (t) => {
    const database = await freshDatabase(t)
    const a = await startInstance(t, {
      ...deploymentEnv(database),
      TESSERA_DATABASE_POOL_SIZE: '2',
      TESSERA_DATABASE_POOL_TIMEOUT: '300ms',
    })
    await createUser(a, 'ada', PASSWORD)
    const sessions = await Promise.all(Array.from({ length: 10 }, () => login(a, 'ada', PASSWORD)))
    // Hold the refresh table: the refreshes that get a connection wait on the lock, holding it.
    const holder = new pg.Client({ connectionString: database })
    holder.on('error', () => {})
    await holder.connect()
    t.after(() => holder.end())
    await holder.query('begin')
    await holder.query('lock table refresh_tokens in access exclusive mode')
    let released = false
    const replies = sessions.map((s) =>
      a
        .call('POST', '/auth/refresh', { json: { refresh_token: s.refresh_token } })
        .then((reply) => ({ reply, whileHeld: !released })),
    )
    // The ones without a connection answer while the lock is still held.
    const early: Reply[] = []
    await eventually(async () => {
      const settled = await Promise.all(
        replies.map((p) => Promise.race([p, sleep(10).then(() => undefined)])),
      )
      early.splice(0, early.length, ...settled.flatMap((s) => (s?.whileHeld ? [s.reply] : [])))
      return early.length >= 8
    }, 5000)
    early.forEach(assertUnavailable)
    released = true
    await holder.query('rollback')
    const all = await Promise.all(replies)
    assert.equal(all.filter((r) => r.reply.status === 200).length, 2)
    // And the pool serves again.
    const again = await a.call('POST', '/auth/refresh', {
      json: { refresh_token: sessions[9]!.refresh_token },
    })
    assert.ok([200].includes(again.status), JSON.stringify(again.body))
  },
)

test(
  'an instance killed with SIGKILL mid-load: the other carries on, and nothing that answered 200 is lost',
  { skip: skipCluster || (PG_URL === undefined ? 'no PostgreSQL' : false) },
  async (t) => {
    const env = { ...deploymentEnv(await freshDatabase(t)), TESSERA_REUSE_GRACE: '60s' }
    const a = await startInstance(t, env)
    const b = await startInstance(t, env)
    await createUser(a, 'ada', PASSWORD)
    const chains = await Promise.all(Array.from({ length: 8 }, () => login(a, 'ada', PASSWORD)))
    let running = true
    let answered = 0
    const workers = chains.map(async (first, i) => {
      let token = first.refresh_token
      for (let n = 0; running; n++) {
        // Alternate instances; once B is gone, its requests fail and the worker retries on A.
        const instance =
          (i + n) % 2 === 0 || b.child.exitCode !== null || b.child.signalCode !== null ? a : b
        const reply = await instance.call('POST', '/auth/refresh', {
          json: { refresh_token: token },
        })
        if (reply.status === 200) {
          token = reply.body.refresh_token as string
          answered++
        } else if (instance === a) {
          assert.fail(`A failed while B died: ${reply.status} ${JSON.stringify(reply.body)}`)
        }
      }
      return token
    })
    await eventually(() => answered > 50, 10_000)
    await b.stop('SIGKILL')
    const atKill = answered
    await eventually(() => answered > atKill + 50, 10_000)
    running = false
    const last = await Promise.all(workers)
    assert.equal((await a.call('GET', '/ready')).status, 200)
    for (const token of last) {
      const reply = await a.call('POST', '/auth/refresh', { json: { refresh_token: token } })
      assert.equal(reply.status, 200, JSON.stringify(reply.body))
    }
  },
)
