// Where a request came from, as stored with sessions and audit events: the client's IP address and
// user agent are the caller's text, so what is kept of them is bounded. An HTTP server already caps
// a header at a few KB; a library caller has no such cap, and every login attempt writes an event.

/** The most characters of a user agent kept: enough to tell browsers and devices apart. */
export const MAX_USER_AGENT = 512

/** The most characters of an IP address kept (an IPv6 address with a zone id fits). */
export const MAX_IP = 64

/**
 * A client's IP address or user agent as stored: null when absent or not text, else at most `max`
 * characters.
 *
 * @example
 * ```ts
 * keptOrigin(request.headers['user-agent'], MAX_USER_AGENT)
 * ```
 */
export function keptOrigin(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null
  return value.length > max ? value.slice(0, max) : value
}
