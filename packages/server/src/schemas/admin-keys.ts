// Schemas of the admin routes for credentials: sessions of any user, API keys and signing keys.
import { names, optionalTime, responses, time } from './common.js'
import { sessionList } from './auth.js'

const tags = ['admin']
const security = [{ bearer: [] }]
const id = { type: 'string', minLength: 1, maxLength: 128 } as const
const ended = {
  type: 'object',
  properties: { sessions_ended: { type: 'integer' } },
  required: ['sessions_ended'],
} as const

/** The admin session routes, by operation. */
export const adminSessionSchemas = {
  list: {
    tags,
    security,
    summary: "A user's sessions, newest first",
    params: { type: 'object', properties: { id }, required: ['id'] },
    response: responses({ 200: sessionList }),
  },
  end: {
    tags,
    security,
    summary: "End one of a user's sessions",
    params: { type: 'object', properties: { id, sid: id }, required: ['id', 'sid'] },
    response: responses({ 200: ended }),
  },
  endAll: {
    tags,
    security,
    summary: 'End every session of a user and revoke every token they hold',
    params: { type: 'object', properties: { id }, required: ['id'] },
    response: responses({ 200: ended }),
  },
} as const

const apiKey = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    scopes: names,
    created_at: time,
    expires_at: optionalTime,
    last_used_at: optionalTime,
    revoked_at: optionalTime,
  },
} as const

/** The body of POST /admin/api-keys. */
export interface CreateApiKeyBody {
  name: string
  scopes?: string[]
  expires_at?: string
}

/** The admin API-key routes, by operation. */
export const apiKeySchemas = {
  list: {
    tags,
    security,
    summary: "The tenant's API keys (never their secrets)",
    response: responses({
      200: { type: 'object', properties: { api_keys: { type: 'array', items: apiKey } } },
    }),
  },
  create: {
    tags,
    security,
    summary: 'Create an API key; the response is the only time the key is shown',
    body: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200 },
        scopes: { ...names, maxItems: 100 },
        expires_at: time,
      },
      required: ['name'],
      additionalProperties: false,
    },
    response: responses({
      201: {
        type: 'object',
        properties: { key: { type: 'string' }, api_key: apiKey },
        required: ['key', 'api_key'],
      },
    }),
  },
  revoke: {
    tags,
    security,
    summary: 'Revoke an API key',
    params: { type: 'object', properties: { id }, required: ['id'] },
    response: responses({
      200: { type: 'object', properties: { revoked: { type: 'boolean' } }, required: ['revoked'] },
    }),
  },
} as const

const signingKey = {
  type: 'object',
  properties: {
    kid: { type: 'string' },
    alg: { type: 'string' },
    state: { type: 'string', enum: ['next', 'active', 'retired', 'revoked'] },
    created_at: time,
    activates_at: time,
    retired_at: optionalTime,
    remove_at: optionalTime,
    public_jwk: { type: ['object', 'null'], additionalProperties: true },
  },
} as const

/** The admin signing-key routes, by operation. */
export const signingKeySchemas = {
  list: {
    tags,
    security,
    summary: "The tenant's signing keys in every state (no private material)",
    response: responses({
      200: { type: 'object', properties: { keys: { type: 'array', items: signingKey } } },
    }),
  },
  rotate: {
    tags,
    security,
    summary: 'Start a rotation: the next key is published now and signs after pre-publication',
    response: responses({ 200: { type: 'object', properties: { kid: { type: 'string' } } } }),
  },
  revoke: {
    tags,
    security,
    summary: 'Emergency revocation: the key leaves the JWKS at once; its tokens stop validating',
    params: { type: 'object', properties: { kid: id }, required: ['kid'] },
    response: responses({ 204: { type: 'null' } }),
  },
} as const
