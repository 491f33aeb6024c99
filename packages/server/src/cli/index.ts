#!/usr/bin/env node
// The `tessera` command line: `serve`, `token encode|decode|inspect|verify`, `keys
// list|rotate|revoke|generate`, `migrate`, `users add|list|disable|unlock`, `tenants add|list`,
// `audit query|export|verify`. Exit codes: 0 ok, 1 invalid token or failed verification, 2 usage
// error, 78 configuration error (see common.ts and the README).
import { createRequire } from 'node:module'
import { Command } from 'commander'
import { auditCommand } from './audit.js'
import { EXIT, usageExits } from './common.js'
import { keysCommand, migrateCommand } from './keys.js'
import { serveCommand } from './serve.js'
import { tokenCommand } from './token.js'
import { tenantsCommand, usersCommand } from './users.js'

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string }

const program = new Command('tessera')
  .description('Tessera: tokens, sessions and keys as a service')
  .version(version)
  .addCommand(serveCommand())
  .addCommand(tokenCommand())
  .addCommand(keysCommand())
  .addCommand(migrateCommand())
  .addCommand(usersCommand())
  .addCommand(tenantsCommand())
  .addCommand(auditCommand())
  .addHelpText(
    'after',
    '\nExit codes: 0 ok, 1 invalid token or verification failed, 2 usage error, 78 configuration error',
  )

// A reader that stops early (`tessera audit export | head`) ends the run, without a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok)
})

await usageExits(program).parseAsync()
