// Runs every store contract (each `*.contract.js` beside this file, each exported `...Contract`)
// against every adapter. A new store's contract joins by adding its file here.
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createMemoryStorage } from '../../src/adapters/memory/storage.js'
import type { Storage } from '../../src/stores/interfaces.js'
import { memoryAdapter, postgresAdapter, sqliteAdapter } from './adapters.js'

type Contract = (make: () => Promise<Storage>) => void

const here = dirname(fileURLToPath(import.meta.url))
const files = readdirSync(here)
  .filter((name) => name.endsWith('.contract.js'))
  .sort()
const contracts = new Map<string, Contract>()
for (const file of files) {
  const module = (await import(`./${file}`)) as Record<string, unknown>
  for (const [name, value] of Object.entries(module)) {
    if (name.endsWith('Contract') && typeof value === 'function') {
      contracts.set(name, value as Contract)
    }
  }
}

test('every store of Storage has a contract suite', async () => {
  const storage = createMemoryStorage()
  const stores = Object.keys(storage).filter((key) => key !== 'transaction' && key !== 'close')
  await storage.close()
  for (const store of stores) {
    // tenants -> tenantStoreContract, signingKeys -> signingKeyStoreContract, audit -> auditStoreContract
    const name = `${store.replace(/s$/, '')}StoreContract`
    assert.ok(contracts.has(name), `${store} has no ${name}: add test/stores/<name>.contract.ts`)
  }
  assert.ok(contracts.has('storageContract'))
})

const adapters = [
  memoryAdapter(),
  sqliteAdapter(),
  sqliteAdapter('after-commit'),
  postgresAdapter(),
]
for (const adapter of adapters) {
  describe(adapter.name, { skip: adapter.skip ?? false }, () => {
    before(() => adapter.setup())
    afterEach(() => adapter.closeMade())
    after(() => adapter.teardown())
    for (const [name, contract] of contracts) {
      describe(name, () => contract(() => adapter.make()))
    }
  })
}
