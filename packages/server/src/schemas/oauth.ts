// Schemas of the OAuth 2 endpoints: /oauth/token (RFC 6749), /oauth/introspect (RFC 7662),
// /oauth/revoke (RFC 7009) and the well-known documents (RFC 7517 JWKS, RFC 8414 metadata).
import { names, responses, tokenBody, tokenResponse } from './common.js'

const tags = ['oauth']

// These forms take parameters they do not know (RFC 6749 §3.2: unrecognized request parameters
// are ignored; RFC 7009 and RFC 7662 extend it), so no `additionalProperties: false` here: the
// known ones keep their checks, the body its size limit.

/** POST /oauth/token */
export const tokenSchema = {
  tags,
  summary: 'Token endpoint: password, refresh_token and client_credentials grants (form-encoded)',
  consumes: ['application/x-www-form-urlencoded'],
  body: {
    type: 'object',
    properties: {
      grant_type: { type: 'string', minLength: 1, maxLength: 128 },
      username: { type: 'string', minLength: 1, maxLength: 254 },
      password: { type: 'string', minLength: 1, maxLength: 4096 },
      refresh_token: { type: 'string', minLength: 1, maxLength: 512 },
      scope: { type: 'string', maxLength: 2048 },
      client_id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' },
      client_secret: { type: 'string', maxLength: 512 },
    },
    required: ['grant_type'],
  },
  response: responses({ 200: tokenResponse }),
} as const

/** The form of POST /oauth/token. */
export interface TokenForm {
  grant_type: string
  username?: string
  password?: string
  refresh_token?: string
  scope?: string
  client_id?: string
  client_secret?: string
}

/** POST /oauth/introspect */
export const introspectSchema = {
  tags,
  summary: 'Token introspection (RFC 7662); needs an API key with the introspect scope',
  security: [{ basic: [] }, { bearer: [] }],
  consumes: ['application/x-www-form-urlencoded'],
  body: tokenBody,
  response: responses({
    200: {
      type: 'object',
      properties: {
        active: { type: 'boolean' },
        token_type: { type: 'string' },
        scope: { type: 'string' },
        client_id: { type: 'string' },
        sub: { type: 'string' },
        aud: { type: 'string' },
        iss: { type: 'string' },
        exp: { type: 'integer' },
        iat: { type: 'integer' },
        jti: { type: 'string' },
        tid: { type: 'string' },
        sid: { type: 'string' },
        roles: names,
      },
      required: ['active'],
    },
  }),
} as const

/** POST /oauth/revoke */
export const oauthRevokeSchema = {
  tags,
  summary: 'Token revocation (RFC 7009): always 200, whether or not the token was valid',
  consumes: ['application/x-www-form-urlencoded'],
  body: tokenBody,
  response: responses({ 200: { type: 'null', description: 'Empty' } }),
} as const

/** GET /.well-known/jwks.json */
export const jwksSchema = {
  tags,
  summary: "The tenant's public signing keys (RFC 7517)",
  response: responses({
    200: {
      type: 'object',
      properties: {
        keys: { type: 'array', items: { type: 'object', additionalProperties: true } },
      },
      required: ['keys'],
    },
  }),
} as const

const strings = { type: 'array', items: { type: 'string' } } as const

/** GET /.well-known/oauth-authorization-server */
export const metadataSchema = {
  tags,
  summary: 'Authorization server metadata (RFC 8414)',
  response: responses({
    200: {
      type: 'object',
      properties: {
        issuer: { type: 'string' },
        token_endpoint: { type: 'string' },
        jwks_uri: { type: 'string' },
        introspection_endpoint: { type: 'string' },
        revocation_endpoint: { type: 'string' },
        response_types_supported: strings,
        grant_types_supported: strings,
        token_endpoint_auth_methods_supported: strings,
        introspection_endpoint_auth_methods_supported: strings,
        revocation_endpoint_auth_methods_supported: strings,
        scopes_supported: strings,
        service_documentation: { type: 'string' },
      },
      required: ['issuer', 'token_endpoint', 'jwks_uri', 'response_types_supported'],
    },
  }),
} as const
