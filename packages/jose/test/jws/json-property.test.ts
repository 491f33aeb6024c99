// No JSON JWS, however malformed, makes jws.verifyJSON (or jws.signJSON, given any signers) throw
// anything but a JOSEError; and a mutated JWS that still verifies still gives the signed payload.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { test } from 'node:test'
import fc from 'fast-check'
import { errors, jwk, jws } from '../../src/index.js'
import { keyFor, verifyKeyFor } from '../fixtures.js'

const RUNS = Number(process.env.TESSERA_PROPERTY_RUNS ?? 1500)
const ALGS = ['HS256', 'RS256', 'ES256', 'EdDSA'] as const
const PAYLOAD = 'payload with a . and ’'

function onlyJoseErrors(fn: () => unknown): void {
  try {
    fn()
  } catch (err) {
    if (!(err instanceof errors.JOSEError)) throw err
  }
}

// Valid JWSs of every shape: general with several signatures, flattened, unprotected headers,
// unencoded, detached.
const signers = ALGS.map((alg) => ({ key: keyFor(alg), unprotectedHeader: { x: alg } }))
const valid: { jws: unknown; detached: boolean }[] = [
  { jws: jws.signJSON(PAYLOAD, signers), detached: false },
  { jws: jws.signJSON(PAYLOAD, signers.slice(1), { unencodedPayload: true }), detached: false },
  { jws: jws.signJSON(PAYLOAD, [signers[0]!], { flattened: true }), detached: false },
  { jws: jws.signJSON(PAYLOAD, [{ key: keyFor('ES256') }], { flattened: true }), detached: false },
  { jws: jws.signJSON(PAYLOAD, signers.slice(0, 2), { detached: true }), detached: true },
  {
    jws: jws.signJSON(PAYLOAD, [signers[3]!], { flattened: true, unencodedPayload: true }),
    detached: false,
  },
]

const verifiers = [
  ...ALGS.map((alg) => ({ key: verifyKeyFor(alg) as unknown, algorithms: [alg] as string[] })),
  {
    key: new jwk.KeySet([verifyKeyFor('RS256'), verifyKeyFor('ES256'), verifyKeyFor('EdDSA')]),
    algorithms: ['RS256', 'ES256', 'EdDSA'],
  },
]

type Path = (string | number)[]

/** Every path to a value inside `value`, the root included. */
function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix]
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.push(...paths(v, [...prefix, Array.isArray(value) ? Number(k) : k]))
    }
  }
  return out
}

/** A deep copy of `value` with the value at `path` replaced (or deleted, when `replacement` is DELETE). */
const DELETE = Symbol('delete')
function edit(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement === DELETE ? undefined : replacement
  const copy = structuredClone(value) as Record<string | number, unknown>
  let parent: unknown = copy
  for (const step of path.slice(0, -1)) {
    // A path through a value that is not an object (cloning can drop odd members): nothing to edit.
    if (typeof parent !== 'object' || parent === null) return copy
    parent = (parent as Record<string | number, unknown>)[step]
  }
  if (typeof parent !== 'object' || parent === null) return copy
  const last = path[path.length - 1]!
  if (replacement === DELETE) {
    if (Array.isArray(parent)) parent.splice(last as number, 1)
    else delete (parent as Record<string | number, unknown>)[last]
  } else {
    ;(parent as Record<string | number, unknown>)[last] = replacement
  }
  return copy
}

const strings = fc.oneof(
  fc.string(),
  fc.constantFrom('', '=', 'A', 'AA', 'AAA', 'e30', 'eyJhbGciOiJIUzI1NiJ9', 'none', 'HS256', 'b64'),
)

const replacement = fc.oneof(
  fc.constant(DELETE),
  strings,
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    { alg: fc.constantFrom(...ALGS, 'none', 'HS999'), kid: fc.string() },
    { requiredKeys: [] },
  ),
  fc.record({ crit: fc.array(fc.string()), b64: fc.anything() }, { requiredKeys: [] }),
  fc.anything(),
)

