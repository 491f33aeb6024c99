// A JWK Set fetched from a URL and kept: refreshed in the background after cacheMaxAge, fetched
// again at most once per cooldown (an unknown kid asks for it, so rotation works without a
// restart), one request however many callers wait, and the last good set served while the server
// is down, slow or sends garbage.
import { getSignatureAlgorithm, type SignatureAlgorithm } from '../algorithms/registry.js'
import { JWSAlgorithmError, JWSError } from '../errors.js'
import { isJsonObject } from '../internal/json.js'
import type { Key } from '../keys/key.js'
import type { KeySet } from '../keys/key-set.js'
import { fetchJWKS } from './fetch-jwks.js'
import {
  readRemoteOptions,
  type RemoteKeySetOptions,
  type RemoteSettings,
} from './remote-options.js'

/**
 * A JWK Set at a URL, fetched on first use and kept. Make one per URL with
 * {@link createRemoteKeySet} and share it: the cache, the cooldown and the in-flight request live
 * here. Pass it to `jwt.decodeAsync` or `jwt.createAsyncVerifier` as the key.
 *
 * @example
 * ```ts
 * const keys = jwk.createRemoteKeySet('https://id.example/.well-known/jwks.json')
 * const claims = await jwt.decodeAsync(token, keys, { algorithms: ['RS256'], audience: 'api' })
 * ```
 */
export class RemoteKeySet {
  /** The URL the set is fetched from. */
  readonly url: string
  readonly #settings: RemoteSettings
  #set: KeySet | undefined
  /** When #set arrived (ms, by the settings' clock). */
  #fetchedAt = 0
  /** When the last fetch ended, well or badly; undefined before the first one. */
  #lastAttempt: number | undefined
  /** Why the last fetch failed, or undefined if it succeeded. */
  #lastError: unknown
  /** The fetch under way, shared by every caller that wants one. */
  #inflight: Promise<KeySet> | undefined

  /**
   * Checks the URL and options; nothing is fetched until a key is needed. Prefer
   * {@link createRemoteKeySet}.
   *
   * @param url - an https: URL (http: only on loopback, or with `insecureAllowHttp`)
   * @param options - timeout, cacheMaxAge, cooldown, maxResponseBytes, fetch, headers
   * @throws InvalidOptionsError for a URL or option of the wrong shape
   */
  constructor(url: string | URL, options?: RemoteKeySetOptions) {
    this.#settings = readRemoteOptions(url, options)
    this.url = this.#settings.url.href
  }

  /**
   * The current set. The first call fetches it; later calls return the cached set at once, and once
   * it is older than `cacheMaxAge` they also start a fetch in the background (stale-while-
   * revalidate), so no caller waits on the server while a good set is at hand. A failed fetch
   * keeps the set we have (stale-if-error).
   *
   * @throws JWKSFetchError, JWKSTimeoutError, JWKSTooLargeError or JWKSInvalidError only while no
   *   set has ever been fetched
   *
   * @example
   * ```ts
   * const set = await keys.getKeySet()
   * set.get('2024-05') // the keys with that kid
   * ```
   */
  async getKeySet(): Promise<KeySet> {
    const set = this.#set
    if (set === undefined) return this.#refresh()
    if (this.#settings.now() - this.#fetchedAt >= this.#settings.cacheMaxAge) {
      this.#refresh().catch(() => undefined)
    }
    return set
  }

  /**
   * Fetches the set now, ignoring the cache and the cooldown (but joining a fetch already under
   * way). Unlike getKeySet it reports a failure even when an older set exists; that set is kept.
   *
   * @example
   * ```ts
   * await keys.reload() // at start-up, to fail fast on a wrong URL
   * ```
   */
  reload(): Promise<KeySet> {
    this.#inflight ??= this.#download()
    return this.#inflight
  }

