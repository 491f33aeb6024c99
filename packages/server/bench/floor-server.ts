// The floor for http.bench: a bare Fastify app doing, per endpoint, the crypto Tessera's endpoint
// cannot avoid and nothing else. No storage, no rate limits, no audit, no metrics, no logging.
//  - GET /auth/validate: one ES256 verification of the bearer token against a prepared public key;
//  - POST /oauth/introspect (form token=..., Bearer API key): the client's API key checked as
//    Tessera checks one it holds in memory (SHA-256, compared in constant time with the expected
//    hash), then the same verification;
//  - POST /auth/refresh (JSON refresh_token): one ES256 signature (a refresh must sign a new access
//    token; the floor has no storage, so it neither looks up nor rotates the refresh token);
//  - POST /auth/login (JSON username, password): one argon2id verification of a hash made with the
//    parameters Tessera uses by default, at most FLOOR_ARGON2_CONCURRENCY at once (Tessera's
//    TESSERA_PASSWORD_HASH_CONCURRENCY, which the bench sets to the same number).
//
// Run by http.bench as a child process: FLOOR_JWK is Tessera's public JWK (from its JWKS), FLOOR_HASH
// an argon2id hash of the password the bench logs in with, FLOOR_API_KEY_HASH the SHA-256
// (base64url) of the API key the bench introspects with. Listens on 127.0.0.1 and a free port and
// prints {"port": n} on stdout when ready.
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
  type JsonWebKey,
} from 'node:crypto'
import { verify as verifyPassword } from '@node-rs/argon2'
import formbody from '@fastify/formbody'
import Fastify, { type FastifyReply } from 'fastify'
import { ConcurrencyLimit } from '../src/bounded-passwords.js'

function requireEnv(name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') throw new Error(`${name} is not set`)
  return value
}

const publicKey = createPublicKey({
  key: JSON.parse(requireEnv('FLOOR_JWK')) as JsonWebKey,
  format: 'jwk',
})
const passwordHash = requireEnv('FLOOR_HASH')
const apiKeyHash = Buffer.from(requireEnv('FLOOR_API_KEY_HASH'), 'base64url')
const argon2Slots = new ConcurrencyLimit(Number(requireEnv('FLOOR_ARGON2_CONCURRENCY')))
// The floor signs with a P-256 key of its own (ES256, Tessera's default); nobody reads its tokens.
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: 'floor' })).toString(
  'base64url',
)

/** One ES256 verification of a compact JWS; true when the signature holds. */
function verifyJws(token: string): boolean {
  const dot = token.lastIndexOf('.')
  if (dot < 0) return false
  return verify(
    'sha256',
    Buffer.from(token.slice(0, dot)),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(token.slice(dot + 1), 'base64url'),
  )
}

/** One ES256 signature over a small claim set. */
function signJws(): string {
  const now = Math.floor(Date.now() / 1000)
  const payload = Buffer.from(
    JSON.stringify({
      sub: 'floor',
      iat: now,
      exp: now + 900,
      jti: randomBytes(16).toString('hex'),
    }),
  ).toString('base64url')
  const input = `${header}.${payload}`
  const signature = sign('sha256', Buffer.from(input), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  })
  return `${input}.${signature.toString('base64url')}`
}

/** The presented Bearer API key is the expected one: SHA-256, compared in constant time. */
function clientAuthenticated(authorization: string | undefined): boolean {
  if (authorization === undefined || !authorization.startsWith('Bearer ')) return false
  const presented = createHash('sha256').update(authorization.slice(7)).digest()
  return presented.length === apiKeyHash.length && timingSafeEqual(presented, apiKeyHash)
}

const unauthorized = (reply: FastifyReply) => reply.code(401).send({ error: 'invalid_token' })

const app = Fastify({ logger: false })
await app.register(formbody)

app.get('/auth/validate', async (request, reply) => {
  const authorization = request.headers.authorization ?? ''
  if (!authorization.startsWith('Bearer ') || !verifyJws(authorization.slice(7))) {
    return unauthorized(reply)
  }
  return { valid: true }
})

app.post<{ Body: { token?: string } }>('/oauth/introspect', async (request, reply) => {
  if (!clientAuthenticated(request.headers.authorization)) {
    return reply.code(401).send({ error: 'invalid_client' })
  }
  return { active: verifyJws(request.body.token ?? '') }
})

app.post<{ Body: { refresh_token?: string } }>('/auth/refresh', async (request, reply) => {
  if (typeof request.body.refresh_token !== 'string') return unauthorized(reply)
  return { access_token: signJws(), refresh_token: randomBytes(32).toString('base64url') }
})

app.post<{ Body: { username?: string; password?: string } }>(
  '/auth/login',
  async (request, reply) => {
    const password = request.body.password ?? ''
    const ok = await argon2Slots.run(() => verifyPassword(passwordHash, password))
    return ok ? { ok: true } : reply.code(401).send({ error: 'invalid_credentials' })
  },
)

await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.stdout.write(
  `${JSON.stringify({ port: typeof address === 'object' ? address?.port : 0 })}\n`,
)
const stop = () => void app.close().then(() => process.exit(0))
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
