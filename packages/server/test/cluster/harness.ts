// Many Tessera instances as real processes (`tessera serve`) on one PostgreSQL and one Redis, for
// the tests of instances that agree and of faults. Each test gets its own database (created on the
// server TESSERA_TEST_PG_URL names, dropped after) and its own Redis prefix, so runs never meet.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import type { TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import pg from 'pg'

const CLI = fileURLToPath(new URL('../../src/cli/index.js', import.meta.url))

export const PG_URL = process.env.TESSERA_TEST_PG_URL
export const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL
/** Why the cluster tests cannot run here, or false. */
export const skipCluster =
  PG_URL === undefined || REDIS_URL === undefined
    ? 'TESSERA_TEST_PG_URL and TESSERA_TEST_REDIS_URL must both be set'
    : false

export const ADMIN_PASSWORD = 'a fine admin password'

/** A response, read once. */
export interface Reply {
  status: number
  body: Record<string, unknown>
}

/** One `tessera serve` process. */
export interface Instance {
  url: string
  child: ChildProcess
  /** Everything it logged (JSON lines). */
  logs(): string
  call(method: string, path: string, options?: { json?: unknown; token?: string }): Promise<Reply>
  /** SIGTERM and wait (or SIGKILL: no wait for a clean exit). */
  stop(signal?: NodeJS.Signals): Promise<void>
}

/** A fresh database on the test server; dropped when the test ends. Returns its URL. */
export async function freshDatabase(t: TestContext, serverUrl = PG_URL!): Promise<string> {
  const name = `tessera_it_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  t.after(async () => {
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    await client.query(`drop database if exists ${name} with (force)`)
    await client.end()
  })
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/** The environment every instance of one deployment shares. */
export function deploymentEnv(databaseUrl: string, redisUrl = REDIS_URL!): Record<string, string> {
  return {
    TESSERA_DATABASE_URL: databaseUrl,
    TESSERA_REDIS_URL: redisUrl,
    TESSERA_REDIS_PREFIX: `tessera-test-${randomBytes(6).toString('hex')}:`,
    TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
    TESSERA_ADMIN_PASSWORD: ADMIN_PASSWORD,
    TESSERA_LOG_LEVEL: 'info',
    TESSERA_REUSE_GRACE: '3s',
    // The tests refresh one session far more often than a person would.
    TESSERA_RATE_LIMIT_REFRESH_PER_SESSION: '10000/1m',
    TESSERA_RATE_LIMIT_VALIDATE_PER_CLIENT: '100000/1s',
  }
}

/** Starts `tessera serve` on a free loopback port and waits until it is ready. */
export async function startInstance(
  t: TestContext,
  env: Record<string, string>,
  options: { waitReady?: boolean } = {},
): Promise<Instance> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let port: number | undefined
  for (let i = 0; i < 600 && port === undefined; i++) {
    if (child.exitCode !== null) assert.fail(`tessera serve exited early:\n${output}`)
    const match = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
    if (match === null) await sleep(25)
    else port = Number(match[1])
  }
  assert.ok(port, `tessera serve started:\n${output}`)
  const url = `http://127.0.0.1:${port}`
  const instance: Instance = {
    url,
    child,
    logs: () => output,
    call: (method, path, options = {}) => call(url, method, path, options),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill(signal)
      await exited
    },
  }
  if (options.waitReady !== false) {
    await eventually(async () => (await instance.call('GET', '/ready')).status === 200, 20_000)
  }
  return instance
}

async function call(
  base: string,
  method: string,
  path: string,
  options: { json?: unknown; token?: string },
): Promise<Reply> {
  const headers: Record<string, string> = {}
  if (options.json !== undefined) headers['content-type'] = 'application/json'
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
    })
    const text = await res.text()
    const body = text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {}
    return { status: res.status, body }
  } catch {
    // The instance is gone (killed): the same as no answer.
    return { status: 0, body: {} }
  }
}

/** Logs in as `username` on `instance`; returns the token response body. */
export async function login(
  instance: Instance,
  username: string,
  password: string,
): Promise<{ access_token: string; refresh_token: string }> {
  const reply = await instance.call('POST', '/auth/login', { json: { username, password } })
  assert.equal(reply.status, 200, JSON.stringify(reply.body))
  return reply.body as { access_token: string; refresh_token: string }
}

/** Creates a user through the admin API of `instance`; returns its id. */
export async function createUser(
  instance: Instance,
  username: string,
  password: string,
): Promise<string> {
  const admin = await login(instance, 'admin', ADMIN_PASSWORD)
  const reply = await instance.call('POST', '/admin/users', {
    token: admin.access_token,
    json: { username, password },
  })
  assert.equal(reply.status, 201, JSON.stringify(reply.body))
  return (reply.body.user as { id: string } | undefined)?.id ?? (reply.body.id as string)
}

/** Waits until `check` holds, polling every few ms; fails after `ms`. Returns the time it took. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  ms = 5000,
): Promise<number> {
  const started = Date.now()
  while (!(await check())) {
    if (Date.now() - started > ms) assert.fail(`not true within ${ms} ms`)
    await sleep(5)
  }
  return Date.now() - started
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
