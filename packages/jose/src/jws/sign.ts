import { getSignatureAlgorithm } from '../algorithms/registry.js'
import { encodeBase64url } from '../internal/base64url.js'
import { isJsonObject, stringifyJson } from '../internal/json.js'
import { resolveSingleKey, type KeyInput } from '../keys/import.js'
import type { Key } from '../keys/key.js'
import { JWSAlgorithmError, JWSError } from '../errors.js'
import { readOptions } from '../internal/options.js'
import { checkCritical, understoodExtensions } from './header.js'

/** Options for {@link sign}. */
export interface JWSSignOptions {
  /** The algorithm; defaults to the key's own `alg`, else HS256 (as python-jose). */
  algorithm?: string
  /** Extra protected header members. `alg` is always the algorithm used. */
  headers?: Record<string, unknown>
  /** Sign with a key that is too weak for the algorithm. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/** A JWS payload: a JSON object, text (signed as UTF-8) or bytes. */
export type JWSPayload = Record<string, unknown> | string | Uint8Array

/**
 * Signs a payload and returns the compact JWS, like python-jose's `jws.sign`. The key's `kid` goes
 * into the header unless `headers` sets one.
 *
 * @example
 * ```ts
 * const key = jwk.generate('ES256')
 * const compact = jws.sign({ hello: 'world' }, key, { algorithm: 'ES256' })
 * ```
 */
export function sign(payload: JWSPayload, key: KeyInput, opts?: JWSSignOptions): string {
  const options = readOptions(opts)
  const signingKey = resolveSingleKey(key)
  const alg = signingAlgorithm(options.algorithm, signingKey)
  const header = buildHeader(alg, signingKey, options.headers, undefined)
  const signingInput = `${encodeHeader(header)}.${encodePayload(payload)}`
  const signature = signingKey.signerFor(alg, options.insecureAllowWeakKeys === true)(signingInput)
  return `${signingInput}.${signature}`
}

/** Resolves the algorithm to sign with: the option, else the key's `alg`, else HS256. */
export function signingAlgorithm(name: string | undefined, key: Key) {
  const chosen = name ?? key.alg ?? 'HS256'
  const alg = getSignatureAlgorithm(chosen)
  if (alg === undefined) {
    throw new JWSAlgorithmError(`cannot sign with the algorithm "${String(chosen).slice(0, 32)}"`)
  }
  return alg
}

/** Builds a protected header: `typ` (if given), the caller's members, the key's `kid`, then `alg`. */
export function buildHeader(
  alg: { name: string },
  key: Key,
  headers: Record<string, unknown> | undefined,
  typ: string | undefined,
): Record<string, unknown> {
  if (headers !== undefined && !isJsonObject(headers))
    throw new JWSError('headers must be an object')
  const header: Record<string, unknown> = { alg: alg.name }
  if (typ !== undefined) header.typ = typ
  if (key.kid !== undefined) header.kid = key.kid
  Object.assign(header, headers)
  header.alg = alg.name
  if (header.crit !== undefined) {
    const names = Array.isArray(header.crit) ? (header.crit as string[]) : []
    checkCritical(header, understoodExtensions(names))
  }
  return header
}

function encodePayload(payload: unknown): string {
  if (typeof payload === 'string') return encodeBase64url(payload)
  if (payload instanceof Uint8Array) return encodeBase64url(payload)
  const json = isJsonObject(payload) ? stringifyJson(payload) : undefined
  if (json !== undefined) return encodeBase64url(json)
  throw new JWSError('the payload must be a JSON-serializable object, a string or bytes')
}

/** Encodes a protected header; headers holding values JSON cannot represent are refused. */
export function encodeHeader(header: Record<string, unknown>): string {
  const json = stringifyJson(header)
  if (json === undefined) throw new JWSError('the header cannot be serialized as JSON')
  return encodeBase64url(json)
}
