// The two ways to encrypt and decrypt a compact JWE, one-shot and compiled, behind one signature, so
// that each attack test runs against both: the compiled path must refuse everything the one-shot
// path refuses, with the same error code.
import type { Buffer } from 'node:buffer'
import { test } from 'node:test'
import { jwe, type KeyInput } from '../../src/index.js'

type EncryptOptions = Parameters<typeof jwe.encrypt>[2]
type DecryptOptions = Parameters<typeof jwe.decrypt>[2]

/** jwe.encrypt and jwe.decrypt, or their compiled equivalents. */
export interface Implementation {
  via: string
  encrypt(plaintext: string | Uint8Array, key: KeyInput, options?: EncryptOptions): string
  decrypt(token: string, key: KeyInput, options?: DecryptOptions): Buffer
}

export const IMPLEMENTATIONS: readonly Implementation[] = [
  { via: 'one-shot', encrypt: jwe.encrypt, decrypt: jwe.decrypt },
  {
    via: 'compiled',
    encrypt: (plaintext, key, options) => jwe.createEncrypter({ ...options, key })(plaintext),
    decrypt: (token, key, options) => jwe.createDecrypter({ ...options, key })(token),
  },
]

/** Registers `name` once per implementation. */
export function testBoth(name: string, fn: (implementation: Implementation) => void): void {
  for (const implementation of IMPLEMENTATIONS) {
    test(`${name} (${implementation.via})`, () => fn(implementation))
  }
}
