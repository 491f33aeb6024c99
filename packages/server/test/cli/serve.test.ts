import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { serveEnvironment } from '../../src/cli/serve.js'

const CLI = fileURLToPath(new URL('../../src/cli/index.js', import.meta.url))

test('options override the environment for one run', () => {
  const env = serveEnvironment(
    { port: '9000', database: './x.db' },
    { TESSERA_PORT: '80', TESSERA_HOST: '::1' },
  )
  assert.equal(env.TESSERA_PORT, '9000')
  assert.equal(env.TESSERA_DATABASE_URL, './x.db')
  assert.equal(env.TESSERA_HOST, '::1')
})

test('tessera serve runs the service until SIGTERM', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--database', join(dir, 't.db'), '--log-level', 'info'],
    { env: { PATH: process.env.PATH ?? '', TESSERA_ADMIN_PASSWORD: 'a fine admin password' } },
  )
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  let port: number | undefined
  for (let i = 0; i < 200 && port === undefined; i++) {
    const match = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)
    if (match === null) await new Promise((resolve) => setTimeout(resolve, 25))
    else port = Number(match[1])
  }
  assert.ok(port, 'the server started')
  assert.deepEqual(await (await fetch(`http://127.0.0.1:${port}/health`)).json(), { status: 'ok' })
  child.kill('SIGTERM')
  assert.equal(await exited, 0)
})

test('a bad option is a configuration error (exit 78); --help exits 0', async () => {
  const run = (...args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH ?? '' },
      })
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.on('exit', (code) => resolve({ code, stderr }))
    })
  const bad = await run('serve', '--port', 'eighty', '--database', ':memory:')
  assert.equal(bad.code, 78)
  assert.match(bad.stderr, /TESSERA_PORT must be an integer/)
  assert.equal((await run('serve', '--help')).code, 0)
})
