// Private signing keys at rest: a compact JWE (A256KW key wrap, A256GCM content) under the master
// key from configuration. Each key gets its own random content key, so re-wrapping under a new
// master key never re-uses one.
import { Buffer } from 'node:buffer'
import { jwe, jwk, type Key } from '@tessera/jose'
import { InvalidInputError } from './errors.js'

/** The master key: 32 bytes, or their base64url text. */
export type MasterKeyInput = Uint8Array | string

/** Wraps and unwraps private keys under one master key. */
export class MasterKey {
  readonly #key: Key

  /**
   * @param input - 32 random bytes, or their base64url encoding (`TESSERA_MASTER_KEY`)
   */
  constructor(input: MasterKeyInput) {
    if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
      throw new InvalidInputError('the master key must be 32 bytes (43 base64url characters)')
    }
    const bytes = typeof input === 'string' ? Buffer.from(input, 'base64url') : Buffer.from(input)
    if (
      bytes.length !== 32 ||
      (typeof input === 'string' && bytes.toString('base64url') !== input)
    ) {
      throw new InvalidInputError('the master key must be 32 bytes (43 base64url characters)')
    }
    this.#key = jwk.construct(bytes, 'A256KW')
  }

  /** Makes a new random master key, as base64url text. */
  static generate(): string {
    return jwk.generate('A256KW').toJWK({ private: true }).k as string
  }

  /** Encrypts a private key for storage. */
  wrap(privateKey: Key): string {
    const json = JSON.stringify(privateKey.toJWK({ private: true }))
    return jwe.encrypt(json, this.#key, { algorithm: 'A256KW', encryption: 'A256GCM' })
  }

  /** Decrypts a stored private key, binding it to `alg`. */
  unwrap(wrapped: string, alg: string): Key {
    const json = jwe.decrypt(wrapped, this.#key, {
      algorithms: ['A256KW'],
      encryptions: ['A256GCM'],
    })
    return jwk.construct(JSON.parse(json.toString('utf8')), alg)
  }
}
