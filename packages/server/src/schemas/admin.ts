// Schemas of the admin API under /admin: users and the audit log (tenants, sessions and keys are in
// the admin-*.ts files). Every route needs the admin role or an API key with the admin scope.
import { AUDIT_EVENT_TYPES, AUDIT_SEVERITIES } from '@tessera/tokens'
import {
  auditPage,
  auditPaging,
  names,
  optionalString,
  optionalTime,
  responses,
  time,
} from './common.js'

const security = [{ bearer: [] }]
const id = { type: 'string', minLength: 1, maxLength: 128 } as const
const idParams = { type: 'object', properties: { id }, required: ['id'] } as const

const user = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    email: optionalString,
    roles: names,
    scopes: names,
    disabled: { type: 'boolean' },
    failed_attempts: { type: 'integer' },
    locked_until: optionalTime,
    password_changed_at: time,
    created_at: time,
    updated_at: time,
  },
} as const

/** The body of POST /admin/users. */
export interface CreateUserBody {
  username: string
  email?: string
  password: string
  roles?: string[]
  scopes?: string[]
}

/** The body of PATCH /admin/users/:id. */
export interface UpdateUserBody {
  roles?: string[]
  scopes?: string[]
  disabled?: boolean
}

const userOp = (summary: string) =>
  ({
    tags: ['admin'],
    security,
    summary,
    params: idParams,
    response: responses({ 200: user }),
  }) as const

/** The admin user routes, by operation. */
export const userSchemas = {
  list: {
    tags: ['admin'],
    security,
    summary: 'Every user of the tenant',
    response: responses({
      200: { type: 'object', properties: { users: { type: 'array', items: user } } },
    }),
  },
  create: {
    tags: ['admin'],
    security,
    summary: 'Create a user',
    body: {
      type: 'object',
      properties: {
        username: { type: 'string', minLength: 1, maxLength: 254 },
        email: { type: 'string', minLength: 3, maxLength: 254 },
        password: { type: 'string', minLength: 1, maxLength: 4096 },
        roles: { ...names, maxItems: 100 },
        scopes: { ...names, maxItems: 100 },
      },
      required: ['username', 'password'],
      additionalProperties: false,
    },
    response: responses({ 201: user }),
  },
  get: userOp('One user'),
  update: {
    ...userOp("Change a user's roles or scopes, or disable (ending every session) or enable them"),
    body: {
      type: 'object',
      properties: {
        roles: { ...names, maxItems: 100 },
        scopes: { ...names, maxItems: 100 },
        disabled: { type: 'boolean' },
      },
      additionalProperties: false,
    },
  },
  unlock: userOp('Lift a lockout'),
  remove: {
    tags: ['admin'],
    security,
    summary: 'Delete a user, ending every session',
    params: idParams,
    response: responses({ 204: { type: 'null' } }),
  },
} as const

/** The audit query filters of the admin API. */
export const auditFilters = {
  ...auditPaging,
  type: { type: 'array', items: { type: 'string', enum: [...AUDIT_EVENT_TYPES] } },
  severity: { type: 'array', items: { type: 'string', enum: [...AUDIT_SEVERITIES] } },
  actor: { type: 'string', maxLength: 256 },
  user_id: { type: 'string', maxLength: 256 },
  session_id: { type: 'string', maxLength: 256 },
  jti: { type: 'string', maxLength: 256 },
  ip: { type: 'string', maxLength: 256 },
} as const

const { cursor: _cursor, limit: _limit, ...exportFilters } = auditFilters

/** The admin audit routes, by operation. */
export const auditSchemas = {
  query: {
    tags: ['admin'],
    security,
    summary: "The tenant's audit events matching every filter, newest first",
    querystring: { type: 'object', properties: auditFilters, additionalProperties: false },
    response: responses({ 200: auditPage }),
  },
  export: {
    tags: ['admin'],
    security,
    summary: 'Every matching event as NDJSON (one stored event per line)',
    produces: ['application/x-ndjson'],
    querystring: {
      type: 'object',
      properties: exportFilters,
      additionalProperties: false,
    },
    response: responses({ 200: { type: 'string' } }),
  },
  verify: {
    tags: ['admin'],
    security,
    summary: "Verify the tenant's audit hash chain",
    response: responses({
      200: {
        type: 'object',
        properties: {
          ok: { type: 'boolean' },
          checked: { type: 'integer' },
          broken_at_seq: { type: 'integer' },
          reason: { type: 'string' },
        },
        required: ['ok'],
      },
    }),
  },
} as const
