// `tessera keys rewrap --new-key-stdin`: changes the master key. Every tenant's private signing
// keys are decrypted with the current master key (TESSERA_MASTER_KEY, or the development key file)
// and encrypted again under the new one, in one transaction: all of them or none. The new key is
// read from a pipe, never from an argument (arguments show in `ps` and in shell history).
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { MasterKey } from '@tessera/tokens'
import { Command } from 'commander'
import { output, readStdin, run, usageError } from './common.js'
import { withStore } from './store.js'

interface RewrapOptions {
  newKeyStdin?: boolean
  json?: boolean
}

function readNewKey(): { key: MasterKey; text: string } {
  const piped = readStdin()
  if (piped === undefined) {
    throw usageError('--new-key-stdin reads the new master key from a pipe: printf %s "$KEY" | ...')
  }
  const text = piped.trim()
  try {
    return { key: new MasterKey(text), text }
  } catch {
    throw usageError('the new master key must be 32 random bytes in base64url (43 characters)')
  }
}

/**
 * The `keys rewrap` command.
 *
 * @example
 * ```ts
 * keys.addCommand(keysRewrapCommand())
 * ```
 */
export function keysRewrapCommand(): Command {
  return new Command('rewrap')
    .description(
      'change the master key: re-encrypt every private signing key under the key read from stdin',
    )
    .option('--new-key-stdin', 'read the new master key from stdin (required)')
    .option('--json', 'one JSON object on stdout')
    .action((options: RewrapOptions) =>
      run(options.json === true, async () => {
        if (options.newKeyStdin !== true) {
          throw usageError('give the new master key on stdin with --new-key-stdin')
        }
        const next = readNewKey()
        await withStore(async ({ masterKey, services }) => {
          // A development key file is replaced by the new key, written beside it first so that
          // the key the store now needs is on disk before the store needs it.
          const file = masterKey.origin === 'environment' ? undefined : masterKey.file
          const staged = file === undefined ? undefined : `${file}.new`
          if (staged !== undefined) {
            writeFileSync(staged, `${next.text}\n`, { mode: 0o600 })
          }
          let count: number
          try {
            count = await services.keys.rewrap(next.key)
          } catch (err) {
            if (staged !== undefined) rmSync(staged, { force: true })
            throw err
          }
          if (staged !== undefined) renameSync(staged, file!)
          const advice =
            file === undefined
              ? 'set TESSERA_MASTER_KEY to the new key on every instance, then restart them'
              : `the key file ${file} now holds the new key`
          output(
            options.json === true,
            { ok: true, rewrapped: count, next: advice },
            () => `re-encrypted ${count} signing key(s) under the new master key; ${advice}\n`,
          )
        })
      }),
    )
}
