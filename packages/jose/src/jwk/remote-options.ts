// Options of a remote key set, checked once: the URL policy (https, or http on loopback), the
// durations and the size limit, each with its default.
import { InvalidOptionsError } from '../errors.js'
import { isJsonObject } from '../internal/json.js'

/**
 * The fetch a remote key set calls: the global `fetch`, or one you hand in (tests, proxies).
 *
 * @example
 * ```ts
 * const traced: FetchFunction = (url, init) => (log.debug('JWKS fetch', url), fetch(url, init))
 * ```
 */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>

/**
 * Options for `jwk.createRemoteKeySet`. Durations are in milliseconds.
 *
 * @example
 * ```ts
 * const options: RemoteKeySetOptions = { timeout: 2000, headers: { 'x-api-key': apiKey } }
 * ```
 */
export interface RemoteKeySetOptions {
  /** The most a fetch may take, headers and body, in ms. Default 5000. */
  timeout?: number
  /**
   * Once a set is this old, in ms, the next call starts a fetch in the background and is answered
   * from the set at hand. Default 600000 (10 min).
   */
  cacheMaxAge?: number
  /**
   * The least time between the end of one fetch and the start of the next, in ms, whatever asks
   * for it (an unknown `kid`, an expired cache, a failed fetch). `reload()` ignores it.
   * Default 30000.
   */
  cooldown?: number
  /** The largest response body accepted, in bytes. Default 524288 (512 KiB). */
  maxResponseBytes?: number
  /** The fetch function. Default: the global `fetch`. Redirects are never followed. */
  fetch?: FetchFunction
  /** Extra request headers, such as an API key. */
  headers?: Record<string, string>
  /**
   * Accept an `http:` URL on a host other than loopback. Insecure: anyone on the network path can
   * replace the keys and sign any token they like.
   */
  insecureAllowHttp?: boolean
  /** The clock, in ms since the epoch, for tests. Default `Date.now`. */
  now?: () => number
}

/** The options with every default filled in. */
export interface RemoteSettings {
  readonly url: URL
  /** The URL as it may appear in messages: origin and path, no query or fragment. */
  readonly where: string
  readonly timeout: number
  readonly cacheMaxAge: number
  readonly cooldown: number
  readonly maxResponseBytes: number
  readonly fetch: FetchFunction
  readonly headers: Readonly<Record<string, string>>
  readonly now: () => number
}

/** Default timeout, cache lifetime, cooldown and response limit. */
export const REMOTE_DEFAULTS = Object.freeze({
  timeout: 5000,
  cacheMaxAge: 600_000,
  cooldown: 30_000,
  maxResponseBytes: 512 * 1024,
})

/** Checks the URL and options; throws InvalidOptionsError for anything of the wrong shape. */
export function readRemoteOptions(input: unknown, options: unknown): RemoteSettings {
  if (options !== undefined && !isJsonObject(options)) {
    throw new InvalidOptionsError('options must be an object')
  }
  const opts = (options ?? {}) as RemoteKeySetOptions
  const url = readUrl(input, opts.insecureAllowHttp === true)
  const fetchFn = opts.fetch ?? globalThis.fetch
  if (typeof fetchFn !== 'function') throw new InvalidOptionsError('fetch must be a function')
  if (opts.now !== undefined && typeof opts.now !== 'function') {
    throw new InvalidOptionsError('now must be a function returning milliseconds')
  }
  return Object.freeze({
    url,
    where: `${url.origin}${url.pathname}`.slice(0, 200),
    timeout: readNumber(opts.timeout, 'timeout', REMOTE_DEFAULTS.timeout, 1),
    cacheMaxAge: readNumber(opts.cacheMaxAge, 'cacheMaxAge', REMOTE_DEFAULTS.cacheMaxAge, 0),
    cooldown: readNumber(opts.cooldown, 'cooldown', REMOTE_DEFAULTS.cooldown, 0),
    maxResponseBytes: readNumber(
      opts.maxResponseBytes,
      'maxResponseBytes',
      REMOTE_DEFAULTS.maxResponseBytes,
      1,
    ),
    fetch: fetchFn,
    headers: readHeaders(opts.headers),
    now: opts.now ?? Date.now,
  })
}

function readUrl(input: unknown, insecureAllowHttp: boolean): URL {
  if (typeof input !== 'string' && !(input instanceof URL)) {
    throw new InvalidOptionsError('the JWKS URL must be a string or a URL')
  }
  let url: URL
  try {
    url = new URL(String(input))
  } catch {
    throw new InvalidOptionsError('the JWKS URL is not a valid URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidOptionsError(`the JWKS URL must be https: (not ${url.protocol.slice(0, 16)})`)
  }
  if (url.protocol === 'http:' && !insecureAllowHttp && !isLoopback(url.hostname)) {
    throw new InvalidOptionsError(
      'the JWKS URL must be https: (http: is accepted only on loopback, or with insecureAllowHttp)',
    )
  }
  if (url.username !== '' || url.password !== '') {
    throw new InvalidOptionsError('the JWKS URL may not carry credentials; pass them in headers')
  }
  url.hash = ''
  return url
}

/** localhost, 127.0.0.0/8 and ::1 (the URL parser has already normalized other IPv4 spellings). */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

function readNumber(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidOptionsError(`${name} must be a number of at least ${min}`)
  }
  return value
}

function readHeaders(headers: unknown): Readonly<Record<string, string>> {
  if (headers === undefined) return {}
  if (!isJsonObject(headers) || Object.values(headers).some((v) => typeof v !== 'string')) {
    throw new InvalidOptionsError('headers must be an object of strings')
  }
  try {
    new Headers(headers as Record<string, string>)
  } catch {
    throw new InvalidOptionsError('headers holds a name or value HTTP does not allow')
  }
  return Object.freeze({ ...(headers as Record<string, string>) })
}
