// Where a request came from, as stored with sessions and audit events: the client's IP address and
// user agent are the caller's text, so what is kept of them is bounded. An HTTP server already caps
// a header at a few KB; a library caller has no such cap, and every login attempt writes an event.

/** The most characters of a user agent kept: enough to tell browsers and devices apart. */
export const MAX_USER_AGENT = 512

/** The most characters of an IP address kept (an IPv6 address with a zone id fits). */
export const MAX_IP = 64

/**
 * A client's IP address or user agent as stored: null when absent or not text, else at most `max`
 * characters, cut between characters (never inside a surrogate pair), in {@link storableText}.
 *
 * @example
 * ```ts
 * keptOrigin(request.headers['user-agent'], MAX_USER_AGENT)
 * ```
 */
export function keptOrigin(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null
  let kept = value
  if (value.length > max) {
    const last = value.charCodeAt(max - 1)
    kept = value.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max)
  }
  return storableText(kept)
}

// A lone surrogate (which UTF-8 cannot encode) or a NUL (which PostgreSQL's text refuses).
// eslint-disable-next-line no-control-regex -- the NUL is what it looks for
const UNSTORABLE = /[\p{Surrogate}\u0000]/gu

/**
 * Text as every store keeps it: a lone surrogate, which a store writes as U+FFFD when it encodes
 * UTF-8, and a NUL, which PostgreSQL refuses, both replaced by U+FFFD. An audit event is hashed
 * after this, so its hash covers exactly what the store gives back.
 *
 * @example
 * ```ts
 * storableText('a\ud800b') // 'a\ufffdb'
 * ```
 */
export function storableText(value: string): string {
  UNSTORABLE.lastIndex = 0
  return UNSTORABLE.test(value) ? value.replace(UNSTORABLE, '\ufffd') : value
}
