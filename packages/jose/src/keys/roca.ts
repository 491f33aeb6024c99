// Detection of RSA moduli made by the flawed Infineon generator (ROCA, CVE-2017-15361). Such a
// modulus is, modulo each small prime p below, a power of 65537; a random modulus almost never is
// for all of them at once. This is the published fingerprint test, not a factoring method.
import { Buffer } from 'node:buffer'

const PRIMES = [
  3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101,
  103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
]

// For each prime, the set of residues that 65537 generates.
const SUBGROUPS = PRIMES.map((p) => {
  const residues = new Set<number>()
  let r = 1
  do {
    residues.add(r)
    r = (r * (65537 % p)) % p
  } while (!residues.has(r))
  return residues
})

/** True when the RSA modulus (big-endian bytes) has the ROCA fingerprint. */
export function hasRocaFingerprint(modulus: Uint8Array): boolean {
  const n = BigInt(`0x${Buffer.from(modulus).toString('hex') || '0'}`)
  return PRIMES.every((p, i) => SUBGROUPS[i]!.has(Number(n % BigInt(p))))
}
