// `tessera token encode`: sign claims into a JWT with a key file (and, optionally, encrypt it into a
// JWE), the reverse of `tessera token verify`. The claims come from a JSON argument, stdin or
// --claims-file; --iss, --sub, --aud, --exp and --iat set the registered ones. Every problem is the
// caller's to fix (a weak key, an unknown --alg, bad JSON), so every failure exits 2.
import { readFileSync } from 'node:fs'
import {
  CONTENT_ENCRYPTION_ALGORITHMS,
  errors,
  jwe,
  jwk,
  jwt,
  KEY_MANAGEMENT_ALGORITHMS,
  SIGNATURE_ALGORITHMS,
  type KeyInput,
} from '@tessera/jose'
import { Command } from 'commander'
import { ConfigProblem, parseDuration } from '../config-values.js'
import {
  CliError,
  EXIT,
  keyError,
  output,
  readKeyFile,
  readStdin,
  run,
  usageError,
} from './common.js'

/** The options of `tessera token encode`. */
export interface EncodeOptions {
  json?: boolean
  claimsFile?: string
  key?: string
  alg?: string
  kid?: string
  typ?: string
  iss?: string
  sub?: string
  aud?: string[]
  exp?: string
  /** A time, or false for --no-iat. */
  iat?: string | false
  encryptKey?: string
  encryptAlg?: string
  enc?: string
}

/** What `token encode --json` prints. */
interface EncodeReport {
  ok: true
  token: string
  type: 'JWS' | 'JWE'
  header: Record<string, unknown>
  claims: Record<string, unknown>
}

