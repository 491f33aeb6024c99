// The first schema, written once for SQLite and PostgreSQL through Kysely's schema builder. Times are
// milliseconds since the epoch in bigint columns; JSON is stored as text so both dialects agree.
import type { Kysely, Migration } from 'kysely'

export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('tenants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute()

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'bigint')
      .addColumn('password_changed_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('users_tenant_username', ['tenant_id', 'username'])
      .addUniqueConstraint('users_tenant_email', ['tenant_id', 'email'])
      .execute()

    // A session is one refresh-token family: one login on one device.
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('device', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('first_ip', 'text')
      .addColumn('last_ip', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('revoked_reason', 'text')
      .execute()
    await db.schema
      .createIndex('sessions_user')
      .on('sessions')
      .columns(['tenant_id', 'user_id'])
      .execute()

    // Refresh tokens are stored only as hashes. A consumed token keeps its successor, sealed under a
    // key only the consumed token's holder can derive, for the grace window.
    await db.schema
      .createTable('refresh_tokens')
      .addColumn('hash', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at', 'bigint')
      .addColumn('successor_hash', 'text')
      .addColumn('sealed_successor', 'text')
      .execute()
    await db.schema
      .createIndex('refresh_tokens_session')
      .on('refresh_tokens')
      .column('session_id')
      .execute()

    // Revocations: of one token (jti), one session (sid), or every token issued before a cut-off for a
    // user or a tenant. Each row is kept until the tokens it covers have expired.
    await db.schema
      .createTable('revocations')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('cutoff', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('revocations_pk', ['tenant_id', 'kind', 'subject'])
      .execute()

    // The audit log: append-only, one hash chain per tenant ordered by seq.
    await db.schema
      .createTable('audit_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('time', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('actor', 'text')
      .addColumn('user_id', 'text')
      .addColumn('session_id', 'text')
      .addColumn('jti', 'text')
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addUniqueConstraint('audit_events_tenant_seq', ['tenant_id', 'seq'])
      .execute()
    // Queries read newest first, (time, seq) descending: with seq in the index a page is an index
    // range read in order, with no sort, and a cursor is a seek.
    await db.schema
      .createIndex('audit_events_user_time')
      .on('audit_events')
      .columns(['tenant_id', 'user_id', 'time', 'seq'])
      .execute()
    await db.schema
      .createIndex('audit_events_session_time')
      .on('audit_events')
      .columns(['tenant_id', 'session_id', 'time', 'seq'])
      .execute()
    await db.schema
      .createIndex('audit_events_time')
      .on('audit_events')
      .columns(['tenant_id', 'time', 'seq'])
      .execute()

    // Each tenant's chain head (the last seq and hash) and anchor (the last event pruned by
    // retention), so that deleting the newest or the oldest events is as visible as editing one.
    await db.schema
      .createTable('audit_heads')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('anchor_seq', 'bigint', (c) => c.notNull())
      .addColumn('anchor_hash', 'text', (c) => c.notNull())
      .execute()

    // Signing keys per tenant; private keys at rest are JWE-encrypted under the master key.
    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('alg', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('private_jwe', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('activates_at', 'bigint', (c) => c.notNull())
      .addColumn('retired_at', 'bigint')
      .addColumn('remove_at', 'bigint')
      .execute()

    // Service API keys, stored as hashes.
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute()
  },

  async down(db: Kysely<unknown>) {
    for (const table of [
      'api_keys',
      'signing_keys',
      'audit_heads',
      'audit_events',
      'revocations',
      'refresh_tokens',
      'sessions',
      'users',
      'tenants',
    ]) {
      await db.schema.dropTable(table).execute()
    }
  },
}
