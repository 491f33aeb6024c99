#!/usr/bin/env node
// The `tessera` command line. For now it has one command, `serve`; the key, token, user, tenant and
// audit commands come with the CLI issue.
import { createRequire } from 'node:module'
import { Command } from 'commander'
import { serveCommand } from './serve.js'

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string }

const program = new Command('tessera')
  .description('Tessera: tokens, sessions and keys as a service')
  .version(version)
  .addCommand(serveCommand())

await program.parseAsync()
