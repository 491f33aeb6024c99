// `tessera keys generate`: a new key made by @tessera/jose's jwk.generate, for any JWS algorithm, a
// JWE key-management algorithm or content encryption, or a key type with its curve or size. It needs
// no store: the key is printed (or written to a file, mode 0600) for use elsewhere, such as
// `tessera token encode --key` or a guard's `key`.
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs'
import {
  CONTENT_ENCRYPTION_ALGORITHMS,
  errors,
  jwk,
  Key,
  KEY_MANAGEMENT_ALGORITHMS,
  SIGNATURE_ALGORITHMS,
  type JWK,
} from '@tessera/jose'
import { Command } from 'commander'
import { CliError, EXIT, output, run, usageError } from './common.js'

/** The options of `tessera keys generate`. */
export interface GenerateKeyOptions {
  kty?: string
  crv?: string
  size?: string
  kid?: string
  use?: string
  pem?: boolean
  public?: boolean
  out?: string
  force?: boolean
  json?: boolean
}

// Algorithms jwk.generate refuses: `dir` takes the key of its enc, RSA1_5 and PBES2 are not keys
// one generates (a legacy algorithm, and a password).
const ALGORITHMS: readonly string[] = [
  ...SIGNATURE_ALGORITHMS,
  ...KEY_MANAGEMENT_ALGORITHMS.filter(
    (a) => a !== 'dir' && a !== 'RSA1_5' && !a.startsWith('PBES2'),
  ),
  ...CONTENT_ENCRYPTION_ALGORITHMS,
]

type Spec = Parameters<typeof jwk.generate>[0]

function spec(alg: string | undefined, options: GenerateKeyOptions): Spec {
  if (alg !== undefined) {
    if (options.kty !== undefined || options.crv !== undefined || options.size !== undefined) {
      throw usageError('give an algorithm or --kty (with --crv or --size), not both')
    }
    if (!ALGORITHMS.includes(alg)) {
      const hint = alg === 'dir' ? ' (for dir, generate the key of its enc, e.g. A256GCM)' : ''
      throw usageError(
        `cannot generate a key for "${alg}"${hint}; use one of ${ALGORITHMS.join(', ')}`,
      )
    }
    return alg as Spec
  }
  const size = options.size === undefined ? undefined : Number(options.size)
  if (size !== undefined && !Number.isSafeInteger(size)) {
    throw usageError('--size is a number of bits, e.g. --size 3072')
  }
  switch (options.kty) {
    case 'RSA':
    case 'oct':
      if (options.crv !== undefined) throw usageError(`a ${options.kty} key has --size, not --crv`)
      return { kty: options.kty, ...(size === undefined ? {} : { size }) }
    case 'EC':
    case 'OKP':
      if (options.crv === undefined) {
        const curves =
          options.kty === 'EC' ? 'P-256, P-384, P-521, secp256k1' : 'Ed25519, Ed448, X25519, X448'
        throw usageError(`an ${options.kty} key needs --crv (${curves})`)
      }
      if (size !== undefined) throw usageError(`an ${options.kty} key has --crv, not --size`)
      return { kty: options.kty, crv: options.crv } as Spec
    case undefined:
      throw usageError(
        'say what to generate: an algorithm (e.g. `tessera keys generate ES256`) or --kty RSA|EC|OKP|oct',
      )
    default:
      throw usageError(`--kty is RSA, EC, OKP or oct, not "${options.kty}"`)
  }
}

/**
 * Generates the key: bound to the algorithm when one is given, with `kid` = its RFC 7638 thumbprint
 * unless --kid names one (secret keys too: the hash of 128 or more random bits tells nothing).
 *
 * @param alg - the algorithm argument, if any
 * @param options - the command's options
 * @example
 * ```ts
 * const key = generateKey('ES256', {})
 * ```
 */
export function generateKey(alg: string | undefined, options: GenerateKeyOptions): Key {
  if (options.use !== undefined && options.use !== 'sig' && options.use !== 'enc') {
    throw usageError('--use is sig or enc')
  }
  try {
    const key = jwk.generate(spec(alg, options), {
      ...(options.kid === undefined ? {} : { kid: options.kid }),
      ...(options.use === undefined ? {} : { use: options.use }),
    })
    if (key.kid !== undefined) return key
    return new Key(key.keyObject, { alg: key.alg, use: key.use, kid: key.thumbprint() })
  } catch (err) {
    if (err instanceof errors.JOSEError)
      throw usageError(`cannot generate this key: ${err.message}`)
    throw err
  }
}

