// What the server tests share: an app on a fresh SQLite file in a temporary folder, cheap argon2
// parameters, a clock the test moves, captured log lines and stderr, and small request helpers.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { MasterKey, Passwords } from '@tessera/tokens'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp, type AppDeps } from '../src/app.js'
import { loadConfig, type ServerConfig } from '../src/config.js'

/** The bootstrap admin's password in tests. */
export const ADMIN_PASSWORD = 'admin password for tests'

/** A user's password in tests. */
export const PASSWORD = 'correct horse battery staple'

/** argon2id at 256 KiB and one pass: tests do not pay OWASP's cost. */
export function fastPasswords(): Passwords {
  return new Passwords({ params: { memoryCost: 256, timeCost: 1, parallelism: 1 } })
}

/** A clock a test moves by hand, starting now. */
export class Clock {
  now = Date.now()
  readonly fn = (): number => this.now
  advance(ms: number): void {
    this.now += ms
  }
}

/** An app under test and what it wrote. */
export interface TestApp {
  app: FastifyInstance
  config: ServerConfig
  clock: Clock
  /** Every log line, as written. */
  logs: string[]
  /** Everything written to the app's stderr (the generated admin password). */
  stderr: string[]
  dir: string
  env: Record<string, string>
}

/**
 * Builds an app on a new SQLite file, closed and removed when the test ends.
 *
 * @param t - the test
 * @param env - environment variables over the test defaults
 * @param deps - dependencies over the test defaults
 */
export async function testApp(
  t: TestContext,
  env: Record<string, string> = {},
  deps: AppDeps = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-server-'))
  const fullEnv = {
    TESSERA_DATABASE_URL: join(dir, 'tessera.db'),
    TESSERA_MASTER_KEY: MasterKey.generate(),
    TESSERA_ADMIN_PASSWORD: ADMIN_PASSWORD,
    TESSERA_PUBLIC_URL: 'http://tessera.test',
    TESSERA_LOG_LEVEL: 'info',
    ...env,
  }
  const config = loadConfig(fullEnv)
  const clock = new Clock()
  const logs: string[] = []
  const stderr: string[] = []
  const app = await buildApp(config, {
    passwords: fastPasswords(),
    clock: clock.fn,
    logStream: { write: (line: string) => logs.push(line) },
    stderr: { write: (text: string) => stderr.push(text) },
    ...deps,
  })
  t.after(async () => {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { app, config, clock, logs, stderr, dir, env: fullEnv }
}

/** A token response, as /auth/login returns it. */
export interface Tokens {
  access_token: string
  refresh_token: string
  session_id: string
  expires_in: number
  scope: string
}

/**
 * Logs in through /auth/login (under `prefix` for a named tenant) and returns the tokens.
 *
 * @param app - the app
 * @param username - who
 * @param password - their password
 * @param prefix - `''` or `/t/<tenant>`
 */
export async function login(
  app: FastifyInstance,
  username: string,
  password: string,
  prefix = '',
): Promise<Tokens> {
  const res = await app.inject({
    method: 'POST',
    url: `${prefix}/auth/login`,
    payload: { username, password },
  })
  assert.equal(res.statusCode, 200, res.body)
  return res.json<Tokens>()
}

/** An Authorization header for a Bearer token. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}

/**
 * Creates a user through the admin API and returns its id.
 *
 * @param app - the app
 * @param adminToken - an admin's access token
 * @param user - username, password, and optional roles and scopes
 * @param prefix - `''` or `/t/<tenant>`
 */
export async function createUser(
  app: FastifyInstance,
  adminToken: string,
  user: { username: string; password?: string; roles?: string[]; scopes?: string[] },
  prefix = '',
): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: `${prefix}/admin/users`,
    headers: bearer(adminToken),
    payload: { password: PASSWORD, ...user },
  })
  assert.equal(res.statusCode, 201, res.body)
  return res.json<{ id: string }>().id
}

/**
 * Asserts an error response: status, OAuth error and code, and no stack trace in the body.
 *
 * @param res - the response
 * @param status - the expected status
 * @param code - the expected code (undefined: none)
 * @param error - the expected OAuth error string, if checked
 */
export function assertError(
  res: LightMyRequestResponse,
  status: number,
  code: string | undefined,
  error?: string,
): Record<string, unknown> {
  assert.equal(res.statusCode, status, res.body)
  const body = res.json<Record<string, unknown>>()
  assert.equal(body.code, code)
  if (error !== undefined) assert.equal(body.error, error)
  assert.doesNotMatch(res.body, /\bat .+\.(js|ts):\d+/, 'no stack trace')
  assert.deepEqual(
    Object.keys(body).filter(
      (k) => !['error', 'error_description', 'code', 'request_id'].includes(k),
    ),
    [],
  )
  return body
}
