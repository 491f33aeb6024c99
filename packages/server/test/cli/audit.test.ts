// `tessera audit query|export|verify`, driven as child processes on a temp SQLite file.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import Database from 'better-sqlite3'
import { runCli, storeEnv } from './run.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-audit-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const database = join(dir, 't.db')

const env = { ...storeEnv(dir), TESSERA_DATABASE_URL: database }
const cli = (args: readonly string[]) => runCli(args, env)

interface Event {
  seq: number
  type: string
  actor: string | null
}

before(async () => {
  assert.equal((await cli(['migrate'])).code, 0)
  assert.equal((await cli(['keys', 'rotate'])).code, 0)
})

test('audit query filters and pages; export writes NDJSON', async () => {
  const rotated = await cli(['audit', 'query', '--type', 'key.rotated', '--json'])
  assert.equal(rotated.code, 0, rotated.stderr)
  const events = (JSON.parse(rotated.stdout) as { events: Event[] }).events
  assert.equal(events.length, 1)
  assert.equal(events[0]!.actor, 'cli')
  const first = await cli(['audit', 'query', '--limit', '1', '--json'])
  const page = JSON.parse(first.stdout) as { events: Event[]; nextCursor: string }
  assert.equal(page.events.length, 1)
  const second = await cli([
    'audit',
    'query',
    '--limit',
    '1',
    '--cursor',
    page.nextCursor,
    '--json',
  ])
  const next = (JSON.parse(second.stdout) as { events: Event[] }).events
  assert.ok(next[0]!.seq < page.events[0]!.seq)
  const human = await cli(['audit', 'query'])
  assert.match(human.stdout, /key\.rotated\s+notice\s+actor=cli/)
  const exported = await cli(['audit', 'export'])
  assert.equal(exported.code, 0, exported.stderr)
  const lines = exported.stdout.trimEnd().split('\n')
  assert.ok(lines.length >= 3)
  lines.forEach((line) => assert.equal(typeof (JSON.parse(line) as Event).seq, 'number'))
  const none = await cli(['audit', 'export', '--from', '2999-01-01'])
  assert.equal(none.stdout, '')
})

test('audit query and export apply --actor, --user, --session, --jti, --ip, --from and --to', async () => {
  type Row = Event & { id: string; time: number; userId: string | null }
  const query = async (...args: string[]) => {
    const result = await cli(['audit', 'query', '--limit', '1000', ...args, '--json'])
    assert.equal(result.code, 0, result.stderr)
    return (JSON.parse(result.stdout) as { events: Row[] }).events
  }
  const all = await query()
  assert.ok(all.length >= 3)
  const ids = (events: Row[]) => events.map((e) => e.id)
  const userId = all.find((e) => e.userId !== null)!.userId!
  const cases: [string, string, (e: Row) => boolean][] = [
    ['--actor', 'cli', (e) => e.actor === 'cli'],
    ['--user', userId, (e) => e.userId === userId],
  ]
  for (const [option, value, matches] of cases) {
    const expected = all.filter(matches)
    assert.ok(expected.length > 0 && expected.length < all.length, option)
    assert.deepEqual(ids(await query(option, value)), ids(expected), option)
    const exported = await cli(['audit', 'export', option, value])
    assert.equal(exported.stdout.trimEnd().split('\n').length, expected.length, `export ${option}`)
  }
  for (const option of ['--actor', '--user', '--session', '--jti', '--ip']) {
    assert.deepEqual(await query(option, 'nothing-has-this'), [], option)
  }
  const oldest = new Date(all[all.length - 1]!.time).toISOString()
  assert.deepEqual(await query('--to', oldest), [], '--to is exclusive')
  assert.equal((await query('--from', oldest)).length, all.length, '--from is inclusive')
})

test('audit bad filters are usage errors (2)', async () => {
  const type = await cli(['audit', 'query', '--type', 'nonsense'])
  assert.equal(type.code, 2)
  assert.match(type.stderr, /type must be one or more of/)
  assert.equal((await cli(['audit', 'query', '--from', 'yesterday'])).code, 2)
  assert.equal((await cli(['audit', 'query', '--limit', '0'])).code, 2)
  assert.equal((await cli(['audit', 'export', '--severity', 'loud'])).code, 2)
})

test('audit verify passes an intact chain and exits 1 for a tampered one', async () => {
  const intact = await cli(['audit', 'verify', '--json'])
  assert.equal(intact.code, 0, intact.stderr)
  assert.equal((JSON.parse(intact.stdout) as { ok: boolean }).ok, true)
  const db = new Database(database)
  db.prepare("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1").run()
  db.close()
  const tampered = await cli(['audit', 'verify', '--json'])
  assert.equal(tampered.code, 1)
  assert.match(tampered.stderr, /broken at seq 1/)
  const report = JSON.parse(tampered.stdout) as { error: { code: string } }
  assert.equal(report.error.code, 'ERR_AUDIT_CHAIN_BROKEN')
})
