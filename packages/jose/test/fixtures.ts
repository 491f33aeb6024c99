// Keys shared by the tests, made once per process (RSA generation is slow).
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import fc from 'fast-check'
import { jwk, type Key } from '../src/index.js'

const made = new Map<string, Key>()

/** A private key bound to `alg`, made on first use. */
export function keyFor(alg: string): Key {
  let key = made.get(alg)
  if (key === undefined) {
    key = jwk.generate(alg as Parameters<typeof jwk.generate>[0])
    made.set(alg, key)
  }
  return key
}

/** The key that verifies tokens from keyFor(alg): the public half, or the secret itself. */
export function verifyKeyFor(alg: string): Key {
  const key = keyFor(alg)
  return key.type === 'secret' ? key : key.publicKey()
}

/** A raw RSA key pair of the given size. */
export function rsaPair(modulusLength: number): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength })
}

/** Every signature algorithm the library supports. */
export const ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'ES256K',
  'EdDSA',
  'Ed25519',
  'Ed448',
] as const

/** Asserts that `fn` throws an error with this class and code. */
export function throwsCode(
  fn: () => unknown,
  code: string,
  kind?: new (...args: never[]) => Error,
) {
  try {
    fn()
  } catch (err) {
    const e = err as { code?: unknown }
    if (e.code !== code) {
      throw new Error(`expected ${code}, got ${String(e.code)}: ${(err as Error).message}`, {
        cause: err,
      })
    }
    if (kind !== undefined && !(err instanceof kind)) {
      throw new Error(`expected a ${kind.name}, got ${(err as Error).name}`)
    }
    return err as Error
  }
  throw new Error(`expected ${code}, but nothing was thrown`)
}

/** base64url of JSON text or bytes. */
export function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  )
}

/** Values that String() cannot convert, null where an object belongs, and sparse arrays. */
export const oddValue = fc.constantFrom(
  null,
  Object.create(null) as object,
  Symbol('odd'),
  [Object.create(null) as object],
  [Symbol('odd')],
  new Array(2),
  [null],
)
