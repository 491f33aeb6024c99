// `tessera users add|list|disable|unlock` and `tessera tenants add|list`, on the configured store.
import { randomBytes } from 'node:crypto'
import { errors, type User } from '@tessera/tokens'
import { Command } from 'commander'
import { tenantSettings } from '../bootstrap.js'
import type { Services } from '../services.js'
import { userView } from '../views.js'
import { CliError, EXIT, output, readStdin, run, usageError } from './common.js'
import { CLI_ACTOR, DEFAULT_TENANT, findTenant, withStore } from './store.js'

interface UserOptions {
  json?: boolean
  tenant: string
  email?: string
  role?: string[]
  scope?: string[]
  passwordStdin?: boolean
  enable?: boolean
}

const tenantOption = ['--tenant <name>', 'the tenant', DEFAULT_TENANT] as const

async function findUser(services: Services, tenantId: string, login: string): Promise<User> {
  const user = await services.accounts.findUser(tenantId, login)
  if (user === undefined) {
    throw new CliError(
      EXIT.failed,
      'ERR_NOT_FOUND',
      `there is no user "${login}"; see \`tessera users list\``,
    )
  }
  return user
}

function invalidInput(err: unknown): unknown {
  if (err instanceof errors.InvalidInputError) return usageError(err.message)
  if (err instanceof errors.ConflictError) {
    return new CliError(EXIT.failed, 'ERR_CONFLICT', err.message)
  }
  return err
}

function readPassword(): string {
  const piped = readStdin()
  if (piped === undefined) {
    throw usageError('--password-stdin reads the password from a pipe: printf %s "$PW" | ...')
  }
  const password = piped.replace(/\r?\n$/, '')
  if (password === '') throw usageError('--password-stdin read an empty password')
  return password
}

const userLine = (u: ReturnType<typeof userView>) =>
  `${u.username}  ${u.roles.join(',') || '-'}  ${u.disabled ? 'disabled' : 'enabled'}` +
  `${u.locked_until === null ? '' : `  locked until ${u.locked_until}`}\n`

/**
 * The `users` command and its subcommands.
 *
 * @example
 * ```ts
 * new Command('tessera').addCommand(usersCommand())
 * ```
 */
/** Collects a repeated option's values. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

export function usersCommand(): Command {
  const users = new Command('users').description("a tenant's users (the configured store)")
  users
    .command('add')
    .description('create a user; without --password-stdin a password is generated and shown once')
    .argument('<username>', 'the login name')
    .option(...tenantOption)
    .option('--email <address>', 'an email address (also a login)')
    // Repeated rather than variadic: `--role <roles...>` would take the username after it too.
    .option('--role <role>', 'a role, e.g. admin (repeat for several)', collect)
    .option('--scope <scope>', 'a scope (repeat for several)', collect)
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .option('--json', 'one JSON object on stdout')
    .action((username: string, options: UserOptions) =>
      run(options.json === true, async () => {
        const given = options.passwordStdin === true ? readPassword() : undefined
        const password = given ?? randomBytes(18).toString('base64url')
        await withStore(async ({ services }) => {
          const tenant = await findTenant(services, options.tenant)
          let user: User
          try {
            user = await services.accounts.createUser(
              {
                tenantId: tenant.id,
                username,
                password,
                ...(options.email === undefined ? {} : { email: options.email }),
                ...(options.role === undefined ? {} : { roles: options.role }),
                ...(options.scope === undefined ? {} : { scopes: options.scope }),
              },
              CLI_ACTOR,
            )
          } catch (err) {
            throw invalidInput(err)
          }
          const view = userView(user)
          // The generated password is the one secret ever printed, once.
          const shown = given === undefined ? { password } : {}
          output(options.json === true, { ok: true, user: view, ...shown }, () =>
            given === undefined
              ? `created ${view.username}; password, shown once:\n\n    ${password}\n\n`
              : `created ${view.username}\n`,
          )
        })
      }),
    )
  users
    .command('list')
    .description('list the users (no password hashes)')
    .option(...tenantOption)
    .option('--json', 'one JSON object on stdout')
    .action((options: UserOptions) =>
      run(options.json === true, () =>
        withStore(async ({ services }) => {
          const tenant = await findTenant(services, options.tenant)
          const list = (await services.accounts.listUsers(tenant.id)).map(userView)
          output(options.json === true, { ok: true, users: list }, () =>
            list.map(userLine).join(''),
          )
        }),
      ),
    )
  users
    .command('disable')
    .description('disable a user: every session ends and every token is revoked (--enable undoes)')
    .argument('<username>', 'the login name or email')
    .option(...tenantOption)
    .option('--enable', 'enable the user again instead')
    .option('--json', 'one JSON object on stdout')
    .action((login: string, options: UserOptions) =>
      run(options.json === true, () =>
        withStore(async ({ services }) => {
          const tenant = await findTenant(services, options.tenant)
          const found = await findUser(services, tenant.id, login)
          const disabled = options.enable !== true
          const user = await services.accounts.setDisabled(tenant.id, found.id, disabled, CLI_ACTOR)
          output(options.json === true, { ok: true, user: userView(user) }, () =>
            userLine(userView(user)),
          )
        }),
      ),
    )
  users
    .command('unlock')
    .description('lift a lockout and clear the failed-login count')
    .argument('<username>', 'the login name or email')
    .option(...tenantOption)
    .option('--json', 'one JSON object on stdout')
    .action((login: string, options: UserOptions) =>
      run(options.json === true, () =>
        withStore(async ({ services }) => {
          const tenant = await findTenant(services, options.tenant)
          const found = await findUser(services, tenant.id, login)
          const user = await services.accounts.unlock(tenant.id, found.id, CLI_ACTOR)
          output(options.json === true, { ok: true, user: userView(user) }, () =>
            userLine(userView(user)),
          )
        }),
      ),
    )
  return users
}

/**
 * The `tenants` command and its subcommands.
 *
 * @example
 * ```ts
 * new Command('tessera').addCommand(tenantsCommand())
 * ```
 */
export function tenantsCommand(): Command {
  const tenants = new Command('tenants').description('tenants (the configured store)')
  const view = (t: {
    id: string
    name: string
    config: { issuer: string }
    createdAt: number
  }) => ({
    id: t.id,
    name: t.name,
    issuer: t.config.issuer,
    created_at: new Date(t.createdAt).toISOString(),
  })
  tenants
    .command('add')
    .description('create a tenant (settings from TESSERA_*) with its first signing key')
    .argument('<name>', 'lower-case letters, digits and dashes; served under /t/<name>')
    .option('--json', 'one JSON object on stdout')
    .action((name: string, options: { json?: boolean }) =>
      run(options.json === true, () =>
        withStore(async ({ services, config }) => {
          let tenant
          try {
            tenant = await services.tenants.create(name, tenantSettings(config, name), CLI_ACTOR)
          } catch (err) {
            throw invalidInput(err)
          }
          await services.keys.signingKey(tenant.id)
          output(
            options.json === true,
            { ok: true, tenant: view(tenant) },
            () => `created ${tenant.name} (issuer ${tenant.config.issuer})\n`,
          )
        }),
      ),
    )
  tenants
    .command('list')
    .description('list the tenants')
    .option('--json', 'one JSON object on stdout')
    .action((options: { json?: boolean }) =>
      run(options.json === true, () =>
        withStore(async ({ services }) => {
          const list = (await services.tenants.list()).map(view)
          output(options.json === true, { ok: true, tenants: list }, () =>
            list.map((t) => `${t.name}  ${t.issuer}\n`).join(''),
          )
        }),
      ),
    )
  return tenants
}
