// One fetch of a remote JWK Set: no redirects, status 200 only, the body read under a byte limit
// and a timeout, then parsed into a KeySet of public keys. Messages name the URL's origin and
// path, never the body.
import { Buffer } from 'node:buffer'
import {
  JOSEError,
  JWKSFetchError,
  JWKSInvalidError,
  JWKSTimeoutError,
  JWKSTooLargeError,
} from '../errors.js'
import { isJsonObject, parseJson, withinDepth } from '../internal/json.js'
import { DEFAULT_LIMITS } from '../internal/limits.js'
import { KeySet } from '../keys/key-set.js'
import type { JWKS } from '../keys/jwk-types.js'
import type { RemoteSettings } from './remote-options.js'

const ACCEPT = 'application/jwk-set+json, application/json;q=0.9'

/**
 * Fetches and parses the JWK Set. Throws JWKSFetchError, JWKSTimeoutError, JWKSTooLargeError or
 * JWKSInvalidError, and nothing else.
 */
export async function fetchJWKS(settings: RemoteSettings): Promise<KeySet> {
  // A timer of our own rather than AbortSignal.timeout, whose timer does not keep the process
  // alive: a fetch that ignores its signal would then leave callers waiting forever.
  const controller = new AbortController()
  const { signal } = controller
  const timer = setTimeout(() => controller.abort(new Error('timeout')), settings.timeout)
  try {
    const body = await untilAborted(download(settings, signal), signal)
    return parseJWKS(body, settings.where)
  } catch (err) {
    if (err instanceof JOSEError) throw err
    if (signal.aborted) {
      throw new JWKSTimeoutError(
        `the JWKS at ${settings.where} did not arrive within ${settings.timeout} ms`,
        { cause: err },
      )
    }
    throw new JWKSFetchError(`could not fetch the JWKS at ${settings.where}`, { cause: err })
  } finally {
    clearTimeout(timer)
  }
}

async function download(settings: RemoteSettings, signal: AbortSignal): Promise<Buffer> {
  const headers = new Headers(settings.headers)
  if (!headers.has('accept')) headers.set('accept', ACCEPT)
  const response = await settings.fetch(settings.url.href, {
    method: 'GET',
    headers,
    redirect: 'manual',
    signal,
  })
  const { status } = response
  const where = settings.where
  if (status !== 200) {
    discard(response)
    if ((status >= 300 && status < 400) || response.type === 'opaqueredirect') {
      throw new JWKSFetchError(
        `the JWKS endpoint at ${where} redirected (HTTP ${status}); ` +
          'redirects are not followed, so configure the final URL',
      )
    }
    throw new JWKSFetchError(`the JWKS endpoint at ${where} answered HTTP ${status}`)
  }
  const max = settings.maxResponseBytes
  const declared = Number(response.headers.get('content-length') ?? 0)
  if (declared > max) {
    discard(response)
    throw new JWKSTooLargeError(`the JWKS at ${where} is larger than ${max} bytes (declared)`)
  }
  if (response.body === null) return Buffer.alloc(0)
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > max || signal.aborted) {
      reader.cancel().catch(() => undefined)
      if (signal.aborted) throw signal.reason
      throw new JWKSTooLargeError(`the JWKS at ${where} is larger than ${max} bytes`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, total)
}

/** Parses a response body into a KeySet that holds only public keys. */
function parseJWKS(body: Buffer, where: string): KeySet {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body)
  } catch {
    throw new JWKSInvalidError(`the response from ${where} is not UTF-8 text`)
  }
  const json = parseJson(text)
  if (!isJsonObject(json) || !Array.isArray(json.keys)) {
    throw new JWKSInvalidError(`the response from ${where} is not a JWK Set (JSON with "keys")`)
  }
  if (!withinDepth(json, DEFAULT_LIMITS.maxJsonDepth)) {
    throw new JWKSInvalidError(`the JWK Set from ${where} nests too deeply`)
  }
  let set: KeySet
  try {
    set = new KeySet(json as JWKS)
  } catch (err) {
    const reason = err instanceof JOSEError ? err.message : 'invalid'
    throw new JWKSInvalidError(`the JWK Set from ${where} is invalid: ${reason}`, { cause: err })
  }
  // A published set holds public keys. A secret in it is known to anyone who can read the URL, so
  // trusting it would accept tokens from anyone; a private key there is a leak to be fixed.
  if (set.keys.some((key) => key.type !== 'public')) {
    throw new JWKSInvalidError(`the JWK Set from ${where} holds secret or private keys`)
  }
  return set
}

/** Rejects with the signal's reason once it aborts, even if `work` ignores the signal. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    work
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort))
      .catch(() => undefined)
  })
}

/** Drops a body we will not read, so the connection is freed. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined)
}
