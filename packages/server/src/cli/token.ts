// `tessera token decode|verify|inspect`: read any compact JWT (3 segments) or JWE (5 segments) from
// an argument or stdin. `decode` and `inspect` check nothing; `verify` checks the signature and the
// claims with a key file, a JWKS file or a JWKS URL, and decrypts a JWE with the key file. `encode`
// (token-encode.ts) makes one.
import { errors, jwe, jwk, jwt, KEY_MANAGEMENT_ALGORITHMS } from '@tessera/jose'
import { Command } from 'commander'
import {
  CliError,
  EXIT,
  keyError,
  output,
  readKeyFile,
  readToken,
  run,
  usageError,
} from './common.js'
import { tokenEncodeCommand } from './token-encode.js'

/** Options shared by the token commands. */
export interface TokenOptions {
  json?: boolean
  key?: string
  jwks?: string
  alg?: string[]
  enc?: string[]
  aud?: string[]
  iss?: string[]
  leeway?: string
}

/** What a token command prints under --json. */
export interface TokenReport {
  ok: boolean
  /** `JWS` (a signed JWT) or `JWE` (encrypted). */
  type: 'JWS' | 'JWE'
  /** Whether the signature (or the decryption) and the claims were checked. */
  verified: boolean
  header: Record<string, unknown>
  /** The claims; absent for a JWE that was not decrypted, or whose plaintext is not JSON. */
  claims?: Record<string, unknown>
  /** A JWE's plaintext when it is not a JSON object (e.g. a nested JWT). */
  plaintext?: string
  /** `verify` of a nested JWT (a JWE with a signed JWT inside): the inner JWT's header. */
  inner?: Record<string, unknown>
  /** `inspect` only: times read from iat, nbf and exp. */
  times?: Record<string, string>
  /** `inspect` only: whether exp has passed, at the time of the run. */
  expired?: boolean
}

/**
 * Splits a token into its kind by the number of segments.
 *
 * @param token - the compact token
 * @example
 * ```ts
 * tokenType('a.b.c') // 'JWS'
 * ```
 */
export function tokenType(token: string): 'JWS' | 'JWE' {
  const segments = token.split('.').length
  if (segments === 3) return 'JWS'
  if (segments === 5) return 'JWE'
  throw new CliError(
    EXIT.invalid,
    'ERR_TOKEN_MALFORMED',
    `this is not a compact JWT or JWE: it has ${segments} segment(s), a JWT has 3 and a JWE 5`,
  )
}

const isUrl = (text: string) => /^https?:\/\//i.test(text)

function list(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined
  const items = values.flatMap((value) => value.split(',')).map((value) => value.trim())
  return items.filter((value) => value !== '')
}

function unverified(token: string): TokenReport {
  try {
    if (tokenType(token) === 'JWE') {
      return { ok: true, type: 'JWE', verified: false, header: jwe.getUnverifiedHeader(token) }
    }
    return {
      ok: true,
      type: 'JWS',
      verified: false,
      header: jwt.getUnverifiedHeader(token),
      claims: jwt.getUnverifiedClaims(token) as Record<string, unknown>,
    }
  } catch (err) {
    throw invalid(err)
  }
}

function invalid(err: unknown): unknown {
  if (err instanceof CliError) return err
  if (!(err instanceof errors.JOSEError)) return err
  const key = keyError(err, 'check --key: a PEM, a JWK or a JWK Set')
  if (key !== undefined) return key
  const code = err.code
  if (code === 'ERR_JOSE_INVALID_OPTIONS') return new CliError(EXIT.usage, code, err.message)
  const hint = code === 'ERR_JWT_AUDIENCE_INVALID' ? ' (an aud claim needs a matching --aud)' : ''
  return new CliError(EXIT.invalid, code, `invalid token: ${err.message}${hint}`)
}

function readPlaintext(report: TokenReport, bytes: Buffer): TokenReport {
  const text = bytes.toString('utf8')
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return { ...report, claims: parsed as Record<string, unknown> }
    }
  } catch {
    // not JSON: reported as plaintext
  }
  return { ...report, plaintext: text }
}

// The claim checks of `verify`: --aud, --iss and --leeway as jwt.decode and jwt.decrypt take them.
function claimOptions(options: TokenOptions) {
  const leeway = options.leeway === undefined ? undefined : Number(options.leeway)
  if (leeway !== undefined && !(Number.isInteger(leeway) && leeway >= 0)) {
    throw usageError('--leeway must be a whole number of seconds')
  }
  return {
    ...(options.aud === undefined ? {} : { audience: list(options.aud) }),
    ...(options.iss === undefined ? {} : { issuer: list(options.iss) }),
    ...(leeway === undefined ? {} : { leeway }),
  }
}

