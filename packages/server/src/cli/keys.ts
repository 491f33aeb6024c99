// `tessera keys list|rotate|revoke` and `tessera migrate`, on the configured store, `keys rewrap`
// (keys-rewrap.ts), and `keys generate` (keys-generate.ts), which needs none.
import { errors } from '@tessera/tokens'
import { Command } from 'commander'
import { CliError, EXIT, output, run, usageError } from './common.js'
import { keysGenerateCommand } from './keys-generate.js'
import { keysRewrapCommand } from './keys-rewrap.js'
import { CLI_ACTOR, DEFAULT_TENANT, findTenant, withStore } from './store.js'

interface StoreOptions {
  json?: boolean
  tenant: string
  yes?: boolean
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/**
 * The `keys` command and its subcommands.
 *
 * @example
 * ```ts
 * new Command('tessera').addCommand(keysCommand())
 * ```
 */
export function keysCommand(): Command {
  const keys = new Command('keys').description(
    "a tenant's signing keys (the store from TESSERA_DATABASE_URL and TESSERA_MASTER_KEY); generate a key",
  )
  const tenantOption = ['--tenant <name>', 'the tenant', DEFAULT_TENANT] as const
  keys
    .command('list')
    .description('list the signing keys and their states (no private material)')
    .option(...tenantOption)
    .option('--json', 'one JSON object on stdout')
    .action((options: StoreOptions) =>
      run(options.json === true, () =>
        withStore(async ({ services }) => {
          const tenant = await findTenant(services, options.tenant)
          const records = (await services.keys.list(tenant.id)).map((record) => ({
            kid: record.kid,
            alg: record.alg,
            state: record.state,
            createdAt: iso(record.createdAt),
            activatesAt: iso(record.activatesAt),
            retiredAt: iso(record.retiredAt),
            removeAt: iso(record.removeAt),
          }))
          output(options.json === true, { ok: true, tenant: tenant.name, keys: records }, () =>
            records.map((r) => `${r.kid}  ${r.alg}  ${r.state}  created ${r.createdAt}\n`).join(''),
          )
        }),
      ),
    )
  keys
    .command('rotate')
    .description('start a rotation: a new key is published now and signs after pre-publication')
    .option(...tenantOption)
    .option('--json', 'one JSON object on stdout')
    .action((options: StoreOptions) =>
      run(options.json === true, () =>
        withStore(async ({ services }) => {
          const tenant = await findTenant(services, options.tenant)
          const kid = await services.keys.rotate(tenant.id, CLI_ACTOR)
          output(options.json === true, { ok: true, tenant: tenant.name, kid }, () => `${kid}\n`)
        }),
      ),
    )
  keys
    .command('revoke')
    .description(
      'revoke a compromised key: it leaves the JWKS, tokens it signed stop validating (restart a running server)',
    )
    .argument('<kid>', 'the key id (see `tessera keys list`)')
    .option(...tenantOption)
    .option('--yes', 'confirm: tokens signed with this key stop working at once')
    .option('--json', 'one JSON object on stdout')
    .action((kid: string, options: StoreOptions) =>
      run(options.json === true, async () => {
        if (options.yes !== true) {
          throw usageError(
            `revoking ${kid} invalidates every token it signed; add --yes to confirm`,
          )
        }
        await withStore(async ({ services }) => {
          const tenant = await findTenant(services, options.tenant)
          try {
            await services.keys.revoke(tenant.id, kid, CLI_ACTOR)
          } catch (err) {
            if (!(err instanceof errors.NotFoundError)) throw err
            throw new CliError(
              EXIT.failed,
              'ERR_NOT_FOUND',
              `tenant "${tenant.name}" has no key ${kid} that is not revoked already; see \`tessera keys list\``,
            )
          }
          output(
            options.json === true,
            { ok: true, tenant: tenant.name, revoked: kid },
            () => `revoked ${kid}\n`,
          )
        })
      }),
    )
  keys.addCommand(keysRewrapCommand())
  keys.addCommand(keysGenerateCommand())
  return keys
}

/**
 * The `migrate` command: create or update the database schema and bootstrap it as `serve` does.
 *
 * @example
 * ```ts
 * new Command('tessera').addCommand(migrateCommand())
 * ```
 */
export function migrateCommand(): Command {
  return new Command('migrate')
    .description(
      'create the database or bring its schema up to date, with the default tenant, its key and an admin',
    )
    .option('--json', 'one JSON object on stdout')
    .action((options: { json?: boolean }) =>
      run(options.json === true, () =>
        withStore(
          async ({ config }) => {
            const database =
              config.database.kind === 'sqlite' ? config.database.filename : config.database.display
            output(
              options.json === true,
              { ok: true, database },
              () => `${database} is up to date\n`,
            )
          },
          { create: true },
        ),
      ),
    )
}