function readClaimsText(argument: string | undefined, file: string | undefined): string {
  if (argument !== undefined && argument !== '-') {
    if (file !== undefined)
      throw usageError('give the claims as an argument or --claims-file, not both')
    return argument
  }
  if (file !== undefined) {
    try {
      return readFileSync(file, 'utf8')
    } catch (err) {
      throw usageError(
        `cannot read the claims file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      )
    }
  }
  // No claims given: stdin when something is piped in, else only the claims from the options.
  return readStdin() ?? ''
}

function parseClaims(text: string): Record<string, unknown> {
  if (text.trim() === '') return {}
  let claims: unknown
  try {
    claims = JSON.parse(text)
  } catch {
    throw usageError(`the claims are not valid JSON; give an object such as '{"sub":"u1"}'`)
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw usageError(`the claims must be a JSON object, such as '{"sub":"u1"}'`)
  }
  return claims as Record<string, unknown>
}

// A time given as a NumericDate (seconds since 1970) or an ISO date.
function parseTime(text: string, option: string): number {
  if (/^\d+$/.test(text)) return Number(text)
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) {
    throw usageError(`${option} is seconds since 1970 or an ISO date (2026-01-31T12:00:00Z)`)
  }
  return Math.floor(ms / 1000)
}

/**
 * The claims to sign: the JSON ones, then the options' (which win), with `iat` = now unless the
 * claims have one or --no-iat is given, and `exp` = now + --exp.
 *
 * @param base - the claims from JSON
 * @param options - the command's options
 * @param now - the time, seconds since 1970
 * @example
 * ```ts
 * buildClaims({}, { sub: 'u1', exp: '15m' }, 1_700_000_000)
 * ```
 */
export function buildClaims(
  base: Record<string, unknown>,
  options: EncodeOptions,
  now: number,
): Record<string, unknown> {
  const claims = { ...base }
  if (options.iss !== undefined) claims.iss = options.iss
  if (options.sub !== undefined) claims.sub = options.sub
  const aud = options.aud ?? []
  if (aud.length > 0) claims.aud = aud.length === 1 ? aud[0] : aud
  if (options.iat === false) delete claims.iat
  else if (options.iat !== undefined) claims.iat = parseTime(options.iat, '--iat')
  else if (claims.iat === undefined) claims.iat = now
  if (options.exp !== undefined) {
    try {
      claims.exp = now + Math.ceil(parseDuration(options.exp) / 1000)
    } catch (err) {
      if (!(err instanceof ConfigProblem)) throw err
      throw usageError('--exp is a lifetime from now: seconds (900) or 30s, 15m, 12h, 7d')
    }
  }
  return claims
}

function checkAlgorithm(option: string, alg: string, known: readonly string[]): void {
  if (alg === 'none') {
    throw new CliError(
      EXIT.usage,
      'ERR_JWT_ALGORITHM_NOT_ALLOWED',
      'tessera does not make unsecured tokens (alg "none"): give a real --alg and its --key',
    )
  }
  if (!known.includes(alg)) {
    throw new CliError(
      EXIT.usage,
      'ERR_JWT_ALGORITHM_NOT_ALLOWED',
      `unknown ${option} "${alg}"; use one of ${known.join(', ')}`,
    )
  }
}

// The key file's algorithm, when it names one (a JWK with `alg`, such as `keys generate` writes).
function keyAlgorithm(key: KeyInput): string | undefined {
  return jwk.construct(key).alg
}

function encode(claims: Record<string, unknown>, options: EncodeOptions): EncodeReport {
  if (options.key === undefined && options.encryptKey === undefined) {
    throw usageError(
      'encode needs a key: --key <file> (PEM, JWK or secret; make one with `tessera keys generate`)',
    )
  }
  const headers: Record<string, unknown> = {
    ...(options.kid === undefined ? {} : { kid: options.kid }),
    ...(options.typ === undefined ? {} : { typ: options.typ }),
  }
  let signWith: { key: KeyInput; algorithm: string; headers: Record<string, unknown> } | undefined
  if (options.key !== undefined) {
    const key = readKeyFile(options.key)
    if (options.alg !== undefined) checkAlgorithm('--alg', options.alg, SIGNATURE_ALGORITHMS)
    const algorithm = options.alg ?? keyAlgorithm(key)
    if (algorithm === undefined) {
      throw usageError('--alg is required: the key does not name its algorithm (e.g. --alg ES256)')
    }
    signWith = { key, algorithm, headers }
  }
  if (options.encryptKey === undefined) {
    const token = jwt.encode(claims, signWith!.key, {
      algorithm: signWith!.algorithm,
      headers: signWith!.headers,
    })
    return { ok: true, token, type: 'JWS', header: jwt.getUnverifiedHeader(token), claims }
  }
  const recipient = readKeyFile(options.encryptKey)
  if (options.encryptAlg !== undefined) {
    checkAlgorithm('--encrypt-alg', options.encryptAlg, KEY_MANAGEMENT_ALGORITHMS)
  }
  if (options.enc !== undefined) checkAlgorithm('--enc', options.enc, CONTENT_ENCRYPTION_ALGORITHMS)
  const algorithm = options.encryptAlg ?? keyAlgorithm(recipient)
  if (algorithm === undefined) {
    throw usageError(
      '--encrypt-alg is required: the encryption key does not name its algorithm (e.g. --encrypt-alg ECDH-ES+A256KW)',
    )
  }
  const token = jwt.encrypt(claims, recipient, {
    algorithm,
    ...(options.enc === undefined ? {} : { encryption: options.enc }),
    ...(signWith === undefined ? { headers } : { signWith }),
  })
  return { ok: true, token, type: 'JWE', header: jwe.getUnverifiedHeader(token), claims }
}

// The library's typed errors, as what to change on the command line.
function explain(err: unknown): unknown {
  if (!(err instanceof errors.JOSEError)) return err
  const advice =
    'check --key and --alg; `tessera keys generate <alg> --out <file>` makes a good one'
  return (
    keyError(err, advice) ?? new CliError(EXIT.usage, err.code, `cannot encode: ${err.message}`)
  )
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value]

/**
 * The `token encode` command.
 *
 * @example
 * ```ts
 * token.addCommand(tokenEncodeCommand())
 * ```
 */
export function tokenEncodeCommand(): Command {
  return new Command('encode')
    .description('sign claims into a JWT with a key file (and encrypt it with --encrypt-key)')
    .argument('[claims]', 'the claims, a JSON object; read from stdin when absent or -')
    .option('--claims-file <file>', 'read the claims from this file')
    .option('--key <file>', 'signing key file: PEM, JWK (its alg is the default) or a secret')
    .option('--alg <alg>', 'the signature algorithm (required unless the key names its alg)')
    .option('--kid <kid>', "the header kid (default: the key's own kid, if any)")
    .option('--typ <typ>', 'the header typ (default JWT; at+jwt for an access token)')
    .option('--iss <issuer>', 'the iss claim')
    .option('--sub <subject>', 'the sub claim')
    .option('--aud <audience>', 'the aud claim (repeat for several)', collect)
    .option('--exp <lifetime>', 'exp = now + lifetime: seconds, or 30s, 15m, 12h, 7d')
    .option('--iat <time>', 'the iat claim: seconds since 1970 or an ISO date (default: now)')
    .option('--no-iat', 'leave iat out')
    .option('--encrypt-key <file>', "encrypt into a JWE to this key (the recipient's public key)")
    .option(
      '--encrypt-alg <alg>',
      "JWE key management, e.g. ECDH-ES+A256KW (default: the key's alg)",
    )
    .option('--enc <enc>', 'JWE content encryption (default A256GCM)')
    .option('--json', 'one JSON object on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tessera keys generate ES256 --out es256.jwk\n' +
        '  tessera token encode --key es256.jwk --sub u1 --aud api --exp 15m\n' +
        `  echo '{"sub":"u1","scope":"read"}' | tessera token encode --key secret.txt --alg HS256\n`,
    )
    .action((arg: string | undefined, options: EncodeOptions) =>
      run(options.json === true, () => {
        const base = parseClaims(readClaimsText(arg, options.claimsFile))
        const claims = buildClaims(base, options, Math.floor(Date.now() / 1000))
        let report: EncodeReport
        try {
          report = encode(claims, options)
        } catch (err) {
          throw explain(err)
        }
        output(options.json === true, report, () => `${report.token}\n`)
      }),
    )
}
