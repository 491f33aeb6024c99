// Pino options for Fastify: the level from configuration, request lines without query strings, and
// redaction of every field that can hold a secret. Bodies and headers are never logged; the
// redaction is the second line of defence, for anything that logs an object carrying them.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import type { Bindings, ChildLoggerOptions } from 'fastify/types/logger.js'
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

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const

/**
 * Fastify's `childLoggerFactory`: a request's logger that becomes pino's child logger (with the
 * request id) only when something is logged. Fastify makes one per request, and with the redaction
 * above, pino's `child()` costs a few percent of a request's time; when the level is above `info`,
 * Fastify's own request lines are off and most requests log nothing. At `info` and below every
 * request logs, so the child is made at once.
 *
 * @param logger - the app's logger
 * @param bindings - the request's bindings (its id)
 * @param options - per-route logger options
 * @example
 * ```ts
 * const app = Fastify({ logger: loggerOptions('warn'), childLoggerFactory: lazyChildLogger })
 * ```
 */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  const enabled = (logger as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled
  if (enabled === undefined || enabled.call(logger, 'info') || Object.keys(options).length > 0) {
    return logger.child(bindings, options)
  }
  let child: FastifyBaseLogger | undefined
  const real = () => (child ??= logger.child(bindings, options))
  // Levels that are off stay the parent's no-ops; the others, and child(), make the real child.
  const lazy = Object.create(logger) as FastifyBaseLogger
  for (const level of LEVELS) {
    if (enabled.call(logger, level)) {
      lazy[level] = (...args: unknown[]) => (real()[level] as (...a: unknown[]) => void)(...args)
    }
  }
  lazy.child = (more, moreOptions) => real().child(more, moreOptions)
  return lazy
}
