// On PostgreSQL a tenant being changed (its settings, or a user created in it) is locked `for no key
// update`: changes of the tenant take turns, but the sessions and users inserted for it meanwhile,
// whose foreign-key checks take `for key share` on its row, never wait. `for update` would hold up
// every login of the tenant until the change commits.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'node:test'
import { postgresForFile } from '../stores/adapters.js'
import { givenSession, sessionRecord } from '../stores/fixtures.js'

const { adapter, skip } = postgresForFile()

test(
  'a tenant locked for a change holds up its other changes, not the sessions made for it',
  { skip },
  async () => {
    const storage = await adapter.make()
    const { user, session } = await givenSession(storage)
    const tenantId = session.tenantId
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    let locked = () => {}
    const lockTaken = new Promise<void>((resolve) => (locked = resolve))
    const change = storage.transaction(async (stores) => {
      await stores.tenants.getForUpdate(tenantId)
      locked()
      await held
    })
    let secondLocked = false
    try {
      await lockTaken
      // A login inserts a session, whose foreign key names the tenant: it does not wait.
      const inserted = storage.sessions.create(sessionRecord(tenantId, user.id))
      const waited = sleep(5_000).then(() => 'waited' as const)
      assert.equal(await Promise.race([inserted.then(() => 'done' as const), waited]), 'done')
      // Another change of the tenant waits for the first.
      const second = storage.transaction(async (stores) => {
        await stores.tenants.getForUpdate(tenantId)
        secondLocked = true
      })
      await sleep(300)
      assert.equal(secondLocked, false)
      release()
      await Promise.all([change, second])
      assert.equal(secondLocked, true)
    } finally {
      release()
      await change
    }
  },
)
