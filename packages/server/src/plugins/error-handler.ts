// Turns every error into one response shape: `{ error, error_description, code, request_id }`, where
// `error` is the OAuth string and `code` the library's stable code. The status and `error` come from
// the one table in error-table.ts. 5xx bodies say nothing about the cause; 4xx bodies say what was
// wrong. 401s carry WWW-Authenticate (RFC 6750 §3, or Basic for client authentication), and so do
// 400s for a malformed Bearer header; 429 and 423 carry Retry-After.
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type {
  ConnectionError,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify'
import { contextOf, isMalformedBearer } from '../errors.js'
import {
  CLOSING,
  lookup,
  UNKNOWN_ERROR,
  type ErrorContext,
  type ErrorOutcome,
} from './error-table.js'
import { globalPlugin } from './global.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Where this route's errors happen, for their OAuth meaning; `resource` by default. */
    errorContext?: ErrorContext
  }
}

/** Options for {@link errorHandler}. */
export interface ErrorHandlerOptions extends Record<string, unknown> {
  clock: () => number
}

interface Problem {
  code: string | undefined
  description: string | undefined
  status?: number
  retryAfterMs?: number
  /** The Bearer credentials were malformed (a 400 that challenges, RFC 6750 §3). */
  malformedBearer?: boolean
}

// Fastify's own request errors: client mistakes, reported as ERR_INVALID_INPUT with fixed words (a
// JSON parser's message can quote the body, and the body can hold a password).
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'the content type is not supported',
  FST_ERR_CTP_BODY_TOO_LARGE: 'the body is too large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the JSON body is empty',
  FST_ERR_CTP_INVALID_JSON_BODY: 'the body is not valid JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the content length does not match the body',
}

/** The error handler and the not-found handler, for the whole app. */
export const errorHandler = globalPlugin<ErrorHandlerOptions>(
  'tessera-error-handler',
  async (app, { clock }) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const problem = classify(err, clock)
      const context = contextOf(err) ?? request.routeOptions.config?.errorContext ?? 'resource'
      const known = problem.code === undefined ? undefined : lookup(problem.code, context)
      const outcome = known ?? UNKNOWN_ERROR
      const status = problem.status ?? outcome.status
      if (status >= 500) request.log.error({ err }, 'request failed')
      else request.log.info({ code: problem.code, statusCode: status }, 'request refused')
      return respond(request, reply, { ...outcome, status }, context, {
        ...problem,
        code: known === undefined ? undefined : problem.code,
      })
    })
    app.setNotFoundHandler((request, reply) => {
      const problem = { code: 'ERR_NOT_FOUND', description: 'no such endpoint' }
      return respond(request, reply, lookup('ERR_NOT_FOUND', 'resource')!, 'resource', problem)
    })
  },
)

// What Fastify meets before routing, reported in our shape; anything else there is a 500.
const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_BAD_URL: 'the URL is malformed',
  FST_ERR_MAX_PARAM_LENGTH: 'a path parameter is too long',
}

/**
 * Fastify's `frameworkErrors` option: errors Fastify meets before routing (a URL it cannot decode)
 * skip the hooks and the error handler, so this gives them our headers and error body. The app
 * must have the security plugin registered by the time a request comes.
 *
 * @param err - Fastify's error
 * @param request - the request, with its id
 * @param reply - the reply
 * @example
 * ```ts
 * const app = Fastify({ frameworkErrors })
 * ```
 */
export function frameworkErrors(
  err: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  request.server.secureReply(request, reply)
  const description = FRAMEWORK_MESSAGES[err.code]
  if (description === undefined) {
    request.log.error({ err }, 'request failed')
    return respond(request, reply, UNKNOWN_ERROR, 'resource', { code: undefined, description })
  }
  request.log.info({ code: 'ERR_INVALID_INPUT', statusCode: 400 }, 'request refused')
  const outcome = lookup('ERR_INVALID_INPUT', 'resource')!
  return respond(request, reply, outcome, 'resource', { code: 'ERR_INVALID_INPUT', description })
}

/**
 * The 503 of a request that arrives while the app is closing, with our headers and error body
 * (Fastify's own `return503OnClosing` answer has neither).
 *
 * @param request - the request
 * @param reply - the reply
 * @example
 * ```ts
 * app.addHook('onRequest', (request, reply, done) => (closing ? closed(request, reply) : done()))
 * ```
 */
export function closed(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  request.server.secureReply(request, reply)
  request.log.info({ statusCode: 503 }, 'request refused: the server is closing')
  return respond(request, reply, CLOSING, 'resource', { code: undefined, description: undefined })
}

// What Node reports of a request it could not parse, by Node's error code; anything else is 400.
const CLIENT_ERRORS: Record<string, { status: number; description: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, description: 'the request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, description: 'the request was too slow to arrive' },
}

