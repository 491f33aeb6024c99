// `tessera audit query|export|verify`: a tenant's audit log, on the configured store.
import { errors, type AuditQuery } from '@tessera/tokens'
import { Command } from 'commander'
import { CliError, EXIT, output, run, usageError } from './common.js'
import { DEFAULT_TENANT, findTenant, withStore } from './store.js'

interface AuditOptions {
  json?: boolean
  tenant: string
  type?: string[]
  severity?: string[]
  actor?: string
  user?: string
  session?: string
  jti?: string
  ip?: string
  from?: string
  to?: string
  limit?: string
  cursor?: string
}

function time(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) throw usageError(`${name} must be a date, e.g. 2026-01-31 or an ISO time`)
  return ms
}

function filters(tenantId: string, o: AuditOptions): AuditQuery {
  const from = time('--from', o.from)
  const to = time('--to', o.to)
  const limit = o.limit === undefined ? undefined : Number(o.limit)
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) {
    throw usageError('--limit must be a whole number from 1 to 1000')
  }
  const given = {
    type: o.type as AuditQuery['type'],
    severity: o.severity as AuditQuery['severity'],
    actor: o.actor,
    userId: o.user,
    sessionId: o.session,
    jti: o.jti,
    ip: o.ip,
    from,
    to,
    limit,
    cursor: o.cursor,
  }
  const set = Object.entries(given).filter(([, value]) => value !== undefined)
  return { tenantId, ...Object.fromEntries(set) } as AuditQuery
}

function withFilters(command: Command): Command {
  return command
    .option('--tenant <name>', 'the tenant', DEFAULT_TENANT)
    .option('--type <types...>', 'event types, e.g. login.failed account.locked')
    .option('--severity <levels...>', 'severities, e.g. notice critical')
    .option('--actor <id>', 'who acted (a user id, an API key id, system or cli)')
    .option('--user <id>', 'the user id concerned')
    .option('--session <id>', 'the session id')
    .option('--jti <id>', 'the token id')
    .option('--ip <address>', 'the client IP')
    .option('--from <date>', 'from this time (inclusive)')
    .option('--to <date>', 'up to this time (exclusive)')
}

function badFilter(err: unknown): unknown {
  return err instanceof errors.InvalidInputError ? usageError(err.message) : err
}

/**
 * The `audit` command and its subcommands.
 *
 * @example
 * ```ts
 * new Command('tessera').addCommand(auditCommand())
 * ```
 */
export function auditCommand(): Command {
  const audit = new Command('audit').description("a tenant's audit log (the configured store)")
  withFilters(audit.command('query'))
    .description('one page of events, newest first (--cursor for the next page)')
    .option('--limit <n>', 'page size, 1 to 1000', '100')
    .option('--cursor <cursor>', 'the next-page cursor a previous query printed')
    .option('--json', 'one JSON object on stdout')
    .action((options: AuditOptions) =>
      run(options.json === true, () =>
        withStore(async ({ services }) => {
          const tenant = await findTenant(services, options.tenant)
          const page = await services.audit.query(filters(tenant.id, options)).catch((err) => {
            throw badFilter(err)
          })
          output(options.json === true, { ok: true, ...page }, () => {
            const lines = page.events.map(
              (e) =>
                `${new Date(e.time).toISOString()}  ${e.seq}  ${e.type}  ${e.severity}` +
                `  actor=${e.actor ?? '-'}  user=${e.userId ?? '-'}  ip=${e.ip ?? '-'}\n`,
            )
            const more = page.nextCursor === null ? '' : `next page: --cursor ${page.nextCursor}\n`
            return lines.join('') + more
          })
        }),
      ),
    )
  withFilters(audit.command('export'))
    .description('every matching event as NDJSON on stdout, newest first')
    .action((options: AuditOptions) =>
      run(false, () =>
        withStore(async ({ services }) => {
          const tenant = await findTenant(services, options.tenant)
          const { limit: _limit, cursor: _cursor, ...query } = filters(tenant.id, options)
          try {
            for await (const line of services.audit.export(query)) {
              if (!process.stdout.write(line)) {
                await new Promise((resolve) => process.stdout.once('drain', resolve))
              }
            }
          } catch (err) {
            throw badFilter(err)
          }
        }),
      ),
    )
  audit
    .command('verify')
    .description("check the tenant's audit hash chain; exit 1 when it is broken")
    .option('--tenant <name>', 'the tenant', DEFAULT_TENANT)
    .option('--json', 'one JSON object on stdout')
    .action((options: AuditOptions) =>
      run(options.json === true, () =>
        withStore(async ({ services }) => {
          const tenant = await findTenant(services, options.tenant)
          const result = await services.audit.verifyChain(tenant.id)
          if (!result.ok) {
            throw new CliError(
              EXIT.invalid,
              'ERR_AUDIT_CHAIN_BROKEN',
              `the audit chain of "${tenant.name}" is broken at seq ${result.brokenAtSeq} ` +
                `(${result.reason}): events were changed or deleted outside Tessera`,
            )
          }
          output(
            options.json === true,
            { ok: true, checked: result.checked },
            () => `the audit chain of "${tenant.name}" is intact (${result.checked} events)\n`,
          )
        }),
      ),
    )
  return audit
}
