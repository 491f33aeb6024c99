import type { RevocationStore } from '../../stores/interfaces.js'
import type { RevocationKind, RevocationRecord } from '../../stores/records.js'
import { guard, millis, type Executor } from './executor.js'

export class SqlRevocationStore implements RevocationStore {
  readonly #db: Executor

  constructor(db: Executor) {
    this.#db = db
  }

  put(revocation: RevocationRecord): Promise<void> {
    return guard('store revocation', async () => {
      // One statement, so concurrent puts cannot both insert: a revocation only ever widens, the
      // later cutoff and the later expiry win.
      await this.#db
        .insertInto('revocations')
        .values({
          tenant_id: revocation.tenantId,
          kind: revocation.kind,
          subject: revocation.subject,
          cutoff: revocation.cutoff,
          expires_at: revocation.expiresAt,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'kind', 'subject']).doUpdateSet((eb) => ({
            cutoff: eb
              .case()
              .when('excluded.cutoff', '>', eb.ref('revocations.cutoff'))
              .then(eb.ref('excluded.cutoff'))
              .else(eb.ref('revocations.cutoff'))
              .end(),
            expires_at: eb
              .case()
              .when('excluded.expires_at', '>', eb.ref('revocations.expires_at'))
              .then(eb.ref('excluded.expires_at'))
              .else(eb.ref('revocations.expires_at'))
              .end(),
          })),
        )
        .execute()
    })
  }

  listActive(now: number): Promise<RevocationRecord[]> {
    return guard('list revocations', async () => {
      const rows = await this.#db
        .selectFrom('revocations')
        .selectAll()
        .where('expires_at', '>', now)
        .execute()
      return rows.map((row) => ({
        tenantId: row.tenant_id,
        kind: row.kind as RevocationKind,
        subject: row.subject,
        cutoff: millis(row.cutoff),
        expiresAt: millis(row.expires_at),
      }))
    })
  }

  prune(now: number): Promise<number> {
    return guard('prune revocations', async () => {
      const result = await this.#db
        .deleteFrom('revocations')
        .where('expires_at', '<=', now)
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    })
  }
}