// A valid JWS with one to three edits: a value replaced, deleted, or a member added.
const mutatedObject = fc
  .tuple(
    fc.nat({ max: valid.length - 1 }),
    fc.array(fc.tuple(fc.nat(), replacement, fc.option(fc.string(), { nil: undefined })), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([index, edits]) => {
    let value: unknown = valid[index]!.jws
    for (const [at, newValue, member] of edits) {
      const all = paths(value)
      const path = all[at % all.length]!
      value = edit(value, member === undefined ? path : [...path, member], newValue)
    }
    return { index, value }
  })

// The same JWSs as JSON text, with character edits.
const jsonChars = fc.constantFrom(...'{}[]",:.=\\ 0aAeyJ-_/+\u00ff\ud800'.split(''))
const mutatedText = fc
  .tuple(
    fc.nat({ max: valid.length - 1 }),
    fc.array(
      fc.tuple(fc.constantFrom('replace', 'insert', 'delete', 'truncate'), fc.nat(), jsonChars),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
  )
  .map(([index, edits]) => {
    let text = JSON.stringify(valid[index]!.jws)
    for (const [kind, at, char] of edits) {
      const i = text.length === 0 ? 0 : at % text.length
      if (kind === 'replace') text = text.slice(0, i) + char + text.slice(i + 1)
      else if (kind === 'insert') text = text.slice(0, i) + char + text.slice(i)
      else if (kind === 'delete') text = text.slice(0, i) + text.slice(i + 1)
      else text = text.slice(0, i)
    }
    return { index, value: text as unknown }
  })

const anyInput = fc.oneof(
  mutatedObject,
  mutatedText,
  fc.record({ index: fc.constant(-1), value: fc.oneof(fc.anything(), fc.json(), fc.string()) }),
)

test('verifyJSON throws only JOSEErrors, and what verifies is the signed payload', () => {
  fc.assert(
    fc.property(
      anyInput,
      fc.nat({ max: verifiers.length - 1 }),
      fc.option(fc.oneof(fc.constant(PAYLOAD), fc.anything()), { nil: undefined }),
      ({ index, value }, v, detachedPayload) => {
        const { key, algorithms } = verifiers[v]!
        const detached = index >= 0 && valid[index]!.detached ? PAYLOAD : detachedPayload
        try {
          const result = jws.verifyJSON(value as never, key as never, algorithms, {
            detachedPayload: detached as never,
          })
          assert.ok(Buffer.isBuffer(result.payload))
          assert.equal(result.payload.toString(), PAYLOAD, 'a mutated JWS verified another payload')
        } catch (err) {
          if (!(err instanceof errors.JOSEError)) throw err
        }
      },
    ),
    { numRuns: RUNS },
  )
})

test('signJSON with any signers and options gives a JWS or a JOSEError', () => {
  const signer = fc.oneof(
    fc.record(
      {
        key: fc.oneof(fc.constantFrom(...ALGS.map(keyFor)), fc.anything()),
        algorithm: fc.oneof(fc.constantFrom(...ALGS, 'none'), fc.anything()),
        protectedHeader: fc.oneof(
          fc.jsonValue(),
          fc.anything(),
          fc.record({ crit: fc.anything(), b64: fc.anything() }),
        ),
        unprotectedHeader: fc.oneof(
          fc.jsonValue(),
          fc.anything(),
          fc.record({ kid: fc.anything(), alg: fc.string() }),
        ),
      },
      { requiredKeys: ['key'] },
    ),
    fc.anything(),
  )
  fc.assert(
    fc.property(
      fc.oneof(fc.string(), fc.uint8Array(), fc.jsonValue(), fc.anything()),
      fc.oneof(fc.array(signer, { maxLength: 3 }), fc.anything()),
      fc.oneof(
        fc.record(
          {
            flattened: fc.anything(),
            detached: fc.boolean(),
            unencodedPayload: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
        fc.anything(),
      ),
      (payload, list, options) => {
        onlyJoseErrors(() => {
          const signed = jws.signJSON(payload as never, list as never, options as never)
          // What signJSON makes, verifyJSON reads without a stray error either.
          onlyJoseErrors(() => jws.verifyJSON(signed, verifyKeyFor('HS256'), ['HS256']))
        })
      },
    ),
    { numRuns: Math.ceil(RUNS / 3) },
  )
})
