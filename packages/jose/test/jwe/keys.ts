// Keys for the JWE tests, made once per process (RSA generation is slow).
import { jwk, type Key } from '../../src/index.js'

const made = new Map<string, Key>()

function once(slot: string, make: () => Key): Key {
  let key = made.get(slot)
  if (key === undefined) {
    key = make()
    made.set(slot, key)
  }
  return key
}

/** The password every PBES2 test uses. */
export const PASSWORD = 'correct horse battery staple'

/** Curves ECDH-ES works on, with the key spec for each. */
export const CURVES = [
  { kty: 'EC', crv: 'P-256' },
  { kty: 'EC', crv: 'P-384' },
  { kty: 'EC', crv: 'P-521' },
  { kty: 'OKP', crv: 'X25519' },
  { kty: 'OKP', crv: 'X448' },
] as const

/** A private (or secret) key for `alg`, bound to it; for dir, the key for `enc`. */
export function keyFor(alg: string, enc = 'A256GCM'): Key {
  if (alg === 'dir') return once(`dir ${enc}`, () => jwk.generate(enc as 'A256GCM'))
  return once(alg, () => jwk.generate(alg as 'A128KW'))
}

/** An unbound private key on `crv`, for ECDH-ES on every curve. */
export function curveKey(crv: (typeof CURVES)[number]['crv']): Key {
  const spec = CURVES.find((c) => c.crv === crv)!
  return once(`curve ${crv}`, () => jwk.generate(spec as never))
}

/** The key to encrypt with: the public half of an asymmetric key, else the secret itself. */
export function encryptKeyFor(key: Key): Key {
  return key.type === 'secret' ? key : key.publicKey()
}
