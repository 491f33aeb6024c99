// The Prometheus alerting rules are valid (promtool) and name metrics the service really serves.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { testApp } from '../support.js'

const RULES = fileURLToPath(
  new URL('../../../deploy/prometheus/tessera-alerts.yml', import.meta.url),
)
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' })
const hasPromtool = promtool.status === 0

test(
  'promtool accepts the alerting rules',
  // CI installs Debian's prometheus package (.ci/run), so there the check always runs.
  { skip: !hasPromtool && process.env.CI !== 'true' ? 'promtool is not installed here' : false },
  () => {
    const result = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' })
    assert.equal(result.error, undefined, 'promtool must be installed in CI (.ci/run installs it)')
    assert.equal(result.status, 0, result.stdout + result.stderr)
    assert.match(result.stdout, /SUCCESS: 6 rules found/)
  },
)

test('every tessera_ metric the rules use is served by /metrics', async (t) => {
  const { app } = await testApp(t)
  const served = (await app.inject({ url: '/metrics' })).body
  const used = new Set(readFileSync(RULES, 'utf8').match(/tessera_[a-z_]+/g))
  for (const name of used) {
    const base = name.replace(/_(bucket|sum|count)$/, '')
    assert.match(served, new RegExp(`# TYPE ${base} `), `${name} is not served`)
  }
})
