// Parsers for the values that name places: the database URL, CORS origins and trusted proxies.
import { isIP } from 'node:net'
import { ConfigProblem, parseList } from './config-values.js'

/** Where the data lives: an embedded SQLite file, or a PostgreSQL server shared by instances. */
export type DatabaseConfig = SqliteDatabaseConfig | PostgresDatabaseConfig

/** An embedded SQLite file. */
export interface SqliteDatabaseConfig {
  readonly kind: 'sqlite'
  /** A file path, or `:memory:` for a private in-memory database (tests). */
  readonly filename: string
}

/** A PostgreSQL server. */
export interface PostgresDatabaseConfig {
  readonly kind: 'postgres'
  /** The connection URL as given (it may hold a password: never log it). */
  readonly url: string
  /** The URL with any password replaced by `***`, for messages. */
  readonly display: string
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i

/**
 * A database URL: a SQLite file path (`./tessera.db`), `sqlite:path`, `sqlite://path`, `file:path`
 * or `:memory:`; or a PostgreSQL URL (`postgres://user@host:5432/db`).
 *
 * @param text - the variable's value
 * @example
 * ```ts
 * parseDatabaseUrl('sqlite:///var/lib/tessera/tessera.db') // { kind: 'sqlite', filename: '/var/lib/tessera/tessera.db' }
 * ```
 */
export function parseDatabaseUrl(text: string): DatabaseConfig {
  const value = text.trim()
  if (value === ':memory:' || value === 'sqlite::memory:')
    return { kind: 'sqlite', filename: ':memory:' }
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase()
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const display = redactUrl(value)
    if (display === undefined) {
      throw new ConfigProblem('is not a valid PostgreSQL URL (postgres://user@host:5432/database)')
    }
    return { kind: 'postgres', url: value, display }
  }
  if (scheme === undefined || scheme.length === 1) return { kind: 'sqlite', filename: value }
  if (scheme !== 'sqlite' && scheme !== 'file') {
    throw new ConfigProblem(`uses the unsupported scheme "${scheme}:"; use a SQLite file path`)
  }
  const rest = value.slice(scheme.length + 1)
  const filename = rest.startsWith('//') ? rest.slice(2) : rest
  if (filename.length === 0) throw new ConfigProblem('must name a file')
  return { kind: 'sqlite', filename }
}

/**
 * A redis: or rediss: URL, checked.
 *
 * @param text - the variable's value
 * @example
 * ```ts
 * parseRedisUrl('redis://127.0.0.1:6379') // 'redis://127.0.0.1:6379'
 * ```
 */
export function parseRedisUrl(text: string): string {
  const value = text.trim()
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase()
  if ((scheme !== 'redis' && scheme !== 'rediss') || redactUrl(value) === undefined) {
    throw new ConfigProblem('must be a redis:// or rediss:// URL (redis://host:6379)')
  }
  return value
}

/**
 * A URL with its password replaced by `***`, or undefined when it does not parse.
 *
 * @param text - a URL that may hold a password
 * @example
 * ```ts
 * redactUrl('postgres://app:s3cret@db/tessera') // 'postgres://app:***@db/tessera'
 * ```
 */
export function redactUrl(text: string): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  if (url.password !== '') url.password = '***'
  return url.toString()
}

/**
 * CORS origins: `*`, or a comma-separated list of origins (`https://app.example.com`).
 *
 * @param text - the variable's value
 * @example
 * ```ts
 * parseOrigins('https://a.example, http://localhost:3000') // ['https://a.example', 'http://localhost:3000']
 * ```
 */
export function parseOrigins(text: string): string[] {
  const origins = parseList(text)
  if (origins.includes('*')) {
    if (origins.length > 1) throw new ConfigProblem('must be * alone, or a list of origins')
    return origins
  }
  for (const origin of origins) {
    let parsed: URL | undefined
    try {
      parsed = new URL(origin)
    } catch {
      parsed = undefined
    }
    if (parsed === undefined || parsed.origin !== origin) {
      throw new ConfigProblem('must hold origins such as https://app.example.com (no path)')
    }
  }
  return origins
}

const PROXY_KEYWORDS = ['loopback', 'linklocal', 'uniquelocal']

/**
 * Trusted proxies: IP addresses, CIDR ranges, or `loopback`, `linklocal`, `uniquelocal`.
 *
 * @param text - the variable's value
 * @example
 * ```ts
 * parseProxies('10.0.0.0/8, loopback') // ['10.0.0.0/8', 'loopback']
 * ```
 */
export function parseProxies(text: string): string[] {
  const proxies = parseList(text)
  for (const proxy of proxies) {
    if (PROXY_KEYWORDS.includes(proxy)) continue
    const [address = '', prefix, ...rest] = proxy.split('/')
    const family = isIP(address)
    const maxPrefix = family === 6 ? 128 : 32
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= maxPrefix)
    if (family === 0 || !prefixOk || rest.length > 0) {
      throw new ConfigProblem(
        'must hold IP addresses, CIDR ranges or loopback/linklocal/uniquelocal',
      )
    }
  }
  return proxies
}
