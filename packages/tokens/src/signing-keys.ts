import type { Key, KeySet } from '@tessera/jose'

/**
 * Where access tokens get their keys: the KeyManager in production. Kept narrow so the token
 * service never sees how keys are stored, rotated or wrapped.
 */
export interface SigningKeys {
  /** The private key that signs this tenant's tokens now; it carries its `kid` and `alg`. */
  signingKey(tenantId: string): Promise<Key>
  /**
   * The keys that verify this tenant's tokens now (active, next, and retired but still published),
   * held in memory: this is called on the validation hot path and must do no I/O.
   */
  verificationKeys(tenantId: string): Promise<KeySet>
  /**
   * The same keys when they are already in memory and current, else undefined: lets validation
   * skip a promise on its hot path. Optional.
   */
  peekVerificationKeys?(tenantId: string): KeySet | undefined
}
