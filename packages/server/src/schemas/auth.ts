// Schemas of the user endpoints under /auth.
import {
  auditPage,
  auditPaging,
  claims,
  names,
  optionalString,
  optionalTime,
  responses,
  time,
  tokenBody,
  tokenResponse,
} from './common.js'

const tags = ['auth']
const security = [{ bearer: [] }]

/** POST /auth/login */
export const loginSchema = {
  tags,
  summary: 'Log in with a username (or email) and password; opens a session for this device',
  body: {
    type: 'object',
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 254 },
      password: { type: 'string', minLength: 1, maxLength: 4096 },
      device: { type: 'string', maxLength: 128, description: 'A label for the device' },
    },
    required: ['username', 'password'],
    additionalProperties: false,
  },
  response: responses({ 200: tokenResponse }),
} as const

/** The body of POST /auth/login. */
export interface LoginBody {
  username: string
  password: string
  device?: string
}

/** POST /auth/refresh */
export const refreshSchema = {
  tags,
  summary: 'Rotate a refresh token: the presented one is consumed, a new pair returned',
  body: {
    type: 'object',
    properties: { refresh_token: { type: 'string', minLength: 1, maxLength: 512 } },
    required: ['refresh_token'],
    additionalProperties: false,
  },
  response: responses({ 200: tokenResponse }),
} as const

/** The body of POST /auth/refresh. */
export interface RefreshBody {
  refresh_token: string
}

const ended = {
  type: 'object',
  properties: { sessions_ended: { type: 'integer' } },
  required: ['sessions_ended'],
} as const

/** POST /auth/logout */
export const logoutSchema = {
  tags,
  security,
  summary: 'End this session (by its access token, or by its refresh token in the body)',
  body: {
    type: ['object', 'null'],
    properties: { refresh_token: { type: 'string', minLength: 1, maxLength: 512 } },
    additionalProperties: false,
  },
  response: responses({ 200: ended }),
} as const

/** POST /auth/logout-all */
export const logoutAllSchema = {
  tags,
  security,
  summary: 'End every session of the caller, on every device, and revoke every token they hold',
  response: responses({ 200: ended }),
} as const

/** GET /auth/me */
export const meSchema = {
  tags,
  security,
  summary: 'The calling user',
  response: responses({
    200: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        username: { type: 'string' },
        email: optionalString,
        roles: names,
        scopes: names,
        tenant: { type: 'string' },
        session_id: { type: 'string' },
        created_at: time,
        password_changed_at: time,
      },
    },
  }),
} as const

/** A session as the API shows it. */
export const session = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    client_id: { type: 'string' },
    device: optionalString,
    user_agent: optionalString,
    first_ip: optionalString,
    last_ip: optionalString,
    created_at: time,
    last_used_at: time,
    expires_at: time,
    revoked_at: optionalTime,
    revoked_reason: optionalString,
    current: { type: 'boolean' },
  },
} as const

/** A list of sessions. */
export const sessionList = {
  type: 'object',
  properties: { sessions: { type: 'array', items: session } },
  required: ['sessions'],
} as const

/** GET /auth/sessions */
export const sessionsSchema = {
  tags,
  security,
  summary: "The caller's sessions, newest first, active and ended",
  response: responses({ 200: sessionList }),
} as const

/** DELETE /auth/sessions/:id */
export const endSessionSchema = {
  tags,
  security,
  summary: 'End one of the caller’s sessions',
  params: {
    type: 'object',
    properties: { id: { type: 'string', minLength: 1, maxLength: 128 } },
    required: ['id'],
  },
  response: responses({ 200: ended }),
} as const

/** POST /auth/password */
export const passwordSchema = {
  tags,
  security,
  summary: 'Change the password; every other session of the caller ends',
  body: {
    type: 'object',
    properties: {
      current_password: { type: 'string', minLength: 1, maxLength: 4096 },
      new_password: { type: 'string', minLength: 1, maxLength: 4096 },
    },
    required: ['current_password', 'new_password'],
    additionalProperties: false,
  },
  response: responses({ 200: ended }),
} as const

/** The body of POST /auth/password. */
export interface PasswordBody {
  current_password: string
  new_password: string
}

/** GET /auth/audit-log */
export const ownAuditSchema = {
  tags,
  security,
  summary: "The caller's own audit events, newest first",
  querystring: { type: 'object', properties: auditPaging, additionalProperties: false },
  response: responses({ 200: auditPage }),
} as const

/** The paging query of audit reads. */
export interface AuditPagingQuery {
  cursor?: string
  limit?: number
  from?: string
  to?: string
}

/** GET /auth/validate */
export const validateSchema = {
  tags: ['tokens'],
  security,
  summary: 'Validate the Bearer access token: 200 with its claims, or 401 (RFC 6750)',
  response: responses({ 200: claims }),
} as const

/** POST /auth/revoke */
export const revokeSchema = {
  tags: ['tokens'],
  summary: 'Revoke an access token (by its jti) or a refresh token (with its whole session)',
  body: { ...tokenBody, additionalProperties: false },
  response: responses({
    200: {
      type: 'object',
      properties: { revoked: { type: 'boolean' } },
      required: ['revoked'],
    },
  }),
} as const
