// Any key input -> a Key or a KeySet, imported once and cached. The material decides the key type;
// an algorithm name never does.
import { Buffer } from 'node:buffer'
import { KeyObject, createSecretKey } from 'node:crypto'
import { isJsonObject, parseJson } from '../internal/json.js'
import { LruCache } from '../internal/lru.js'
import { InvalidKeyError } from '../errors.js'
import { Key } from './key.js'
import { KeySet } from './key-set.js'
import { importJWK, KEY_MEMBERS } from './jwk-import.js'
import { assertNotKeyMaterialBytes, assertNotKeyMaterialText, importPem, parseDer } from './pem.js'
import type { JWK, JWKS } from './jwk-types.js'

/**
 * Everything that can stand for a key: a Key or KeySet, a JWK or JWK Set (as objects or JSON text),
 * PEM text (SPKI, PKCS#8, PKCS#1, SEC1 or an X.509 certificate), raw secret bytes or text, or a
 * node:crypto KeyObject.
 */
export type KeyInput = Key | KeySet | JWK | JWKS | KeyObject | string | Uint8Array

// Objects are cached by identity with a snapshot of the members that make their key, strings by
// value (the same PEM text parses once), and byte arrays by identity with a copy that proves their
// content has not changed since. An object edited in place (a key taken out of jwks.keys, a JWK
// overwritten) no longer matches its snapshot and is imported again: a revoked key stops working.
const objectCache = new WeakMap<object, { snapshot: unknown[]; key: Key | KeySet }>()
const stringCache = new LruCache<string, Key | KeySet>(1000)
const bytesCache = new WeakMap<Uint8Array, { copy: Buffer; key: Key }>()

// Characters that can hide in front of key text without changing what a human sees: all whitespace
// and every Unicode format character (zero-width spaces, direction marks, BOM, soft hyphen).
const INVISIBLE = /^[\s\p{Cf}]+/u

/**
 * Resolves any key input to a Key or a KeySet, using the import cache. Throws InvalidKeyError or
 * JWKError for anything that is not usable key material.
 */
export function resolveKey(input: unknown): Key | KeySet {
  if (input instanceof Key || input instanceof KeySet) return input
  if (typeof input === 'string') return fromString(input)
  if (input instanceof Uint8Array) return fromBytes(input)
  if (typeof input === 'object' && input !== null) {
    const cached = objectCache.get(input)
    const snapshot = snapshotOf(input)
    if (cached !== undefined && sameSnapshot(cached.snapshot, snapshot)) return cached.key
    const made = fromObject(input)
    objectCache.set(input, { snapshot, key: made })
    return made
  }
  throw new InvalidKeyError(
    input === undefined || input === null ? 'no key was given' : `a ${typeof input} is not a key`,
  )
}

/** Resolves input that must be a single Key (not a set). */
export function resolveSingleKey(input: unknown): Key {
  const key = resolveKey(input)
  if (key instanceof KeySet) throw new InvalidKeyError('expected one key, got a key set')
  return key
}

// Every JWK member that importJWK or Key reads: the key material, and what binds or names it.
const JWK_MEMBERS = ['kty', ...KEY_MEMBERS, 'alg', 'use', 'key_ops', 'kid', 'ext']

/** The values that decide what an object imports to, compared by identity on each cache hit. */
function snapshotOf(input: object): unknown[] {
  const snapshot: unknown[] = []
  if (input instanceof KeyObject || !isJsonObject(input)) return snapshot
  const keys = input.keys
  if (!Array.isArray(keys)) {
    addJwk(snapshot, input)
    return snapshot
  }
  snapshot.push(keys, keys.length)
  // A set over MAX_KEYS is refused by KeySet, and never cached; looking further is wasted.
  for (const entry of keys.slice(0, 1001)) {
    snapshot.push(entry)
    if (isJsonObject(entry) && !(entry instanceof Key)) addJwk(snapshot, entry)
  }
  return snapshot
}

function addJwk(snapshot: unknown[], jwk: Record<string, unknown>): void {
  for (const name of JWK_MEMBERS) {
    const value = jwk[name]
    snapshot.push(value)
    if (Array.isArray(value)) {
      snapshot.push(value.length)
      for (const item of value as unknown[]) snapshot.push(item)
    }
  }
}

function sameSnapshot(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false
  return true
}

function fromObject(input: object): Key | KeySet {
  if (input instanceof KeyObject) return new Key(input)
  if (isJsonObject(input) && Array.isArray(input.keys)) return new KeySet(input as JWKS)
  if (isJsonObject(input) && 'kty' in input) return importJWK(input)
  throw new InvalidKeyError(
    'unsupported key object: expected a Key, KeySet, JWK, JWKS or KeyObject',
  )
}

function fromString(text: string): Key | KeySet {
  const cached = stringCache.get(text)
  if (cached !== undefined) return cached
  const made = parseKeyText(text)
  stringCache.set(text, made)
  return made
}

function parseKeyText(text: string): Key | KeySet {
  if (text.length === 0)
    throw new InvalidKeyError('the key is empty; an empty key verifies nothing')
  const pem = importPem(text)
  if (pem !== undefined) return new Key(pem)
  const trimmed = text.replace(INVISIBLE, '')
  if (trimmed.startsWith('{')) {
    const json = parseJson(trimmed)
    if (isJsonObject(json) && (Array.isArray(json.keys) || 'kty' in json)) return fromObject(json)
  }
  assertNotKeyMaterialText(text)
  return new Key(createSecretKey(Buffer.from(text, 'utf8')))
}

function fromBytes(bytes: Uint8Array): Key {
  const cached = bytesCache.get(bytes)
  if (cached !== undefined && cached.copy.equals(bytes)) return cached.key
  const copy = Buffer.from(bytes)
  if (copy.length === 0)
    throw new InvalidKeyError('the key is empty; an empty key verifies nothing')
  // Bytes are a secret only when they hold no key material: DER or PEM is imported as the key it is.
  const material = parseDer(copy) ?? importPem(copy.toString('latin1'))
  if (material === undefined) assertNotKeyMaterialBytes(copy)
  const key = new Key(material ?? createSecretKey(copy))
  bytesCache.set(bytes, { copy, key })
  return key
}