// A signed JWT: the signature with --key or --jwks and the --alg allow-list, then the claims.
async function verifyJws(token: string, options: TokenOptions): Promise<TokenReport> {
  const algorithms = list(options.alg)?.filter((alg) => !KEY_MANAGEMENT.has(alg))
  if (algorithms === undefined || algorithms.length === 0) {
    throw usageError("--alg is required to verify (e.g. --alg RS256); never trust the header's alg")
  }
  const decodeOptions = { algorithms, ...claimOptions(options) }
  const header = jwt.getUnverifiedHeader(token)
  let claims
  if (options.jwks !== undefined && isUrl(options.jwks)) {
    claims = await jwt.decodeAsync(token, jwk.createRemoteKeySet(options.jwks), decodeOptions)
  } else if (options.jwks !== undefined) {
    const jwks = readKeyFile(options.jwks)
    if (typeof jwks !== 'object' || !('keys' in jwks)) {
      throw usageError(`the JWKS file ${options.jwks} is not a JWK Set ({"keys": [...]})`)
    }
    claims = jwt.decode(token, jwks, decodeOptions)
  } else if (options.key !== undefined) {
    claims = jwt.decode(token, readKeyFile(options.key), decodeOptions)
  } else {
    throw usageError('verify needs a key: --key <file> or --jwks <file-or-url>')
  }
  return {
    ok: true,
    type: 'JWS',
    verified: true,
    header,
    claims: claims as Record<string, unknown>,
  }
}

const KEY_MANAGEMENT: ReadonlySet<string> = new Set(KEY_MANAGEMENT_ALGORITHMS)

// A JWE: decrypted with --key (its alg limited by the key-management names in --alg, its enc by
// --enc). When it is verified, not only decoded, a JWT inside is checked too: the claims of an
// encrypted JWT as jwt.decrypt checks them, and a signed JWT inside (cty JWT) as verifyJws does,
// with --jwks and the signature names in --alg.
async function verifyJwe(
  token: string,
  options: TokenOptions,
  decryptOnly: boolean,
): Promise<TokenReport> {
  if (options.key === undefined) {
    throw usageError("a JWE is decrypted with --key <file> (the recipient's private or secret key)")
  }
  const key = readKeyFile(options.key)
  const algorithms = list(options.alg)?.filter((alg) => KEY_MANAGEMENT.has(alg))
  const encryptions = list(options.enc)
  const jweOptions = {
    ...(algorithms === undefined || algorithms.length === 0 ? {} : { algorithms }),
    ...(encryptions === undefined ? {} : { encryptions }),
  }
  const header = jwe.getUnverifiedHeader(token)
  const bytes = jwe.decrypt(token, key, jweOptions)
  const report = readPlaintext({ ok: true, type: 'JWE', verified: !decryptOnly, header }, bytes)
  if (decryptOnly) return report
  const cty = typeof header.cty === 'string' ? header.cty.toLowerCase() : undefined
  if (cty === 'jwt' || cty === 'application/jwt') {
    if (options.jwks === undefined) {
      throw usageError(
        "this JWE holds a signed JWT (cty JWT): give --jwks <file-or-url> with the signer's keys " +
          'and its algorithm in --alg (e.g. --alg ECDH-ES+A256KW,ES256) to verify it',
      )
    }
    const inner = await verifyJws(bytes.toString('utf8'), { ...options, key: undefined })
    return { ...report, claims: inner.claims!, inner: inner.header }
  }
  if (options.jwks !== undefined) throw usageError('--jwks is for a signed JWT inside a JWE only')
  if (report.claims !== undefined)
    jwt.decrypt(token, key, { ...jweOptions, ...claimOptions(options) })
  return report
}

async function verify(
  token: string,
  options: TokenOptions,
  decryptOnly: boolean,
): Promise<TokenReport> {
  const type = tokenType(token)
  if (type === 'JWS' && options.key !== undefined && options.jwks !== undefined) {
    throw usageError('give --key or --jwks, not both')
  }
  try {
    if (type === 'JWE') return await verifyJwe(token, options, decryptOnly)
    return decryptOnly ? unverified(token) : await verifyJws(token, options)
  } catch (err) {
    throw invalid(err)
  }
}

