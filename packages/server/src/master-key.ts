// The master key that encrypts signing keys at rest. From TESSERA_MASTER_KEY when set (required in
// production, which loadConfig enforces). Otherwise, for development, a key file with mode 0600
// beside the database: read when it exists, created when it does not, with a warning either way.
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { MasterKey } from '@tessera/tokens'
import type { ServerConfig } from './config.js'

/** Where the master key came from. */
export type MasterKeyOrigin = 'environment' | 'file' | 'new-file' | 'ephemeral'

/** The master key and where it came from. */
export interface ResolvedMasterKey {
  key: MasterKey
  origin: MasterKeyOrigin
  /** The key file, for `file` and `new-file`. */
  file?: string
}

/**
 * The development key file's path: the database file's name plus `.master-key`.
 *
 * @param config - the server configuration
 * @example
 * ```ts
 * masterKeyFile(config) // './tessera.db.master-key'
 * ```
 */
export function masterKeyFile(config: ServerConfig): string | undefined {
  // PostgreSQL deployments must set TESSERA_MASTER_KEY (loadConfig says so): no file there.
  if (config.database.kind !== 'sqlite') return undefined
  const { filename } = config.database
  return filename === ':memory:' ? undefined : `${filename}.master-key`
}

/**
 * Finds the master key; see the file comment. Warns (through `warn`) whenever the key does not come
 * from the environment. Never logs the key.
 *
 * @param config - the server configuration
 * @param warn - where warnings go
 * @example
 * ```ts
 * const { key } = resolveMasterKey(config, (message) => app.log.warn(message))
 * ```
 */
export function resolveMasterKey(
  config: ServerConfig,
  warn: (message: string) => void,
): ResolvedMasterKey {
  if (config.masterKey !== undefined) {
    return { key: new MasterKey(config.masterKey), origin: 'environment' }
  }
  if (config.production) throw new Error('TESSERA_MASTER_KEY is required in production')
  const file = masterKeyFile(config)
  if (file === undefined) {
    warn('TESSERA_MASTER_KEY is not set: using a throw-away master key for the in-memory database')
    return { key: new MasterKey(MasterKey.generate()), origin: 'ephemeral' }
  }
  const existing = readKeyFile(file)
  if (existing !== undefined) {
    warn(`TESSERA_MASTER_KEY is not set: using the development key file ${file}`)
    return { key: existing, origin: 'file', file }
  }
  try {
    writeFileSync(file, `${MasterKey.generate()}\n`, { mode: 0o600, flag: 'wx' })
    chmodSync(file, 0o600)
  } catch (err) {
    // Another process made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  warn(
    `TESSERA_MASTER_KEY is not set: created the development key file ${file} (mode 0600). ` +
      'Keep it with the database; in production set TESSERA_MASTER_KEY instead.',
  )
  return { key: readKeyFile(file)!, origin: 'new-file', file }
}

function readKeyFile(file: string): MasterKey | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    throw new Error(`the master key file ${file} is readable by others; chmod 600 it`)
  }
  try {
    return new MasterKey(text.trim())
  } catch {
    throw new Error(
      `the master key file ${file} does not hold a master key (43 base64url characters)`,
    )
  }
}
