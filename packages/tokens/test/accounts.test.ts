import assert from 'node:assert/strict'
import { test } from 'node:test'
import { events, givenSession, givenTenant, setupAccounts, T0 } from './support.js'

const PASSWORD = 'correct horse battery'

test('createUser stores a normalized user, hashed, and audits it', async (t) => {
  const { accounts, storage, tenantId } = await setupAccounts(t)
  const user = await accounts.createUser(
    {
      tenantId,
      username: '  Ren\u00e9e ',
      email: 'Renee@Example.TEST',
      password: PASSWORD,
      roles: ['admin', 'admin', 'ops'],
      scopes: ['read', 'write'],
    },
    { actor: 'admin-1', ip: '198.51.100.2' },
  )
  assert.equal(user.username, 'ren\u00e9e')
  assert.equal(user.email, 'renee@example.test')
  assert.deepEqual(user.roles, ['admin', 'ops'])
  assert.deepEqual(user.scopes, ['read', 'write'])
  assert.equal(user.disabled, false)
  assert.equal(user.createdAt, T0)
  assert.equal('passwordHash' in user, false)
  const stored = (await storage.users.get(tenantId, user.id))!
  assert.match(stored.passwordHash, /^\$argon2id\$/)
  const [created] = await events(storage, tenantId, 'user.created')
  assert.equal(created!.actor, 'admin-1')
  assert.equal(created!.ip, '198.51.100.2')
  assert.equal(created!.userId, user.id)
  assert.equal(created!.details.username, 'ren\u00e9e')
})

test('usernames and emails are unique per tenant, ignoring case and Unicode form', async (t) => {
  const { accounts, storage, tenantId } = await setupAccounts(t)
  await accounts.createUser({ tenantId, username: 'Alice', email: 'a@x.test', password: PASSWORD })
  await accounts.createUser({ tenantId, username: 'Ren\u00e9e', password: PASSWORD })
  await accounts.createUser({ tenantId, username: 'Dave@X.test', password: PASSWORD })
  const taken = [
    { username: 'ALICE' },
    { username: 'alice ' },
    { username: 'Rene\u0301e' }, // the same name, decomposed
    { username: 'bob', email: 'A@X.test' },
    { username: 'a@x.test' }, // a username equal to another user's email
    { username: 'carol', email: 'dave@x.TEST' }, // an email equal to another user's username
  ]
  for (const fields of taken) {
    await assert.rejects(accounts.createUser({ tenantId, password: PASSWORD, ...fields }), {
      code: 'ERR_CONFLICT',
    })
  }
  assert.equal((await accounts.listUsers(tenantId)).length, 3)
  // A name whose lower-casing undoes its composition: stored as it normalizes, found by itself
  // and by its look-alike, and the look-alike is taken.
  const greek = await accounts.createUser({
    tenantId,
    username: '\u0386\u0345x',
    password: PASSWORD,
  })
  assert.equal((await accounts.findUser(tenantId, greek.username))?.id, greek.id)
  assert.equal((await accounts.findUser(tenantId, '\u1fb4x'))?.id, greek.id)
  await assert.rejects(accounts.createUser({ tenantId, username: '\u1fb4x', password: PASSWORD }), {
    code: 'ERR_CONFLICT',
  })
  // Another tenant may reuse both.
  const other = await givenTenant(storage)
  const again = { username: 'alice', email: 'a@x.test', password: PASSWORD }
  await accounts.createUser({ tenantId: other.id, ...again })
})

test('createUser refuses weak, over-long and malformed input before storing anything', async (t) => {
  const { accounts, storage, tenantId, hasher } = await setupAccounts(t)
  const bad = [
    { username: 'bob', password: 'short' },
    { username: 'bob', password: 'x'.repeat(1025) },
    { username: '', password: PASSWORD },
    { username: 'bo\u0000b', password: PASSWORD },
    { username: 'bob', email: 'not-an-email', password: PASSWORD },
    { username: 'bob', scopes: ['has space'], password: PASSWORD },
    { username: 'bob', roles: [''], password: PASSWORD },
  ]
  for (const fields of bad) {
    await assert.rejects(accounts.createUser({ tenantId, ...fields }), {
      code: 'ERR_INVALID_INPUT',
    })
  }
  const missing = accounts.createUser({ tenantId: 'nope', username: 'bob', password: PASSWORD })
  await assert.rejects(missing, { code: 'ERR_NOT_FOUND' })
  assert.deepEqual(await storage.users.list(tenantId), [])
  assert.equal(hasher.hashes, 0)
})

test('reads are scoped by tenant and never return the password hash', async (t) => {
  const { accounts, storage, tenantId } = await setupAccounts(t)
  const bob = await accounts.createUser({ tenantId, username: 'bob', password: PASSWORD })
  await accounts.createUser({ tenantId, username: 'alice', password: PASSWORD })
  const other = await givenTenant(storage)
  assert.deepEqual(await accounts.getUser(tenantId, bob.id), bob)
  assert.deepEqual(await accounts.findUser(tenantId, 'BOB'), bob)
  assert.equal(await accounts.getUser(other.id, bob.id), undefined)
  assert.equal(await accounts.findUser(other.id, 'bob'), undefined)
  assert.deepEqual(await accounts.listUsers(other.id), [])
  const listed = await accounts.listUsers(tenantId)
  assert.deepEqual(
    listed.map((user) => user.username),
    ['alice', 'bob'],
  )
  assert.ok(listed.every((user) => !('passwordHash' in user)))
  await assert.rejects(accounts.setDisabled(other.id, bob.id, true), { code: 'ERR_NOT_FOUND' })
  await assert.rejects(accounts.deleteUser(other.id, bob.id), { code: 'ERR_NOT_FOUND' })
})

