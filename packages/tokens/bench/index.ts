// Runs every benchmark of @tessera/tokens, each in its own Node process so one cannot warm up or
// slow down the next. Add a benchmark by adding its compiled file (and any node flags) to BENCHES.
//
//   npm run bench -w packages/tokens              all of them
//   npm run bench -w packages/tokens -- audit     only those whose file name contains "audit"
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The benchmarks, in the order they run: a file beside this one, and the node flags it needs. */
const BENCHES: Array<{ file: string; node?: string[] }> = [
  { file: 'lifecycle.bench.js' },
  { file: 'logins.bench.js' },
  { file: 'audit.bench.js' },
]

const only = process.argv.slice(2)
let failed = 0
for (const { file, node = [] } of BENCHES) {
  if (only.length > 0 && !only.some((name) => file.includes(name))) continue
  console.log(`\n=== ${file}`)
  const path = fileURLToPath(new URL(file, import.meta.url))
  const { status, signal } = spawnSync(process.execPath, [...node, path], { stdio: 'inherit' })
  if (status !== 0) {
    failed++
    console.error(`${file} failed (${signal ?? `exit code ${status}`})`)
  }
}
process.exitCode = failed === 0 ? 0 : 1