// Writes the private key to a new file, mode 0600 (also when --force replaces a file).
function writePrivate(file: string, content: string, force: boolean): void {
  let fd: number
  try {
    fd = openSync(file, force ? 'w' : 'wx', 0o600)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw usageError(`${file} exists; add --force to replace it`)
    throw new CliError(EXIT.failed, 'ERR_WRITE', `cannot write ${file}: ${code ?? 'error'}`)
  }
  try {
    fchmodSync(fd, 0o600)
    writeSync(fd, content)
  } finally {
    closeSync(fd)
  }
}

/** What `keys generate --json` prints. `privateKey` only when there is no --out. */
interface GenerateReport {
  ok: true
  kid: string | undefined
  alg: string | undefined
  kty: string
  crv?: string
  size: number
  out?: string
  publicJwk?: JWK
  publicPem?: string
  jwks?: { keys: JWK[] }
  privateJwk?: JWK
  privatePem?: string
}

/**
 * The `keys generate` command.
 *
 * @example
 * ```ts
 * keys.addCommand(keysGenerateCommand())
 * ```
 */
export function keysGenerateCommand(): Command {
  return new Command('generate')
    .description(
      'make a new key (no store needed): a private JWK (or PEM) on stdout, or in --out <file> (mode 0600)',
    )
    .argument(
      '[alg]',
      'an algorithm: a JWS alg (ES256, RS256, EdDSA, HS256, ...), a JWE alg or enc',
    )
    .option('--kty <type>', 'or a key type: RSA, EC, OKP or oct')
    .option(
      '--crv <curve>',
      'EC: P-256, P-384, P-521, secp256k1; OKP: Ed25519, Ed448, X25519, X448',
    )
    .option('--size <bits>', 'RSA (2048 to 16384, default 2048) or oct (128 to 8192, default 256)')
    .option('--kid <kid>', 'the key id (default: the RFC 7638 thumbprint)')
    .option('--use <use>', 'sig or enc')
    .option('--pem', 'the private key as PKCS#8 PEM rather than a JWK (asymmetric keys)')
    .option('--out <file>', 'write the private key to this file (mode 0600), not to stdout')
    .option('--public', 'with --out: print the public half, a JWK Set (with --pem: SPKI PEM)')
    .option('--force', 'with --out: replace an existing file')
    .option('--json', 'one JSON object on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  tessera keys generate ES256 --out signing.jwk\n' +
        '  tessera keys generate --kty RSA --size 3072 --pem --out rsa.pem\n' +
        '  tessera keys generate HS256 --out secret.jwk\n',
    )
    .action((alg: string | undefined, options: GenerateKeyOptions) =>
      run(options.json === true, () => {
        const json = options.json === true
        if (options.force === true && options.out === undefined) {
          throw usageError('--force only applies to --out <file>')
        }
        if (options.public === true && options.out === undefined) {
          throw usageError(
            '--public prints only the public half: add --out <file> to keep the private key',
          )
        }
        const key = generateKey(alg, options)
        const secret = key.type === 'secret'
        if (secret && options.pem === true) {
          throw usageError('a secret key has no PEM form; drop --pem (it is written as a JWK)')
        }
        if (secret && options.public === true) {
          throw usageError('a secret key has no public half; keep it with --out <file>')
        }
        const report: GenerateReport = {
          ok: true,
          kid: key.kid,
          alg: key.alg,
          kty: key.kty,
          ...(key.crv === undefined ? {} : { crv: key.crv }),
          size: key.size,
        }
        const privateText =
          options.pem === true
            ? key.toPEM({ private: true })
            : `${JSON.stringify(key.toJWK({ private: true }), null, 2)}\n`
        if (options.out === undefined) {
          // What the user asked for: the new key itself, on stdout only (never on stderr).
          if (options.pem === true) report.privatePem = privateText
          else report.privateJwk = key.toJWK({ private: true })
          output(json, report, () => privateText)
          return
        }
        writePrivate(options.out, privateText, options.force === true)
        report.out = options.out
        if (!secret) {
          // The public half: what a verifier or a guard is given.
          report.publicJwk = key.toJWK()
          report.jwks = { keys: [report.publicJwk] }
          if (options.pem === true) report.publicPem = key.toPEM()
        }
        output(json, report, () => {
          if (options.public !== true) return `wrote ${options.out} (kid ${report.kid})\n`
          return report.publicPem ?? `${JSON.stringify(report.jwks, null, 2)}\n`
        })
      }),
    )
}