test('roles and scopes are replaced and audited', async (t) => {
  const { accounts, storage, tenantId } = await setupAccounts(t)
  const bob = await accounts.createUser({ tenantId, username: 'bob', password: PASSWORD })
  assert.deepEqual((await accounts.updateRoles(tenantId, bob.id, ['ops'])).roles, ['ops'])
  assert.deepEqual((await accounts.updateScopes(tenantId, bob.id, ['a', 'b'])).scopes, ['a', 'b'])
  const stored = (await storage.users.get(tenantId, bob.id))!
  assert.deepEqual([stored.roles, stored.scopes], [['ops'], ['a', 'b']])
  assert.equal((await events(storage, tenantId, 'user.updated')).length, 2)
  await assert.rejects(accounts.updateScopes(tenantId, bob.id, ['a b']), {
    code: 'ERR_INVALID_INPUT',
  })
  await assert.rejects(accounts.updateRoles(tenantId, 'missing', []), { code: 'ERR_NOT_FOUND' })
})

test('disabling a user ends every session and cuts off its access tokens', async (t) => {
  const { accounts, storage, tenantId, clock, revoked } = await setupAccounts(t)
  const bob = await accounts.createUser({ tenantId, username: 'bob', password: PASSWORD })
  const carol = await accounts.createUser({ tenantId, username: 'carol', password: PASSWORD })
  const sessions = [
    await givenSession(storage, tenantId, bob.id),
    await givenSession(storage, tenantId, bob.id),
  ]
  const carols = await givenSession(storage, tenantId, carol.id)
  clock.advance(1000)
  const now = clock.now
  const disabled = await accounts.setDisabled(tenantId, bob.id, true, { actor: 'admin-1' })
  assert.equal(disabled.disabled, true)
  for (const session of sessions) {
    const ended = (await storage.sessions.get(tenantId, session.id))!
    assert.equal(ended.revokedAt, now)
    assert.equal(ended.revokedReason, 'user_disabled')
  }
  assert.equal((await storage.sessions.get(tenantId, carols.id))!.revokedAt, null)
  // Until the last token it covers expires: 900 s, and a second for an iat past a cut-off.
  const expiresAt = now + 901_000
  const cutoff = { tenantId, kind: 'user', subject: bob.id, cutoff: now, expiresAt }
  // Each ended session's tokens are revoked by its own entry too, whatever their iat.
  const bySession = sessions.map((s) => ({
    tenantId,
    kind: 'session',
    subject: s.id,
    cutoff: now,
    expiresAt,
  }))
  const bySubject = (a: { subject: string }, b: { subject: string }) =>
    a.subject.localeCompare(b.subject)
  const expected = [cutoff, ...bySession].sort(bySubject)
  assert.deepEqual((await storage.revocations.listActive(now)).sort(bySubject), expected)
  assert.deepEqual([...revoked].sort(bySubject), expected)
  const [event] = await events(storage, tenantId, 'user.disabled')
  assert.deepEqual(
    [event!.actor, event!.userId, event!.details],
    ['admin-1', bob.id, { sessionsEnded: 2 }],
  )
  // Disabling again changes nothing; enabling is audited.
  await accounts.setDisabled(tenantId, bob.id, true)
  assert.equal((await events(storage, tenantId, 'user.disabled')).length, 1)
  await accounts.setDisabled(tenantId, bob.id, false)
  assert.equal((await events(storage, tenantId, 'user.enabled')).length, 1)
  assert.equal(revoked.length, expected.length)
})

test('deleting a user ends every session, cuts off its tokens, and removes it', async (t) => {
  const { accounts, storage, tenantId, clock, revoked } = await setupAccounts(t)
  const bob = await accounts.createUser({ tenantId, username: 'bob', password: PASSWORD })
  const session = await givenSession(storage, tenantId, bob.id)
  await accounts.deleteUser(tenantId, bob.id, { actor: 'admin-1' })
  assert.equal(await accounts.getUser(tenantId, bob.id), undefined)
  const ended = (await storage.sessions.get(tenantId, session.id))!
  assert.deepEqual([ended.revokedAt, ended.revokedReason], [clock.now, 'user_deleted'])
  assert.deepEqual(
    revoked.map((r) => [r.kind, r.subject, r.cutoff]),
    [
      ['session', session.id, clock.now],
      ['user', bob.id, clock.now],
    ],
  )
  assert.equal((await storage.revocations.listActive(clock.now)).length, 2)
  const [event] = await events(storage, tenantId, 'user.deleted')
  assert.deepEqual(event!.details, { username: 'bob', sessionsEnded: 1 })
  const login = accounts.authenticate({ tenantId, login: 'bob', password: PASSWORD })
  await assert.rejects(login, { code: 'ERR_INVALID_CREDENTIALS' })
  await assert.rejects(accounts.deleteUser(tenantId, bob.id), { code: 'ERR_NOT_FOUND' })
})
