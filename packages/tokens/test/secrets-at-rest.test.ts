// No password and no API key secret reaches the database: not in a user row, not in an audit event,
// not in the WAL. The test drives every path that handles one, then greps the files' bytes.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { accountLimitKey } from '../src/account-login.js'
import { ApiKeys } from '../src/api-keys.js'
import { auditRateLimits, RateLimits, type OnLimited } from '../src/rate-limits.js'
import { events, setupAccounts } from './support.js'

test('the database files never hold a password or an API key secret', async (t) => {
  const password = 'Pw-at-rest-7f3a9c41'
  const wrong = 'Wrong-at-rest-19be2d'
  const changed = 'New-at-rest-5c8e11aa'
  const typedAsLogin = 'Typed-as-login-3e77d0'
  let onLimited: OnLimited = () => undefined
  const rateLimits = new RateLimits({
    profiles: { loginPerAccount: { points: 2, duration: 60 } },
    onLimited: (hit) => onLimited(hit),
  })
  const { accounts, storage, file, tenantId, clock } = await setupAccounts(t, { rateLimits })
  onLimited = auditRateLimits(storage, clock.fn)
  const user = await accounts.createUser({
    tenantId,
    username: 'rest-user-0b1c',
    email: 'rest@example.test',
    password,
  })
  const login = (name: string, secret: string) =>
    accounts.authenticate({ tenantId, login: name, password: secret, ip: '192.0.2.5' })
  await login('rest-user-0b1c', password)
  await assert.rejects(login('rest@example.test', wrong))
  await assert.rejects(login(typedAsLogin, password))
  await assert.rejects(login(typedAsLogin, wrong))
  await assert.rejects(login(typedAsLogin, wrong), { code: 'ERR_RATE_LIMITED' })
  await accounts.changePassword({
    tenantId,
    userId: user.id,
    currentPassword: password,
    newPassword: changed,
  })
  await assert.rejects(
    accounts.changePassword({
      tenantId,
      userId: user.id,
      currentPassword: wrong,
      newPassword: wrong,
    }),
  )
  // The account's two attempts (by username, then by email) used its budget; an unlock resets it.
  await rateLimits.reset('loginPerAccount', tenantId, accountLimitKey(user.id))
  await login('rest-user-0b1c', changed)

  const apiKeys = new ApiKeys({ storage, clock: clock.fn })
  const { key, apiKey } = await apiKeys.create({ tenantId, name: 'rest-key', scopes: ['a'] })
  await apiKeys.authenticate(tenantId, key)
  await apiKeys.revoke(tenantId, apiKey.id)
  // The secret follows `tsk_<id>_`; it is base64url, so it may itself hold '_'.
  const secret = key.slice(`tsk_${apiKey.id}_`.length)
  assert.equal(secret.length, 43)

  const needles = [password, wrong, changed, typedAsLogin, key, secret]
  const all = JSON.stringify(await events(storage, tenantId))
  assert.ok(all.includes('login.failed') && all.includes('rate_limit.exceeded'))
  for (const needle of needles) assert.ok(!all.includes(needle), `an audit event holds ${needle}`)

  await storage.close()
  const dir = dirname(file)
  const bytes = Buffer.concat(readdirSync(dir).map((name) => readFileSync(join(dir, name))))
  // The grep works: what should be stored is found.
  assert.ok(bytes.includes('rest-user-0b1c') && bytes.includes(apiKey.id))
  for (const needle of needles) {
    assert.equal(bytes.includes(Buffer.from(needle)), false, `the database holds ${needle}`)
    assert.equal(bytes.includes(Buffer.from(needle.toLowerCase())), false, `lower-cased ${needle}`)
  }
})