/**
 * Fastify's `clientErrorHandler` option: a request Node cannot parse (a bad byte in a header,
 * headers too large) never becomes a request, so this writes a minimal answer in our error shape on
 * the socket, and closes the connection.
 *
 * @param err - Node's parser error
 * @param socket - the client's connection
 * @example
 * ```ts
 * const app = Fastify({ clientErrorHandler: clientErrors })
 * ```
 */
export function clientErrors(this: FastifyInstance, err: ConnectionError, socket: Socket): void {
  // A reset connection has gone: there is no one to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const { status, description } = CLIENT_ERRORS[err.code] ?? {
    status: 400,
    description: 'the request is malformed',
  }
  this.log.info({ code: 'ERR_INVALID_INPUT', statusCode: status }, 'request refused')
  if (socket.writable) {
    const { error } = lookup('ERR_INVALID_INPUT', 'resource')!
    const body = JSON.stringify({
      error,
      error_description: description,
      code: 'ERR_INVALID_INPUT',
    })
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        'cache-control: no-store\r\nx-content-type-options: nosniff\r\nconnection: close\r\n\r\n' +
        body,
    )
  }
  socket.destroy()
}

function classify(err: FastifyError, clock: () => number): Problem {
  const code = typeof err.code === 'string' ? err.code : undefined
  if (code?.startsWith('ERR_')) {
    const retryAfterMs = retryAfter(err as { retryAfterMs?: unknown; lockedUntil?: unknown }, clock)
    return {
      code,
      description: err.message,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(isMalformedBearer(err) ? { malformedBearer: true } : {}),
    }
  }
  const status = err.statusCode
  if (status !== undefined && status >= 400 && status < 500) {
    const description =
      err.validation !== undefined
        ? err.message
        : (FASTIFY_MESSAGES[code ?? ''] ?? 'the request is malformed')
    return { code: 'ERR_INVALID_INPUT', status, description }
  }
  return { code: undefined, description: undefined }
}

// RateLimitedError says when to retry; AccountLockedError until when the lock lasts.
function retryAfter(
  err: { retryAfterMs?: unknown; lockedUntil?: unknown },
  clock: () => number,
): number | undefined {
  if (typeof err.retryAfterMs === 'number') return err.retryAfterMs
  if (err.lockedUntil instanceof Date) return err.lockedUntil.getTime() - clock()
  return undefined
}

function respond(
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: ErrorOutcome,
  context: ErrorContext,
  problem: Problem,
): FastifyReply {
  const { status, error } = outcome
  const description = status < 500 ? problem.description : undefined
  const challenge = authenticate(request, outcome, context, problem, description)
  if (challenge !== undefined) void reply.header('www-authenticate', challenge)
  if (problem.retryAfterMs !== undefined && (status === 429 || status === 423)) {
    void reply.header('retry-after', String(Math.max(1, Math.ceil(problem.retryAfterMs / 1000))))
  }
  return reply.code(status).send({
    error,
    ...(description === undefined ? {} : { error_description: description }),
    ...(problem.code === undefined ? {} : { code: problem.code }),
    request_id: request.id,
  })
}

// The WWW-Authenticate challenge of a 401, of a 403 for a missing scope, or of a 400 for malformed
// Bearer credentials (RFC 6750 §3).
function authenticate(
  request: FastifyRequest,
  { status, error }: ErrorOutcome,
  context: ErrorContext,
  problem: Problem,
  description: string | undefined,
): string | undefined {
  const malformed = status === 400 && problem.malformedBearer === true
  if (status !== 401 && !(status === 403 && error === 'insufficient_scope') && !malformed) {
    return undefined
  }
  const realm = `realm="${quote((request as { tenant?: { name: string } }).tenant?.name ?? 'tessera')}"`
  if (context === 'client') return `Basic ${realm}`
  // No credentials at all, or none of the Bearer scheme (Basic, say, which a resource does not
  // take): a 401's challenge names no error (RFC 6750 §3.1). A 403 for a missing scope names its
  // error whichever way the caller authenticated.
  const presented = request.headers.authorization
  if (presented === undefined) return `Bearer ${realm}`
  if (error === 'invalid_token' && !BEARER_SCHEME.test(presented)) return `Bearer ${realm}`
  if (error !== 'invalid_token' && error !== 'insufficient_scope' && !malformed) {
    return `Bearer ${realm}`
  }
  const detail = description === undefined ? '' : `, error_description="${quote(description)}"`
  return `Bearer ${realm}, error="${error}"${detail}`
}

const BEARER_SCHEME = /^[ \t]*bearer(?:[ \t]|$)/i

function quote(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, '')
}
