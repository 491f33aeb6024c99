// Private Redis and PostgreSQL servers on free ports, for the fault tests: they are stopped and
// started at will, so the shared servers other tests and CI use are never touched.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { sleep } from './harness.js'

/** A server a test controls. */
export interface PrivateServer {
  url: string
  stop(): Promise<void>
  start(): Promise<void>
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function waitForPort(port: number, up: boolean, ms = 15_000): Promise<void> {
  const started = Date.now()
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port })
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open === up) return
    if (Date.now() - started > ms) throw new Error(`port ${port} did not go ${up ? 'up' : 'down'}`)
    await sleep(20)
  }
}

/** Why a private Redis cannot run here, or false. */
export const skipPrivateRedis = existsSync('/usr/bin/redis-server')
  ? false
  : 'redis-server is not installed'

/** `redis-server --port N --save ''` in the foreground of a child process. */
export async function privateRedis(t: TestContext): Promise<PrivateServer> {
  const port = await freePort()
  let child: ChildProcess | undefined
  const server: PrivateServer = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      )
      await waitForPort(port, true)
    },
    async stop() {
      const running = child
      // A killed process has a signalCode and no exitCode; both mean it is gone.
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return
      const exited = new Promise((resolve) => running.once('exit', resolve))
      running.kill('SIGKILL')
      await exited
      await waitForPort(port, false)
    },
  }
  t.after(() => server.stop())
  await server.start()
  return server
}

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const version = readdirSync(root).sort().pop()
  const bin = version && join(root, version, 'bin')
  return bin && existsSync(join(bin, 'initdb')) ? bin : undefined
}

/** Why a private PostgreSQL cannot run here, or false. */
export const skipPrivatePostgres =
  postgresBin() === undefined
    ? 'PostgreSQL server binaries (initdb, pg_ctl) are not installed'
    : process.getuid?.() !== 0
      ? 'a private PostgreSQL is started as the postgres user, which needs root'
      : false

/**
 * `initdb` into a temporary folder and `pg_ctl start` on a free port, as the postgres user
 * (PostgreSQL refuses to run as root). Trust authentication, on 127.0.0.1 only.
 */
export async function privatePostgres(t: TestContext): Promise<PrivateServer> {
  const bin = postgresBin()!
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'tessera-pg-'))
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString())
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString())
  chownSync(dir, uid, gid)
  const data = join(dir, 'data')
  const asPostgres = (command: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], {
      stdio: 'ignore',
    })
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`
  const server: PrivateServer = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start'])
      await waitForPort(port, true)
    },
    async stop() {
      if (!existsSync(join(data, 'postmaster.pid'))) return
      asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])
    },
  }
  t.after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  await server.start()
  return server
}
