// Many instances, measured: how long a revocation made on instance A takes to be refused by
// instance B, and validate and refresh throughput of two instances on PostgreSQL + Redis beside one
// instance on SQLite, all in the same run.
//
//   npx tsc -b packages/server && node packages/server/dist/bench/cluster.bench.js
//   BENCH_DURATION=10 BENCH_CONNECTIONS=32 BENCH_SAMPLES=500 node packages/server/dist/bench/cluster.bench.js
//
// Method. This process starts three `node dist/src/main.js` children: S on a fresh SQLite file, and
// A and B on a fresh PostgreSQL database (TESSERA_TEST_PG_URL's server, default
// postgres://postgres@127.0.0.1:5432/test) and one Redis (TESSERA_TEST_REDIS_URL, default
// redis://127.0.0.1:6379), rate limits raised beyond reach, log level warn.
//  - Propagation: BENCH_SAMPLES times, a fresh access token (a refresh on A) is checked valid on B,
//    revoked on A (POST /auth/revoke), and B is polled back to back until it answers 401. Reported
//    from A's answer (the revocation committed) to B's first 401, p50/p99/max.
//  - Throughput, with autocannon from this process: validate on S alone, on A alone, and on A and B
//    at once (one autocannon each, concurrently); refresh on S alone and on A and B at once (a
//    refresh chain per connection, each request sending the token the previous answer returned).
// Targets: propagation p99 < 100 ms; validate per instance >= 0.8x the SQLite instance; refresh
// >= 2,000/s across two instances.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon, { type Options, type Result } from 'autocannon'
import pg from 'pg'
import { refreshRequests } from './refresh-chains.js'

const here = dirname(fileURLToPath(import.meta.url))
const serverMain = join(here, '..', 'src', 'main.js')
const PG_URL = process.env.TESSERA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const setting = (name: string, fallback: number) => {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : fallback
}
const DURATION = setting('BENCH_DURATION', 5)
const CONNECTIONS = setting('BENCH_CONNECTIONS', 16)
const SAMPLES = setting('BENCH_SAMPLES', 200)
// Extra node flags for every Tessera process, e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof'.
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)
const PASSWORD = 'correct horse battery staple, benchmark edition'
const UNLIMITED = '1000000000/1s'
const json = { 'content-type': 'application/json' }

