// Request rate and latency by route, into the app's Prometheus registry. The route label is the
// route's pattern (`/t/:tenant/auth/login`), never the raw URL, so labels stay few.
import type { PromMetrics } from '../metrics.js'
import { globalPlugin } from './global.js'

/** Options for {@link requestMetrics}. */
export interface RequestMetricsOptions extends Record<string, unknown> {
  metrics: PromMetrics
}

/** Times every request and counts it by method, route and status. */
export const requestMetrics = globalPlugin<RequestMetricsOptions>(
  'tessera-request-metrics',
  async (app, { metrics }) => {
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched'
      metrics.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000)
      done()
    })
  },
)
