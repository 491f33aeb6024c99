// Logins/s against raw argon2id verifications/s with the same parameters, in one process, interleaved
// round by round.
//
//   node packages/tokens/dist/bench/logins.bench.js
//   BENCH_ROUNDS=15 BENCH_OPS=60 BENCH_CONCURRENCY=4 node packages/tokens/dist/bench/logins.bench.js
//
// Method. A SQLite file in the temporary folder holds one tenant and one user whose password was
// hashed with OWASP's argon2id parameters (m=19456 KiB, t=2, p=1). Three contenders:
//  - raw argon2id: @node-rs/argon2 `verify` of the user's stored hash, nothing else (the floor);
//  - login: `Accounts.authenticate` with the right password: user lookup, one verification, the
//    settling transaction and its `login.succeeded` audit event;
//  - unknown user: `Accounts.authenticate` for a login that does not exist: the dummy verification
//    and the `login.failed` event. It should cost what a login does (no enumeration by timing).
// Each batch runs BENCH_OPS operations, BENCH_CONCURRENCY at a time (default: twice the number of
// CPUs: argon2 runs on libuv's thread pool, and a queue that never runs dry keeps every core busy
// hashing while the main thread does a login's SQL, as a loaded server would). Each round times one batch of every contender, in an
// order rotated by one each round. The table gives the median ops/s over the rounds, the ratio of
// medians to the floor, and the median of per-round ratios (both sides of such a ratio ran in the
// same round, so slow drifts of a shared machine cancel out). Target: login >= 0.9x the floor.
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { verify } from '@node-rs/argon2'
import Database from 'better-sqlite3'
import { Accounts } from '../src/accounts.js'
import { createSqlStorage } from '../src/adapters/sql/storage.js'
import { openSqlite } from '../src/db/sqlite.js'
import { OWASP_ARGON2ID, Passwords } from '../src/passwords.js'
import { DEFAULT_TENANT_CONFIG } from '../src/tenant-config.js'

type Op = () => Promise<unknown>

const ROUNDS = readPositive('BENCH_ROUNDS', 9)
const OPS = readPositive('BENCH_OPS', 40)
const CONCURRENCY = readPositive('BENCH_CONCURRENCY', 2 * availableParallelism())
const PASSWORD = 'correct horse battery staple'
const FLOOR = 'raw argon2id verify'

function readPositive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer`)
  return value
}

/** Runs `count` operations, `concurrency` at a time; returns operations per second. */
async function batch(op: Op, count: number, concurrency: number): Promise<number> {
  let started = 0
  const t0 = performance.now()
  const worker = async () => {
    while (started < count) {
      started++
      await op()
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  return count / ((performance.now() - t0) / 1000)
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-logins-'))
  const storage = await createSqlStorage(
    openSqlite({ driver: Database, filename: join(dir, 'bench.db') }),
  )
  try {
    const tenantId = 'bench'
    const config = { ...DEFAULT_TENANT_CONFIG, maxLoginAttempts: 1_000_000 }
    await storage.tenants.create({
      id: tenantId,
      name: 'bench',
      config,
      createdAt: 0,
      updatedAt: 0,
    })
    const passwords = new Passwords({ params: OWASP_ARGON2ID })
    const accounts = new Accounts({ storage, passwords })
    await accounts.createUser({ tenantId, username: 'alice', password: PASSWORD })
    const hash = (await storage.users.findByLogin(tenantId, 'alice'))!.passwordHash

    const contenders: Array<[string, Op]> = [
      [FLOOR, () => verify(hash, PASSWORD)],
      ['login', () => accounts.authenticate({ tenantId, login: 'alice', password: PASSWORD })],
      [
        'unknown user',
        () =>
          accounts
            .authenticate({ tenantId, login: 'mallory', password: PASSWORD })
            .catch((err: { code?: string }) => {
              if (err.code !== 'ERR_INVALID_CREDENTIALS') throw err
            }),
      ],
    ]
    // Check each contender once, then warm up.
    if ((await verify(hash, PASSWORD)) !== true) throw new Error('the floor does not verify')
    for (const [, op] of contenders) await batch(op, CONCURRENCY * 2, CONCURRENCY)

    const results = new Map(contenders.map(([name]) => [name, [] as number[]]))
    const ratios = new Map(contenders.map(([name]) => [name, [] as number[]]))
    for (let round = 0; round < ROUNDS; round++) {
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!)
      const thisRound = new Map<string, number>()
      for (const [name, op] of order) thisRound.set(name, await batch(op, OPS, CONCURRENCY))
      for (const [name, opsPerSecond] of thisRound) {
        results.get(name)!.push(opsPerSecond)
        ratios.get(name)!.push(opsPerSecond / thisRound.get(FLOOR)!)
      }
    }

    const floor = median(results.get(FLOOR)!)
    console.log(
      `argon2id m=${OWASP_ARGON2ID.memoryCost} t=${OWASP_ARGON2ID.timeCost} p=${OWASP_ARGON2ID.parallelism}; ` +
        `${ROUNDS} rounds x ${OPS} ops, ${CONCURRENCY} at a time; ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}`,
    )
    console.log('contender              median ops/s   vs floor   paired')
    for (const [name] of contenders) {
      const ops = median(results.get(name)!)
      const paired = median(ratios.get(name)!)
      console.log(
        `${name.padEnd(22)} ${ops.toFixed(1).padStart(12)}   ${(ops / floor).toFixed(3).padStart(7)}x  ${paired.toFixed(3).padStart(6)}x`,
      )
    }
    const loginPaired = median(ratios.get('login')!)
    console.log(
      `target: login >= 0.9x the floor (paired): ${loginPaired >= 0.9 ? 'met' : 'NOT met'}`,
    )
  } finally {
    await storage.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