  /**
   * The keys that may verify a token with this header and algorithm: those with the header's `kid`
   * (any, when it has none) that can serve `alg`. When none match, the set is fetched again (at
   * most once per cooldown) and searched once more, so a key published after the last fetch is
   * found. An empty result means no key can verify the token; when the kid is unknown and the key
   * server cannot be reached, the fetch error is thrown instead (the token may be valid).
   *
   * @param header - the token's protected header
   * @param alg - the algorithm, already checked against the caller's allow-list
   * @throws JWSError for a header that is not an object or a `kid` that is not a string,
   *   JWSAlgorithmError for an unknown `alg`, and a fetch error as described above
   *
   * @example
   * ```ts
   * const candidates = await keys.resolve(jws.getUnverifiedHeader(token), 'ES256')
   * ```
   */
  async resolve(header: Record<string, unknown>, alg: SignatureAlgorithm | string): Promise<Key[]> {
    // A caller in plain JavaScript can pass anything; refuse it as a compact JWS's header would be.
    if (!isJsonObject(header)) throw new JWSError('the header is not a JSON object')
    // A registry entry is looked up again by name, so only a genuine entry is ever used.
    const entry = getSignatureAlgorithm(typeof alg === 'string' ? alg : alg?.name)
    if (entry === undefined) {
      const shown = typeof alg === 'string' ? `"${alg.slice(0, 32)}"` : `(a ${typeof alg})`
      throw new JWSAlgorithmError(`unknown signature algorithm ${shown}`)
    }
    const kid = header.kid
    if (kid !== undefined && typeof kid !== 'string') throw new JWSError('"kid" must be a string')
    const set = await this.getKeySet()
    const found = set.candidates(entry, kid)
    if (found.length > 0) return found
    const fresher = await this.#refresh()
    // The kid is unknown and the key server could not be asked (it failed now, or failed within the
    // cooldown): say so, so that a valid token signed with a new key is "try later", not "invalid".
    if (fresher === set && this.#lastError !== undefined) throw this.#lastError
    return fresher === set ? found : fresher.candidates(entry, kid)
  }

  // A fetch, unless one ended less than `cooldown` ago; then (and when the fetch fails) the set we
  // have, or the last failure when we have none.
  async #refresh(): Promise<KeySet> {
    const last = this.#lastAttempt
    const coolingDown =
      this.#inflight === undefined &&
      last !== undefined &&
      this.#settings.now() - last < this.#settings.cooldown
    if (coolingDown) {
      if (this.#set !== undefined) return this.#set
      throw this.#lastError
    }
    try {
      return await this.reload()
    } catch (err) {
      if (this.#set !== undefined) return this.#set
      throw err
    }
  }

  async #download(): Promise<KeySet> {
    try {
      const set = await fetchJWKS(this.#settings)
      this.#set = set
      this.#fetchedAt = this.#settings.now()
      this.#lastError = undefined
      return set
    } catch (err) {
      this.#lastError = err
      throw err
    } finally {
      this.#lastAttempt = this.#settings.now()
      this.#inflight = undefined
    }
  }
}

/**
 * Makes a {@link RemoteKeySet}: a JWK Set at an https URL, fetched on first use, refreshed in the
 * background once older than `cacheMaxAge`, fetched again (at most once per `cooldown`) when a
 * token names a `kid` it does not hold, and served from the last good copy while the server fails.
 * Concurrent callers share one request. Redirects are not followed.
 *
 * @param url - an https: URL (http: only on loopback, or with `insecureAllowHttp`)
 * @param options - durations in ms: `timeout` (5000), `cacheMaxAge` (600000), `cooldown` (30000);
 *   `maxResponseBytes` (524288), `fetch`, `headers`
 * @throws InvalidOptionsError for a URL or option of the wrong shape
 *
 * @example
 * ```ts
 * const keys = jwk.createRemoteKeySet('https://id.example/.well-known/jwks.json', {
 *   timeout: 2000,
 * })
 * const verify = jwt.createAsyncVerifier({ key: keys, algorithms: ['ES256'], audience: 'api' })
 * const claims = await verify(token)
 * ```
 */
export function createRemoteKeySet(url: string | URL, options?: RemoteKeySetOptions): RemoteKeySet {
  return new RemoteKeySet(url, options)
}