function times(
  claims: Record<string, unknown> | undefined,
  now: number,
): Pick<TokenReport, 'times' | 'expired'> {
  if (claims === undefined) return {}
  const result: Record<string, string> = {}
  for (const name of ['iat', 'nbf', 'exp']) {
    const value = claims[name]
    if (typeof value === 'number' && Number.isFinite(value)) {
      const date = new Date(value * 1000)
      if (!Number.isNaN(date.getTime())) result[name] = date.toISOString()
    }
  }
  const exp = claims.exp
  return { times: result, ...(typeof exp === 'number' ? { expired: exp * 1000 <= now } : {}) }
}

function human(report: TokenReport): string {
  const lines = [
    `${report.type}, ${report.verified ? 'verified' : 'NOT verified'}`,
    `header: ${JSON.stringify(report.header, null, 2)}`,
  ]
  if (report.inner !== undefined) {
    lines.push(`inner header (signed, verified): ${JSON.stringify(report.inner, null, 2)}`)
  }
  if (report.claims !== undefined) lines.push(`claims: ${JSON.stringify(report.claims, null, 2)}`)
  if (report.plaintext !== undefined) lines.push(`plaintext: ${report.plaintext}`)
  if (report.times !== undefined) {
    for (const [name, value] of Object.entries(report.times)) lines.push(`${name}: ${value}`)
  }
  if (report.expired !== undefined) lines.push(report.expired ? 'expired: yes' : 'expired: no')
  if (report.type === 'JWE' && report.claims === undefined && report.plaintext === undefined) {
    lines.push('(encrypted: give --key to decrypt)')
  }
  return `${lines.join('\n')}\n`
}

// Repeatable options take one value each (or a comma-separated list), never several values after
// one flag: `--aud api "$TOKEN"` must leave the token as the argument.
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value]

const KEY_HELP = 'key file: PEM, JWK or JWK Set JSON, or a shared secret'

/**
 * The `token` command and its subcommands.
 *
 * @example
 * ```ts
 * new Command('tessera').addCommand(tokenCommand())
 * ```
 */
export function tokenCommand(): Command {
  const token = new Command('token').description(
    'encode, decode, inspect and verify JWTs (3 segments) and JWEs (5 segments)',
  )
  token.addCommand(tokenEncodeCommand())
  token
    .command('decode')
    .description('print the header and claims WITHOUT checking the signature (a JWE needs --key)')
    .argument('[token]', 'the token; read from stdin when absent or -')
    .option('--key <file>', `${KEY_HELP}; decrypts a JWE`)
    .option('--json', 'one JSON object on stdout')
    .action((arg: string | undefined, options: TokenOptions) =>
      run(options.json === true, async () => {
        const value = readToken(arg)
        const report =
          options.key !== undefined && tokenType(value) === 'JWE'
            ? await verify(value, options, true)
            : unverified(value)
        output(options.json === true, report, () => human(report))
      }),
    )
  token
    .command('inspect')
    .description('decode WITHOUT verifying, and explain the times (iat, nbf, exp) and expiry')
    .argument('[token]', 'the token; read from stdin when absent or -')
    .option('--key <file>', `${KEY_HELP}; decrypts a JWE`)
    .option('--json', 'one JSON object on stdout')
    .action((arg: string | undefined, options: TokenOptions) =>
      run(options.json === true, async () => {
        const value = readToken(arg)
        const decoded =
          options.key !== undefined && tokenType(value) === 'JWE'
            ? await verify(value, options, true)
            : unverified(value)
        const report = { ...decoded, ...times(decoded.claims, Date.now()) }
        output(options.json === true, report, () => human(report))
      }),
    )
  token
    .command('verify')
    .description('check the signature and claims (a JWE: decrypt it); exit 1 when invalid')
    .argument('[token]', 'the token; read from stdin when absent or -')
    .option('--key <file>', KEY_HELP)
    .option('--jwks <file-or-url>', 'a JWK Set file, or its https URL (http only on loopback)')
    .option(
      '--alg <algs>',
      'accepted algorithms, e.g. RS256 (required for a JWT; for a JWE: alg); repeat or ES256,RS256',
      collect,
    )
    .option('--enc <encs>', 'JWE only: accepted content encryptions, e.g. A256GCM', collect)
    .option('--aud <audience>', 'required audience (any of them; repeat for several)', collect)
    .option('--iss <issuer>', 'required issuer (any of them; repeat for several)', collect)
    .option('--leeway <seconds>', 'clock skew tolerated on exp and nbf')
    .option('--json', 'one JSON object on stdout')
    .action((arg: string | undefined, options: TokenOptions) =>
      run(options.json === true, async () => {
        const report = await verify(readToken(arg), options, false)
        output(options.json === true, report, () => human(report))
      }),
    )
  return token
}
