// Test helpers: signing keys, access tokens shaped as Tessera issues them (RFC 9068), and a real
// JWKS server on a loopback port whose published keys a test changes, or that goes down.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'
import { jwk, jwt, type Key } from '@tessera/jose'
import type { VerifyResult } from '../src/index.js'

export const ISSUER = 'https://id.example'
export const AUDIENCE = 'orders-api'

export const k1 = jwk.generate('ES256', { kid: 'k1' })
export const k2 = jwk.generate('ES256', { kid: 'k2' })
/** A key nobody publishes, with a kid that collides with k1's. */
export const impostor = jwk.generate('ES256', { kid: 'k1' })

/** Seconds since the epoch. */
export const now = () => Math.floor(Date.now() / 1000)

/**
 * An access token as Tessera issues it, signed by `key`; `claims` overrides or (with undefined)
 * removes claims, `header` adds header members.
 */
export function mint(
  key: Key,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): string {
  const base: Record<string, unknown> = {
    iss: ISSUER,
    sub: 'u1',
    aud: AUDIENCE,
    exp: now() + 600,
    iat: now(),
    jti: randomUUID(),
    client_id: 'web',
    tid: 'default',
    sid: 's1',
    scope: 'orders:read profile',
    roles: ['clerk'],
  }
  const merged = Object.fromEntries(
    Object.entries({ ...base, ...claims }).filter(([, value]) => value !== undefined),
  )
  return jwt.encode(merged, key, { algorithm: 'ES256', headers: { typ: 'at+jwt', ...header } })
}

/** A running JWKS server on 127.0.0.1. */
export interface JwksServer {
  readonly url: string
  /** How many requests it has answered. */
  readonly hits: () => number
  /** Publishes exactly these keys from now on. */
  publish(...keys: Key[]): void
  /** Stops listening and drops connections: fetches now fail with ECONNREFUSED. */
  down(): Promise<void>
}

/** Starts a JWKS server publishing `keys`; it is stopped after the test. */
export async function startJwksServer(t: TestContext, ...keys: Key[]): Promise<JwksServer> {
  let body = jwks(keys)
  let hits = 0
  const server: Server = createServer((_req, res) => {
    hits++
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  let closed = false
  const down = async () => {
    if (closed) return
    closed = true
    const done = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await done
  }
  t.after(down)
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    hits: () => hits,
    publish: (...next) => void (body = jwks(next)),
    down,
  }
}

function jwks(keys: Key[]): string {
  return JSON.stringify({ keys: keys.map((key) => key.publicKey().toJWK()) })
}

/** A URL on 127.0.0.1 where nothing listens. */
export async function deadUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}/.well-known/jwks.json`
}

/** Asserts a refusal with this status, error and WWW-Authenticate, and returns it. */
export function assertRefused(
  result: VerifyResult,
  status: number,
  error: string,
  challenge: string | RegExp | undefined,
) {
  assert.equal(result.ok, false, 'refused')
  if (result.ok) throw new Error('unreachable')
  assert.equal(result.status, status, result.description)
  assert.equal(result.error, error)
  if (challenge === undefined || typeof challenge === 'string') {
    assert.equal(result.wwwAuthenticate, challenge)
  } else {
    assert.match(result.wwwAuthenticate ?? '', challenge)
  }
  return result
}

/** The claims of an accepted result. */
export function assertAccepted(result: VerifyResult) {
  if (!result.ok) assert.fail(`refused: ${result.status} ${result.description}`)
  return result.claims
}
