// Every `tessera` command, found by walking the help output: `--help` exits 0 and shows its usage,
// and every command but `serve` offers --json (issue 5 §3: "--help everywhere, --json output").
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { runCli } from './run.js'

async function walk(path: string[], found: Map<string, string>): Promise<void> {
  const result = await runCli([...path, '--help'], {})
  assert.equal(result.code, 0, `${path.join(' ')} --help: ${result.stderr}`)
  assert.match(result.stdout, new RegExp(`^Usage: tessera ${path.join(' ')}`.trimEnd()))
  const commands = result.stdout.split(/^Commands:$/m)[1]
  if (commands === undefined) {
    found.set(path.join(' '), result.stdout)
    return
  }
  const names = [...commands.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!)
  for (const name of names.filter((n) => n !== 'help')) await walk([...path, name], found)
}

test('every command has --help, and every one but serve has --json', async () => {
  const found = new Map<string, string>()
  await walk([], found)
  const expected = [
    'serve',
    'migrate',
    'token encode',
    'token decode',
    'token inspect',
    'token verify',
    'keys list',
    'keys rotate',
    'keys revoke',
    'keys rewrap',
    'keys generate',
    'users add',
    'users list',
    'users disable',
    'users unlock',
    'tenants add',
    'tenants list',
    'audit query',
    'audit export',
    'audit verify',
  ]
  assert.deepEqual([...found.keys()].sort(), expected.sort())
  for (const [command, help] of found) {
    if (command === 'serve' || command === 'audit export') continue
    assert.match(help, /--json/, `${command} offers --json`)
  }
})

test('a reader that closes the pipe early ends the run quietly (tessera ... | head)', async () => {
  const cli = fileURLToPath(new URL('../../src/cli/index.js', import.meta.url))
  const child = spawn(process.execPath, [
    cli,
    'token',
    'decode',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln',
  ])
  child.stdout.destroy() // before the child has started, so its write finds no reader
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise((resolve) => child.on('close', resolve))
  assert.equal(stderr, '')
  assert.equal(code, 0)
})
