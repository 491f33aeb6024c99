// Running the `tessera` CLI as a child process, as a user would, for the CLI tests.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('../../src/cli/index.js', import.meta.url))

/** What a run printed and how it exited. */
export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs `tessera <args>` with only `env` (and PATH) in its environment, feeding it `stdin` (after
 * `stdinDelayMs`, as a slow program at the other end of a pipe would).
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  stdin = '',
  stdinDelayMs = 0,
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    if (stdinDelayMs === 0) child.stdin.end(stdin)
    else setTimeout(() => child.stdin.end(stdin), stdinDelayMs)
  })
}

/** The environment of the store commands: a SQLite file in `dir`, a master key, an admin password. */
export function storeEnv(dir: string): Record<string, string> {
  return {
    TESSERA_DATABASE_URL: join(dir, 't.db'),
    TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
    TESSERA_ADMIN_PASSWORD: 'a fine admin password',
  }
}
