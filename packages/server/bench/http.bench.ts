// Requests/s and p99 latency of Tessera's hot endpoints over HTTP, each beside a floor measured in
// the same run.
//
//   npx tsc -b packages/server && npm run bench -w @tessera/server
//   BENCH_ROUNDS=7 BENCH_DURATION=5 BENCH_LOGIN_DURATION=20 BENCH_WARMUP=2 BENCH_CONNECTIONS=32 \
//     BENCH_LOGIN_CONNECTIONS=4 npm run bench -w @tessera/server
//
// Method. Server and load run in separate processes. This process spawns
//  - Tessera: `node dist/src/main.js` on a fresh SQLite file in the temporary folder, a generated
//    master key, a chosen admin password, a free port, log level warn, and rate limits raised far
//    beyond what a run can reach (the limits still run; they just never throttle);
//  - the floor: bench/floor-server.js, a bare Fastify app that does, per endpoint, the same crypto
//    and no more (validate: one ES256 verification against Tessera's public key; introspect: the
//    client's API key checked by its SHA-256 in constant time, then that verification;
//    refresh: one ES256 signature, no storage; login: one argon2id verification with Tessera's
//    default parameters, OWASP's m=19456,t=2,p=1, and as many at once as Tessera runs: one per CPU
//    unless BENCH_HASH_CONCURRENCY says otherwise).
// It then drives both with autocannon from this process: GET /auth/validate (Bearer access token),
// POST /oauth/introspect (form token=..., API key with the introspect scope), POST /auth/refresh
// (every request sends the latest refresh token of its chain: one login per connection first, then
// each response's token feeds the next request) and POST /auth/login (the admin's password). Each
// endpoint is checked to answer 200 on both servers first; non-2xx answers during a run are counted
// and reported. Each endpoint gets a short warm-up on both, then BENCH_ROUNDS rounds (default 5)
// of one run on each, back to back, the order alternating from round to round: the machine is
// shared, and its load drifts over a run, so one pair of runs can differ by a third. The table
// gives medians over the rounds and, as the ratio, the median of the rounds' own ratios.
// Beside each rate, the CPU time each server process used per request in its measured run (from
// /proc, on Linux): on a shared machine it moves far less than requests per second do.
// Targets: validate and introspect >= 0.8x the floor; refresh >= 3,000/s; login >= 0.9x the floor.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import autocannon, { type Options, type Result } from 'autocannon'
import { MasterKey, Passwords } from '@tessera/tokens'
import { refreshRequests } from './refresh-chains.js'

const here = dirname(fileURLToPath(import.meta.url))
const serverMain = join(here, '..', 'src', 'main.js')
const floorMain = join(here, 'floor-server.js')

const number = (name: string, fallback: number, min = 1): number => {
  const text = process.env[name]
  const value = Number(text)
  return text !== undefined && text !== '' && Number.isFinite(value) && value >= min
    ? value
    : fallback
}
const DURATION = number('BENCH_DURATION', 3)
// Rounds per endpoint: Tessera and the floor alternate, one run each per round.
const ROUNDS = number('BENCH_ROUNDS', 5)
const WARMUP = number('BENCH_WARMUP', 1, 0)
const CONNECTIONS = number('BENCH_CONNECTIONS', 16)
const LOGIN_CONNECTIONS = number('BENCH_LOGIN_CONNECTIONS', 4)
// Logins run at tens per second: a longer run for a steadier figure.
const LOGIN_DURATION = number('BENCH_LOGIN_DURATION', 10)
const PASSWORD = 'correct horse battery staple, benchmark edition'
const UNLIMITED = '1000000000/1s'
// How many argon2id computations each server runs at once: Tessera's default, one per CPU, for both.
const HASH_CONCURRENCY = number('BENCH_HASH_CONCURRENCY', availableParallelism())
// Extra node flags for the Tessera process only, e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof'.
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)
// The same for the floor process (to profile it alike).
const FLOOR_NODE_ARGS = (process.env.BENCH_FLOOR_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)
// Only the endpoints whose names contain one of these words (BENCH_ONLY=introspect,login), e.g. to
// profile one route; every endpoint when unset.
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean)
const selected = (endpoint: string) =>
  ONLY.length === 0 || ONLY.some((word) => endpoint.includes(word))

