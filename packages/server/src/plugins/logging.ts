// Pino options for Fastify: the level from configuration, request lines without query strings, and
// redaction of every field that can hold a secret. Bodies and headers are never logged; the
// redaction is the second line of defence, for anything that logs an object carrying them.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyRequest } from 'fastify'
import type { LogLevel } from '../config.js'

/** A writable pino destination (a stream, or anything with `write`). */
export interface LogDestination {
  write(line: string): unknown
}

/** Paths pino replaces with `[redacted]` wherever they appear in a log line. */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'new_password',
    'current_password',
    'newPassword',
    'currentPassword',
    'token',
    'access_token',
    'refresh_token',
    'accessToken',
    'refreshToken',
    'client_secret',
    'secret',
    'key',
    'masterKey',
    'authorization',
  ].flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
]

/**
 * The `logger` option of Fastify.
 *
 * @param level - the log level
 * @param stream - where lines go (stdout by default)
 * @example
 * ```ts
 * const app = Fastify({ logger: loggerOptions('info') })
 * ```
 */
export function loggerOptions(level: LogLevel, stream?: LogDestination) {
  return {
    level,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    serializers: {
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: pathOnly(req.url),
        remoteAddress: req.ip,
        userAgent: req.headers?.['user-agent'],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    ...(stream === undefined ? {} : { stream }),
  }
}

/** The path of a URL: a query string may carry a token, so it never reaches the log. */
function pathOnly(url: string): string {
  const query = url.indexOf('?')
  return query === -1 ? url : `${url.slice(0, query)}?[redacted]`
}

const REQUEST_ID = /^[\w.:-]{1,64}$/

/**
 * Fastify's `genReqId`: the caller's `X-Request-Id` when it is a short plain token (so ids follow a
 * request through proxies), a random UUID otherwise.
 *
 * @param req - the raw request
 * @example
 * ```ts
 * const app = Fastify({ genReqId: requestId, requestIdHeader: false })
 * ```
 */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id']
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
}