interface Instance {
  name: string
  url: string
  proc: ChildProcess
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function start(name: string, env: Record<string, string>): Promise<Instance> {
  const port = await freePort()
  const proc = spawn(process.execPath, [...SERVER_NODE_ARGS, serverMain], {
    env: { ...process.env, ...env, TESSERA_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 400; i++) {
    if (proc.exitCode !== null) throw new Error(`${name} exited (${proc.exitCode})`)
    try {
      if ((await fetch(`${url}/ready`)).ok) return { name, url, proc }
    } catch {
      // not listening yet
    }
    await sleep(50)
  }
  throw new Error(`${name} did not become ready`)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function post(url: string, body: unknown, token?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...json, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  })
  const parsed = (await res.json()) as Record<string, unknown>
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(parsed)}`)
  return parsed
}

async function status(url: string, token: string): Promise<number> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  await res.arrayBuffer()
  return res.status
}

const login = (instance: Instance) =>
  post(`${instance.url}/auth/login`, { username: 'admin', password: PASSWORD })

/** Revoke on A, poll B: ms from A's answer to B's first refusal, per sample. */
async function propagation(a: Instance, b: Instance): Promise<number[]> {
  let refresh = (await login(a)).refresh_token as string
  const times: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    const next = await post(`${a.url}/auth/refresh`, { refresh_token: refresh })
    refresh = next.refresh_token as string
    const access = next.access_token as string
    if ((await status(`${b.url}/auth/validate`, access)) !== 200) throw new Error('B refused early')
    await post(`${a.url}/auth/revoke`, { token: access })
    const committed = performance.now()
    let answer = 200
    while (answer === 200) answer = await status(`${b.url}/auth/validate`, access)
    if (answer !== 401) throw new Error(`B answered ${answer}`)
    times.push(performance.now() - committed)
  }
  return times
}

async function validateLoad(instance: Instance): Promise<Options> {
  const token = (await login(instance)).access_token as string
  return {
    url: `${instance.url}/auth/validate`,
    connections: CONNECTIONS,
    headers: { authorization: `Bearer ${token}` },
    duration: DURATION,
  }
}

async function refreshLoad(instance: Instance, connections: number): Promise<Options> {
  const tokens: string[] = []
  for (let i = 0; i < connections; i++) tokens.push((await login(instance)).refresh_token as string)
  return { url: instance.url, connections, requests: refreshRequests(tokens), duration: DURATION }
}

/**
 * Runs loads at once, after a one-second warm-up with loads of their own (a refresh chain cut
 * short by the end of a run loses its token, so the measured run starts on fresh chains).
 */
async function together(makers: (() => Promise<Options>)[]): Promise<Result[]> {
  const warmUps = await Promise.all(makers.map((make) => make()))
  await Promise.all(warmUps.map((load) => autocannon({ ...load, duration: 1 })))
  const loads = await Promise.all(makers.map((make) => make()))
  return Promise.all(loads.map((load) => autocannon(load)))
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const errors = (r: Result) => r.non2xx + r.errors + r.timeouts

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cluster-bench-'))
  const database = `tessera_bench_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  await admin.query(`create database ${database}`)
  const databaseUrl = new URL(PG_URL)
  databaseUrl.pathname = `/${database}`
  const common = {
    TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
    TESSERA_ADMIN_PASSWORD: PASSWORD,
    TESSERA_LOG_LEVEL: 'warn',
    TESSERA_RATE_LIMIT_LOGIN_PER_IP: UNLIMITED,
    TESSERA_RATE_LIMIT_LOGIN_PER_ACCOUNT: UNLIMITED,
    TESSERA_RATE_LIMIT_REFRESH_PER_SESSION: UNLIMITED,
    TESSERA_RATE_LIMIT_VALIDATE_PER_CLIENT: UNLIMITED,
  }
  const shared = {
    ...common,
    TESSERA_DATABASE_URL: databaseUrl.toString(),
    TESSERA_REDIS_URL: REDIS_URL,
    TESSERA_REDIS_PREFIX: `tessera-bench-${randomBytes(4).toString('hex')}:`,
  }
  const instances: Instance[] = []
  try {
    const s = await start('S', { ...common, TESSERA_DATABASE_URL: join(dir, 'bench.db') })
    instances.push(s)
    const a = await start('A', shared)
    instances.push(a)
    const b = await start('B', shared)
    instances.push(b)

    process.stderr.write(`propagation: ${SAMPLES} revocations on A, polled on B\n`)
    const times = (await propagation(a, b)).sort((x, y) => x - y)

    process.stderr.write('validate\n')
    const [validateS] = await together([() => validateLoad(s)])
    const [validateA] = await together([() => validateLoad(a)])
    const [validateA2, validateB2] = await together([() => validateLoad(a), () => validateLoad(b)])
    process.stderr.write('refresh\n')
    const [refreshS] = await together([() => refreshLoad(s, CONNECTIONS)])
    const half = Math.max(1, Math.round(CONNECTIONS / 2))
    const [refreshA, refreshB] = await together([
      () => refreshLoad(a, half),
      () => refreshLoad(b, half),
    ])

    const rps = (r: Result) => r.requests.average
    const single = rps(validateS!)
    const perInstance = rps(validateA!)
    const twoValidate = rps(validateA2!) + rps(validateB2!)
    const twoRefresh = rps(refreshA!) + rps(refreshB!)
    const p99 = quantile(times, 0.99)
    console.log(
      `\n${availableParallelism()} CPUs, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ` +
        `${DURATION} s per run, ${CONNECTIONS} connections; load, PostgreSQL and Redis share the machine\n`,
    )
    console.log('Propagation of a revocation from A to B (ms, from A committing to B refusing):\n')
    console.log('| samples | p50 | p99 | max | target | met |')
    console.log('| ------: | --: | --: | --: | ------ | --- |')
    console.log(
      `| ${SAMPLES} | ${fmt(quantile(times, 0.5), 1)} | ${fmt(p99, 1)} | ${fmt(times.at(-1)!, 1)} | p99 < 100 ms | ${p99 < 100 ? 'yes' : 'no'} |`,
    )
    console.log('\nThroughput (requests/s, p99 ms, non-2xx):\n')
    console.log('| Run | req/s | p99 ms | non-2xx | target | met |')
    console.log('| --- | ----: | -----: | ------: | ------ | --- |')
    const row = (name: string, r: Result, target = '', met = '') =>
      console.log(
        `| ${name} | ${fmt(rps(r))} | ${fmt(r.latency.p99, 1)} | ${errors(r)} | ${target} | ${met} |`,
      )
    row('validate, S (SQLite, one instance)', validateS!)
    row(
      'validate, A alone (PostgreSQL + Redis)',
      validateA!,
      '>= 0.8x S',
      `${perInstance >= 0.8 * single ? 'yes' : 'no'} (${fmt(perInstance / single, 2)}x)`,
    )
    row('validate, A while B is loaded too', validateA2!)
    row('validate, B while A is loaded too', validateB2!)
    console.log(`| validate, A + B | ${fmt(twoValidate)} | | | | |`)
    row('refresh, S (SQLite, one instance)', refreshS!)
    row('refresh, A (half the chains)', refreshA!)
    row('refresh, B (half the chains)', refreshB!)
    console.log(
      `| refresh, A + B | ${fmt(twoRefresh)} | | | >= 2,000/s | ${twoRefresh >= 2000 ? 'yes' : 'no'} |`,
    )
  } finally {
    for (const instance of instances) instance.proc.kill('SIGTERM')
    await sleep(500)
    await admin.query(`drop database if exists ${database} with (force)`)
    await admin.end()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
