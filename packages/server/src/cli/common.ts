// What every `tessera` command shares: the exit codes, the error that carries one, reading a token
// from an argument or stdin and a key from a file, and printing a result for people or (with
// --json) for scripts.
import { readFileSync, readSync } from 'node:fs'
import { isatty } from 'node:tty'
import type { KeyInput } from '@tessera/jose'
import type { Command, CommanderError } from 'commander'
import { ConfigError } from '../config.js'

/** The exit codes of the `tessera` command line (documented in the README). */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** The token is invalid, or its verification failed. */
  invalid: 1,
  /** The operation failed (e.g. no such key or tenant). */
  failed: 1,
  /** Usage error: a bad or missing option or argument, an unreadable key file. */
  usage: 2,
  /** Configuration error (EX_CONFIG): a TESSERA_* variable is invalid. */
  config: 78,
} as const

/** A failure that ends the command with `exitCode` after printing `message` to stderr. */
export class CliError extends Error {
  readonly exitCode: number
  /** A stable code for --json output. */
  readonly code: string

  constructor(exitCode: number, code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'CliError'
    this.exitCode = exitCode
    this.code = code
  }
}

/** A usage error (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(EXIT.usage, 'ERR_USAGE', message)
}

/**
 * A usage error for a key the library refused (wrong type, too weak, unreadable), with `advice` on
 * what to pass instead; undefined for any other error.
 *
 * @param err - what the library threw
 * @param advice - what to check, shown after the library's reason
 * @example
 * ```ts
 * throw keyError(err, 'check --key') ?? err
 * ```
 */
export function keyError(err: unknown, advice: string): CliError | undefined {
  const code = (err as { code?: unknown } | null)?.code
  if (code !== 'ERR_JWT_KEY_INVALID' && code !== 'ERR_KEY_INVALID' && code !== 'ERR_JWK_INVALID') {
    return undefined
  }
  return new CliError(
    EXIT.usage,
    code,
    `the key cannot be used: ${(err as Error).message} (${advice})`,
  )
}

/**
 * Reads all of stdin, or returns `undefined` when stdin is a terminal (nothing was piped in).
 * `process.stdin` is never touched: creating it makes a pipe non-blocking, and a read then fails
 * with EAGAIN whenever the program writing into the pipe (curl, another tessera) is slower than
 * this one to start. A pipe made non-blocking elsewhere is waited on.
 *
 * @example
 * ```ts
 * const text = readStdin() ?? ''
 * ```
 */
export function readStdin(): string | undefined {
  if (isatty(0)) return undefined
  const chunks: Buffer[] = []
  const buffer = Buffer.alloc(64 * 1024)
  for (;;) {
    let read: number
    try {
      read = readSync(0, buffer, 0, buffer.length, null)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EOF') break
      if (code !== 'EAGAIN') throw err
      Atomics.wait(PAUSE, 0, 0, 10)
      continue
    }
    if (read === 0) break
    chunks.push(Buffer.from(buffer.subarray(0, read)))
  }
  return Buffer.concat(chunks).toString('utf8')
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4))

/**
 * Reads a token: the argument when given (and not `-`), otherwise stdin. Surrounding whitespace
 * (a trailing newline from `echo`) is dropped, and a `Bearer ` prefix too.
 *
 * @param argument - the command-line argument, if any
 * @example
 * ```ts
 * const token = readToken(process.argv[3])
 * ```
 */
export function readToken(argument: string | undefined): string {
  let text: string
  if (argument !== undefined && argument !== '-') {
    text = argument
  } else {
    const piped = readStdin()
    if (piped === undefined) {
      throw usageError(
        'no token: give it as an argument, or pipe it in (echo "$TOKEN" | tessera ...)',
      )
    }
    text = piped
  }
  const token = text.trim().replace(/^Bearer\s+/i, '')
  if (token === '') throw usageError('the token is empty: give it as an argument or on stdin')
  return token
}

/**
 * Reads a key file: a JWK or JWK Set (JSON), PEM text, or else a shared secret (one trailing
 * newline dropped). Never echoes the content.
 *
 * @param file - the path
 * @example
 * ```ts
 * const key = readKeyFile('./public.pem')
 * ```
 */
export function readKeyFile(file: string): KeyInput {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw usageError(
      `cannot read the key file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    )
  }
  if (text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text) as KeyInput
    } catch {
      throw usageError(`the key file ${file} starts like JSON but is not valid JSON`)
    }
  }
  return text.includes('-----BEGIN') ? text : text.replace(/\r?\n$/, '')
}

/**
 * Runs a command's body and turns what it throws into an exit code, with one line on stderr (and,
 * under --json, an error object on stdout).
 *
 * @param json - whether --json was given
 * @param body - the command
 * @example
 * ```ts
 * .action((options) => run(options.json === true, async () => { ... }))
 * ```
 */
export async function run(json: boolean, body: () => Promise<void> | void): Promise<void> {
  try {
    await body()
  } catch (err) {
    const { exitCode, code, message } = describe(err)
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message } })}\n`)
    process.stderr.write(`tessera: ${message}\n`)
    process.exitCode = exitCode
  }
}

function describe(err: unknown): { exitCode: number; code: string; message: string } {
  if (err instanceof CliError)
    return { exitCode: err.exitCode, code: err.code, message: err.message }
  if (err instanceof ConfigError)
    return { exitCode: EXIT.config, code: err.code, message: err.message }
  const message = err instanceof Error ? err.message : String(err)
  return { exitCode: 1, code: 'ERR_FAILED', message }
}

/**
 * Prints a value: as one JSON line under --json, otherwise through `human`.
 *
 * @param json - whether --json was given
 * @param value - what to print
 * @param human - the text for people
 * @example
 * ```ts
 * output(options.json === true, result, () => 'valid\n')
 * ```
 */
export function output(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : human())
}

/**
 * Makes commander's own errors (unknown option, missing argument) exit 2, and --help and
 * --version exit 0, in a command and every subcommand under it.
 *
 * @param command - the root command
 * @example
 * ```ts
 * usageExits(program)
 * ```
 */
export function usageExits(command: Command): Command {
  command.exitOverride((err: CommanderError) => {
    process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage)
  })
  command.showHelpAfterError('(add --help for usage)')
  command.commands.forEach(usageExits)
  return command
}