interface Target {
  name: string
  url: string
  pid?: number | undefined
}

/** One measured run of one server. */
interface Run {
  result: Result
  /** CPU time the server used per request in the run, microseconds (Linux only). */
  cpu: number | undefined
}

/** One server's runs of one endpoint, summarized: medians, and the failures summed. */
interface Summary {
  rps: number
  p99: number
  cpu: number | undefined
  /** Non-2xx answers and errors over every run. */
  failed: number
}

interface Row {
  endpoint: string
  tessera: Summary
  floor: Summary
  /** The median of the rounds' ratios (Tessera / floor). */
  ratio: number
  ratios: number[]
  target: string
  met: boolean
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function summarize(runs: Run[]): Summary {
  const cpus = runs.map((run) => run.cpu).filter((us): us is number => us !== undefined)
  return {
    rps: median(runs.map((run) => run.result.requests.average)),
    p99: median(runs.map((run) => run.result.latency.p99)),
    cpu: cpus.length === runs.length ? median(cpus) : undefined,
    failed: runs.reduce((sum, run) => sum + run.result.non2xx + run.result.errors, 0),
  }
}

/**
 * The CPU time (user + system) a process has used, microseconds, from /proc (Linux; undefined
 * elsewhere). The machine may be shared: requests per second move with the neighbours' load, the
 * CPU time a server spends per request much less.
 */
function cpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime, in clock ticks of 1/100 s (USER_HZ).
    return (Number(fields[11]) + Number(fields[12])) * 10_000
  } catch {
    return undefined
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function child(file: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  const proc = spawn(process.execPath, [...nodeArgs, file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  proc.once('exit', (code, signal) => {
    if (code !== 0 && code !== null) process.stderr.write(`${file} exited with ${code}\n`)
    if (signal !== null && signal !== 'SIGTERM') process.stderr.write(`${file}: ${signal}\n`)
  })
  return proc
}

async function waitForHealth(url: string, proc: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`the server exited (${proc.exitCode})`)
    try {
      if ((await fetch(`${url}/health`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${url} did not become healthy`)
}

async function floorPort(proc: ChildProcess): Promise<number> {
  if (proc.stdout === null) throw new Error('the floor has no stdout')
  const lines = createInterface({ input: proc.stdout })
  for await (const line of lines) {
    const port = (JSON.parse(line) as { port: number }).port
    lines.close()
    return port
  }
  throw new Error('the floor exited before listening')
}

async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, init)
  const text = await res.text()
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as never) }
}

const json = { 'content-type': 'application/json' }
const form = { 'content-type': 'application/x-www-form-urlencoded' }
const loginBody = JSON.stringify({ username: 'admin', password: PASSWORD })

async function login(url: string): Promise<{ access: string; refresh: string }> {
  const res = await call(`${url}/auth/login`, { method: 'POST', headers: json, body: loginBody })
  if (res.status !== 200)
    throw new Error(`login at ${url}: ${res.status} ${JSON.stringify(res.body)}`)
  return { access: String(res.body.access_token), refresh: String(res.body.refresh_token) }
}

function expect200(what: string, res: { status: number; body: unknown }): void {
  if (res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`)
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-http-bench-'))
  const children: ChildProcess[] = []
  try {
    const port = await freePort()
    const tessera: Target = { name: 'Tessera', url: `http://127.0.0.1:${port}` }
    const server = child(
      serverMain,
      {
        TESSERA_DATABASE_URL: join(dir, 'tessera.db'),
        TESSERA_MASTER_KEY: MasterKey.generate(),
        TESSERA_ADMIN_PASSWORD: PASSWORD,
        TESSERA_HOST: '127.0.0.1',
        TESSERA_PORT: String(port),
        TESSERA_LOG_LEVEL: 'warn',
        TESSERA_PASSWORD_HASH_CONCURRENCY: String(HASH_CONCURRENCY),
        TESSERA_RATE_LIMIT_LOGIN_PER_IP: UNLIMITED,
        TESSERA_RATE_LIMIT_LOGIN_PER_ACCOUNT: UNLIMITED,
        TESSERA_RATE_LIMIT_REFRESH_PER_SESSION: UNLIMITED,
        TESSERA_RATE_LIMIT_VALIDATE_PER_CLIENT: UNLIMITED,
        TESSERA_RATE_LIMIT_ADMIN: UNLIMITED,
      },
      SERVER_NODE_ARGS,
    )
    children.push(server)
    tessera.pid = server.pid
    server.stdout?.resume()
    await waitForHealth(tessera.url, server)

    // Tessera's side: an access token, an introspection key, the public key for the floor.
    const admin = await login(tessera.url)
    const created = await call(`${tessera.url}/admin/api-keys`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${admin.access}` },
      body: JSON.stringify({ name: 'http-bench', scopes: ['introspect'] }),
    })
    if (created.status !== 201) throw new Error(`creating the API key: ${created.status}`)
    const apiKey = String(created.body.key)
    const kid = (
      JSON.parse(Buffer.from(admin.access.split('.')[0] ?? '', 'base64url').toString()) as {
        kid: string
        alg: string
      }
    ).kid
    const jwks = await call(`${tessera.url}/.well-known/jwks.json`, {})
    const jwk = (jwks.body.keys as { kid: string; alg?: string }[]).find((key) => key.kid === kid)
    if (jwk === undefined) throw new Error(`no JWK with kid ${kid}`)
    if (jwk.alg !== undefined && jwk.alg !== 'ES256') {
      throw new Error(`the floor verifies ES256; Tessera signs with ${jwk.alg}`)
    }

    // The floor: Tessera's public key, and a hash made with Tessera's default argon2id parameters.
    const floorProc = child(
      floorMain,
      {
        FLOOR_JWK: JSON.stringify(jwk),
        FLOOR_HASH: await new Passwords().hash(PASSWORD),
        FLOOR_API_KEY_HASH: createHash('sha256').update(apiKey).digest('base64url'),
        FLOOR_ARGON2_CONCURRENCY: String(HASH_CONCURRENCY),
      },
      FLOOR_NODE_ARGS,
    )
    children.push(floorProc)
    const floor: Target = {
      name: 'floor',
      url: `http://127.0.0.1:${await floorPort(floorProc)}`,
      pid: floorProc.pid,
    }
    floorProc.stdout?.resume()

    const validate = (target: Target): Options => ({
      url: `${target.url}/auth/validate`,
      connections: CONNECTIONS,
      headers: { authorization: `Bearer ${admin.access}` },
    })
    const introspect = (target: Target): Options => ({
      url: `${target.url}/oauth/introspect`,
      connections: CONNECTIONS,
      method: 'POST',
      headers: { ...form, authorization: `Bearer ${apiKey}` },
      body: new URLSearchParams({ token: admin.access }).toString(),
    })
    const loginLoad = (target: Target): Options => ({
      url: `${target.url}/auth/login`,
      connections: LOGIN_CONNECTIONS,
      method: 'POST',
      headers: json,
      body: loginBody,
    })
    // A refresh chain per connection, each started by a login (not measured); the warm-up and the
    // measured run use separate chains.
    const refresh = async (target: Target): Promise<Options> => {
      const tokens: string[] = []
      for (let i = 0; i < CONNECTIONS; i++) tokens.push((await login(target.url)).refresh)
      return {
        url: target.url,
        connections: CONNECTIONS,
        requests: refreshRequests(tokens),
      }
    }

    // Every endpoint answers 200 on both servers before anything is measured.
    for (const target of [tessera, floor]) {
      const v = await call(`${target.url}/auth/validate`, validate(target))
      expect200(`${target.name} validate`, v)
      const i = await call(`${target.url}/oauth/introspect`, introspect(target))
      expect200(`${target.name} introspect`, i)
      if (i.body.active !== true) throw new Error(`${target.name} introspect: token not active`)
      const { refresh: token } = await login(target.url)
      const r = await call(`${target.url}/auth/refresh`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ refresh_token: token }),
      })
      expect200(`${target.name} refresh`, r)
    }

    const rows: Row[] = []
    const measure = async (
      endpoint: string,
      options: (target: Target) => Options | Promise<Options>,
      target: (ratio: number, tessera: number) => { text: string; met: boolean },
      duration = DURATION,
    ) => {
      if (!selected(endpoint)) return
      process.stderr.write(`measuring ${endpoint}\n`)
      const targets = [tessera, floor] as const
      for (const t of targets) {
        if (WARMUP > 0) await autocannon({ ...(await options(t)), duration: WARMUP })
      }
      // Rounds alternate which server goes first, so that a drift in the neighbours' load weighs
      // on both alike; each round's pair gives one ratio.
      const runs: [Run[], Run[]] = [[], []]
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? [0, 1] : [1, 0]
        for (const side of order) {
          const t = targets[side]!
          const load = await options(t)
          const before = cpuMicros(t.pid)
          const result = await autocannon({ ...load, duration })
          const after = cpuMicros(t.pid)
          const served = result.requests.total
          runs[side]!.push({
            result,
            cpu:
              before === undefined || after === undefined ? undefined : (after - before) / served,
          })
        }
      }
      const [t, f] = [summarize(runs[0]), summarize(runs[1])]
      const ratios = runs[0].map(
        (run, i) => run.result.requests.average / runs[1][i]!.result.requests.average,
      )
      const ratio = median(ratios)
      const { text, met } = target(ratio, t.rps)
      rows.push({ endpoint, tessera: t, floor: f, ratio, ratios, target: text, met })
    }
    const ratioTarget = (min: number) => (ratio: number) => ({
      text: `>= ${min}x floor`,
      met: ratio >= min,
    })

    await measure('GET /auth/validate', validate, ratioTarget(0.8))
    await measure('POST /oauth/introspect', introspect, ratioTarget(0.8))
    await measure('POST /auth/refresh', refresh, (_, rps) => ({
      text: '>= 3,000/s',
      met: rps >= 3000,
    }))
    await measure('POST /auth/login', loginLoad, ratioTarget(0.9), LOGIN_DURATION)

    const lines = [
      `Machine: ${availableParallelism()} CPUs (nproc), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ` +
        `${ROUNDS} rounds per endpoint, Tessera and its floor alternating, ${DURATION} s per run (login: ${LOGIN_DURATION} s) ` +
        `after ${WARMUP} s warm-up each; ${CONNECTIONS} connections (login: ${LOGIN_CONNECTIONS}).`,
      "Medians over the rounds; the ratio is the median of the rounds' ratios (each round's pair ran back to back).",
      '',
      '| Endpoint | Tessera req/s | p99 ms | floor req/s | p99 ms | ratio | ratios by round | target | met | CPU µs/req (Tessera / floor) | non-2xx (Tessera / floor) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | ---: | ---: |',
      ...rows.map(
        (row) =>
          `| \`${row.endpoint}\` | ${fmt(row.tessera.rps)} | ${fmt(row.tessera.p99, 1)} | ` +
          `${fmt(row.floor.rps)} | ${fmt(row.floor.p99, 1)} | ${row.ratio.toFixed(2)}x | ` +
          `${row.ratios.map((r) => r.toFixed(2)).join(', ')} | ${row.target} | ${row.met ? 'yes' : 'no'} | ` +
          `${[row.tessera.cpu, row.floor.cpu].map((us) => (us === undefined ? '-' : fmt(us))).join(' / ')} | ` +
          `${row.tessera.failed} / ${row.floor.failed} |`,
      ),
      '',
      'Floor: a bare Fastify app doing the same crypto and no more. validate: one ES256 verification;',
      "introspect: the API key's SHA-256 compared in constant time, and one ES256 verification;",
      'refresh: one ES256 signature (the floor has no storage: no lookup, no rotation, no reuse',
      `detection); login: one argon2id verification (m=19456, t=2, p=1), ${HASH_CONCURRENCY} at once on both.`,
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
  } finally {
    for (const proc of children) {
      if (proc.pid !== undefined && proc.exitCode === null) process.kill(proc.pid, 'SIGTERM')
    }
    await Promise.all(
      children.map(
        (proc) =>
          new Promise<void>((resolve) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return resolve()
            const timer = setTimeout(() => {
              if (proc.pid !== undefined) process.kill(proc.pid, 'SIGKILL')
              resolve()
            }, 5000)
            proc.once('exit', () => {
              clearTimeout(timer)
              resolve()
            })
          }),
      ),
    )
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
