// Refresh rotations/s on a SQLite file, and validate() ops/s against the raw node:crypto verify
// floor for the same algorithm, in one process, interleaved round by round.
//
//   node packages/tokens/dist/bench/lifecycle.bench.js
//   BENCH_ROUNDS=15 BENCH_MS=300 node packages/tokens/dist/bench/lifecycle.bench.js
//
// Method. One tenant (ES256) and one user on a SQLite file in the temporary folder (WAL,
// synchronous=NORMAL). Contenders, each timed for BENCH_MS per round, in an order rotated each round:
//  - refresh: TokenService.refresh along one chain, one after another (each is a transaction: find,
//    consume, insert the successor, touch the session, an audit event; then an ES256 access token);
//  - validate: TokenService.validate of one access token (signature, claims, tenant, revocation);
//  - raw verify (floor): the least work validation can do, defined as @tessera/jose's JWT bench
//    defines its verify floor: from the token string, split at the dots, node:crypto verify of the
//    ES256 signature over the signing input with a prepared KeyObject, then base64url-decode and
//    JSON.parse the payload (validate returns the claims). No header, no claim or revocation check;
//  - raw verify, bytes ready (information only): the signature check alone on bytes decoded once
//    before the run, which no validation starting from a token can do; it is ~8% faster here.
// Each is reported per second of wall time and per second of CPU time the process got: the bench is
// single-threaded, so the second is the rate on one core of its own, steadier on a shared machine.
// Targets: refresh >= 5,000/s on one core; validate >= 0.9x the floor.
import { verify as cryptoVerify } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Accounts } from '../src/accounts.js'
import { createSqlStorage } from '../src/adapters/sql/storage.js'
import { openSqlite } from '../src/db/sqlite.js'
import { KeyManager } from '../src/key-manager.js'
import { MasterKey } from '../src/key-wrap.js'
import { Passwords } from '../src/passwords.js'
import { Tenants } from '../src/tenants.js'
import { TokenService } from '../src/token-service.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9)
const MS = Number(process.env.BENCH_MS ?? 250)
const PASSWORD = 'correct horse battery staple'

// Ops per second of wall time, and per second of CPU time this process got (user + system): on a
// shared machine the second is steadier, and it is what "on one core" means.
async function timed(op: () => Promise<unknown> | unknown): Promise<[number, number]> {
  let count = 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const until = t0 + MS
  while (performance.now() < until) {
    for (let i = 0; i < 20; i++) await op()
    count += 20
  }
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  return [count / wall, count / ((cpu.user + cpu.system) / 1e6)]
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'))
  const storage = await createSqlStorage(
    openSqlite({ driver: Database, filename: join(dir, 'bench.db') }),
  )
  try {
    const tenants = new Tenants(storage)
    const tenant = await tenants.create('bench', { signingAlgorithm: 'ES256' })
    const keys = new KeyManager({
      storage,
      tenants,
      masterKey: new MasterKey(MasterKey.generate()),
    })
    // Cheap hashing: logins are not what this bench measures (see logins.bench).
    const accounts = new Accounts({
      storage,
      passwords: new Passwords({ params: { memoryCost: 256, timeCost: 1, parallelism: 1 } }),
    })
    const service = new TokenService({ storage, tenants, keys, authenticator: accounts })
    await service.start()
    await accounts.createUser({ tenantId: tenant.id, username: 'bench', password: PASSWORD })
    const tenantId = tenant.id
    const pair = await service.login({ tenantId, username: 'bench', password: PASSWORD })
    let refreshToken = pair.refreshToken
    const token = pair.accessToken
    const dot = token.lastIndexOf('.')
    const signingInput = Buffer.from(token.slice(0, dot), 'latin1')
    const signature = Buffer.from(token.slice(dot + 1), 'base64url')
    const publicKey = (await keys.verificationKeys(tenantId)).keys[0]!.keyObject
    const verifyOptions = { key: publicKey, dsaEncoding: 'ieee-p1363' as const }

    const contenders: Record<string, () => Promise<unknown> | unknown> = {
      refresh: async () => {
        refreshToken = (await service.refresh(refreshToken, { tenantId })).refreshToken
      },
      validate: () => service.validate(token, { tenantId }),
      'raw verify (floor)': () => {
        const first = token.indexOf('.')
        const last = token.indexOf('.', first + 1)
        const input = Buffer.from(token.slice(0, last), 'latin1')
        const sig = Buffer.from(token.slice(last + 1), 'base64url')
        if (!cryptoVerify('sha256', input, verifyOptions, sig)) throw new Error('bad')
        return JSON.parse(Buffer.from(token.slice(first + 1, last), 'base64url').toString('utf8'))
      },
      'raw verify, bytes ready': () => {
        if (!cryptoVerify('sha256', signingInput, verifyOptions, signature)) throw new Error('bad')
      },
    }
    const names = Object.keys(contenders)
    const results = new Map(names.map((name) => [name, [] as number[]]))
    const perCpu = new Map(names.map((name) => [name, [] as number[]]))
    const ratios: number[] = []
    const readyRatios: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length]!)
      const perRound = new Map<string, number>()
      for (const name of order) {
        const [opsPerSecond, opsPerCpuSecond] = await timed(contenders[name]!)
        results.get(name)!.push(opsPerSecond)
        perCpu.get(name)!.push(opsPerCpuSecond)
        perRound.set(name, opsPerSecond)
      }
      ratios.push(perRound.get('validate')! / perRound.get('raw verify (floor)')!)
      readyRatios.push(perRound.get('validate')! / perRound.get('raw verify, bytes ready')!)
    }
    const floor = median(results.get('raw verify (floor)')!)
    console.log(`node ${process.version}, ${ROUNDS} rounds x ${MS} ms, ES256, SQLite WAL file`)
    console.log('| operation | median ops/s | ops per CPU-second | vs floor |')
    console.log('| --- | ---: | ---: | ---: |')
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
    for (const name of names) {
      const value = median(results.get(name)!)
      const ratio = name === 'refresh' ? '' : `${(value / floor).toFixed(2)}x`
      console.log(`| ${name} | ${fmt(value)} | ${fmt(median(perCpu.get(name)!))} | ${ratio} |`)
    }
    console.log(
      `validate / floor, median of per-round ratios: ${median(ratios).toFixed(3)}x (target >= 0.9)`,
    )
    console.log(
      `validate / raw verify with bytes ready (information): ${median(readyRatios).toFixed(3)}x`,
    )
    console.log(`refresh target: >= 5,000/s on one core`)
  } finally {
    await storage.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
