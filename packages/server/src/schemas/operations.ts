// Schemas of the operational endpoints: liveness, readiness, Prometheus metrics and the OpenAPI
// document.
import { responses } from './common.js'

const tags = ['operations']

const status = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: { type: 'object', additionalProperties: { type: 'string' } },
  },
  required: ['status'],
} as const

/** GET /health */
export const healthSchema = {
  tags,
  summary: 'Liveness: the process answers',
  response: responses({ 200: status }),
} as const

/** GET /ready */
export const readySchema = {
  tags,
  summary:
    'Readiness: the store answers, the signing keys are loaded, and (with Redis) this instance is in step with the others',
  response: responses({ 200: status, 503: status }),
} as const

/** GET /metrics */
export const metricsSchema = {
  tags,
  summary: 'Prometheus metrics (text exposition format)',
  produces: ['text/plain'],
  response: responses({ 200: { type: 'string' } }),
} as const

/** GET /openapi.json */
export const openapiSchema = {
  tags,
  summary: 'This OpenAPI document',
  response: responses({ 200: { type: 'object', additionalProperties: true } }),
} as const
