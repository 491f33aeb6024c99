// What every instance does hourly: forget expired revocations and finished tokens, rotate signing
// keys older than the rotation period, and, when a retention is set, drop audit events older than
// it (the chain keeps an anchor where they were, so it still verifies). Running it on every
// instance at once is safe: each step is idempotent and the stores serialise the writes.
import type { Services } from './services.js'

/**
 * One round of maintenance.
 *
 * @param services - the services to maintain
 * @param auditRetentionMs - how long audit events are kept; undefined keeps them forever
 * @example
 * ```ts
 * await maintain(services, config.auditRetentionMs)
 * ```
 */
export async function maintain(
  services: Services,
  auditRetentionMs: number | undefined,
): Promise<void> {
  await services.tokens.prune()
  const tenants = await services.tenants.list()
  for (const tenant of tenants) await services.keys.maintain(tenant.id)
  if (auditRetentionMs === undefined) return
  const before = services.clock() - auditRetentionMs
  for (const tenant of tenants) await services.audit.prune(tenant.id, before)
}
