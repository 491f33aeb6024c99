// Refresh chains for autocannon: each request sends the latest refresh token of its chain, so a
// benchmark measures rotation (not reuse detection or grace-window retries). Shared by the HTTP
// and the many-instance benchmarks.
import type { Request } from 'autocannon'

const json = { 'content-type': 'application/json' }

/** Requests that send, per chain, the latest refresh token (one chain per connection). */
export function refreshRequests(tokens: string[]): Request[] {
  const pool = [...tokens]
  return [
    {
      method: 'POST',
      path: '/auth/refresh',
      headers: json,
      setupRequest: (request, context) => {
        const token = pool.pop()
        if (token === undefined) throw new Error('the refresh pool ran dry')
        context.token = token
        return { ...request, body: JSON.stringify({ refresh_token: token }) }
      },
      onResponse: (status, body, context) => {
        // A failed refresh gives its token back, so the chain goes on (and the failure is counted).
        pool.push(
          status === 200
            ? (JSON.parse(body) as { refresh_token: string }).refresh_token
            : String(context.token),
        )
      },
    },
  ]
}
