// A process that logs in, refreshes and revokes in a loop on a SQLite file and reports each change
// on stdout after it has committed; the crash test kills it with SIGKILL mid-loop.
//
//   node worker.js <file> <tenantId> <password>
import Database from 'better-sqlite3'
import { Accounts } from '../../src/accounts.js'
import { createSqlStorage } from '../../src/adapters/sql/storage.js'
import { openSqlite } from '../../src/db/sqlite.js'
import { KeyManager } from '../../src/key-manager.js'
import { MasterKey } from '../../src/key-wrap.js'
import { Passwords } from '../../src/passwords.js'
import { Tenants } from '../../src/tenants.js'
import { TokenService } from '../../src/token-service.js'

const [file, tenantId, password, masterKey] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
]
const storage = await createSqlStorage(openSqlite({ driver: Database, filename: file }))
const tenants = new Tenants(storage)
const keys = new KeyManager({ storage, tenants, masterKey: new MasterKey(masterKey) })
const accounts = new Accounts({
  storage,
  passwords: new Passwords({ params: { memoryCost: 256, timeCost: 1, parallelism: 1 } }),
})
const service = new TokenService({ storage, tenants, keys, authenticator: accounts })
await service.start()

const report = (line: string) => process.stdout.write(`${line}\n`)
report('ready')
for (let i = 0; ; i++) {
  const pair = await service.login({ tenantId, username: 'crash', password, device: `d${i}` })
  report(`login ${pair.session.id}`)
  let refreshToken = pair.refreshToken
  for (let r = 0; r < 5; r++) {
    const next = await service.refresh(refreshToken, { tenantId })
    refreshToken = next.refreshToken
    report(`refresh ${pair.session.id} ${r + 1}`)
  }
  if (i % 2 === 0) {
    await service.revoke(refreshToken, { tenantId })
    report(`revoke ${pair.session.id}`)
  }
}
