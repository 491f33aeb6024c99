// Parsers for the values that name places: the database URL, CORS origins and trusted proxies.
import { isIP } from 'node:net'
import { ConfigProblem, parseList } from './config-values.js'

/** Where the data lives. Only SQLite for now. */
export interface DatabaseConfig {
  readonly kind: 'sqlite'
  /** A file path, or `:memory:` for a private in-memory database (tests). */
  readonly filename: string
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i

/**
 * A database URL: a SQLite file path (`./tessera.db`), `sqlite:path`, `sqlite://path`, `file:path`
 * or `:memory:`. PostgreSQL URLs are refused with a clear message until the server supports them.
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
    throw new ConfigProblem(
      'names PostgreSQL, which the server does not support yet; use a SQLite file such as ./tessera.db',
    )
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
