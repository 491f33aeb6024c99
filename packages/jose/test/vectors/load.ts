// Shared helpers for the conformance suite. The vectors are data, read at test time from
// `<repo root>/../shared/vectors` (or from $TESSERA_VECTORS_DIR); they are never copied into the
// repository. When the folder or a file is missing, the tests that need it are skipped with a
// message that says where they looked, so a checkout without the vectors still passes.
import { Buffer } from 'node:buffer'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { errors } from '../../src/index.js'

/** Where the vectors are, or why they are not available. */
export type VectorsLocation =
  { dir: string; missing?: undefined } | { dir?: undefined; missing: string }

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** The repository root: the first directory above this file holding package-lock.json and packages/. */
export function findRepoRoot(start = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = resolve(start)
  for (;;) {
    if (existsSync(join(dir, 'package-lock.json')) && isDirectory(join(dir, 'packages'))) return dir
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

function locateVectors(): VectorsLocation {
  const override = process.env.TESSERA_VECTORS_DIR
  if (override !== undefined && override !== '') {
    const dir = resolve(override)
    return isDirectory(dir)
      ? { dir }
      : { missing: `TESSERA_VECTORS_DIR points to ${dir}, which is not a directory` }
  }
  const root = findRepoRoot()
  if (root === undefined) {
    return { missing: 'the repository root (package-lock.json + packages/) was not found' }
  }
  const dir = resolve(root, '..', 'shared', 'vectors')
  return isDirectory(dir)
    ? { dir }
    : { missing: `no vectors folder at ${dir} (set TESSERA_VECTORS_DIR to use another one)` }
}

/** The vectors folder, located once per process. */
export const VECTORS: VectorsLocation = locateVectors()

/** Why a vector file cannot be used, or undefined when it can. */
export function unavailable(relativePath: string): string | undefined {
  if (VECTORS.dir === undefined) return `conformance vectors unavailable: ${VECTORS.missing}`
  const path = join(VECTORS.dir, relativePath)
  return existsSync(path) ? undefined : `conformance vector file missing: ${path}`
}

/** Parses a vector file (JSON). Only call this from a test that {@link vectorTest} registered. */
export function readVectors<T>(relativePath: string): T {
  if (VECTORS.dir === undefined) throw new Error(`vectors unavailable: ${VECTORS.missing}`)
  return JSON.parse(readFileSync(join(VECTORS.dir, relativePath), 'utf8')) as T
}

/**
 * Registers a test that needs the given vector files; it is skipped, never failed, when any of them
 * is missing.
 */
export function vectorTest(
  name: string,
  files: string | readonly string[],
  fn: () => void | Promise<void>,
): void {
  const list = typeof files === 'string' ? [files] : files
  const skip = list.map(unavailable).find((reason) => reason !== undefined)
  if (skip !== undefined) test(name, { skip }, () => {})
  else test(name, fn)
}

/** Lower-case hex (the Wycheproof encoding of byte strings) to bytes. */
export function hex(text: string): Buffer {
  return Buffer.from(text, 'hex')
}

/** A Wycheproof expected result. */
export type WycheproofResult = 'valid' | 'invalid' | 'acceptable'

/** The common shape of a Wycheproof test. */
export interface WycheproofTest {
  tcId: number
  comment: string
  flags: string[]
  result: WycheproofResult
}

/** The common shape of a Wycheproof file; `G` is the group type. */
export interface WycheproofFile<G> {
  algorithm?: string
  numberOfTests: number
  testGroups: G[]
}

/** What happened when a library call was made: accepted, or rejected (false or an error). */
export type Outcome = { accepted: true } | { accepted: false; error?: unknown }

/**
 * Runs a verification. A return of `false` is a rejection; any other return is an acceptance; a
 * throw is a rejection carrying the error.
 */
export function attempt(fn: () => unknown): Outcome {
  try {
    return fn() === false ? { accepted: false } : { accepted: true }
  } catch (error) {
    return { accepted: false, error }
  }
}

/** A short description of an outcome for failure messages (error messages never hold secrets). */
export function describeOutcome(outcome: Outcome): string {
  if (outcome.accepted) return 'accepted'
  if (outcome.error === undefined) return 'rejected (returned false)'
  const error = outcome.error
  return error instanceof Error
    ? `rejected (${error.constructor.name}: ${error.message})`
    : `rejected (non-Error thrown: ${String(error)})`
}

/**
 * Checks an outcome against what is required: acceptance, or a rejection that is `false` or a
 * JOSEError (any other error is a bug: it means some input reached code that did not expect it).
 * Returns a problem description, or undefined when the outcome is right.
 */
export function problem(mustAccept: boolean, outcome: Outcome): string | undefined {
  if (mustAccept)
    return outcome.accepted ? undefined : `expected acceptance, got ${describeOutcome(outcome)}`
  if (outcome.accepted) return 'expected rejection, got acceptance'
  if (outcome.error !== undefined && !(outcome.error instanceof errors.JOSEError)) {
    return `rejected, but with an error outside the JOSEError tree: ${describeOutcome(outcome)}`
  }
  return undefined
}

/** Counts for one vector file, and the summary line printed for it. */
export class Tally {
  /** Vectors evaluated (including known exceptions and weak-key cases). */
  run = 0
  /** Vectors whose outcome matched their label (or the pinned decision for `acceptable`). */
  asExpected = 0
  readonly byLabel: Record<WycheproofResult, number> = { valid: 0, invalid: 0, acceptable: 0 }
  /** tcIds handled as known exceptions (defective or policy-dependent vectors). */
  readonly exceptions: number[] = []
  /** Vectors not run, by reason. */
  readonly skipped = new Map<string, number>()
  /** Extra notes for the summary line. */
  readonly notes: string[] = []
  /** Everything that went wrong; the test asserts this is empty. */
  readonly failures: string[] = []

  /** Records a vector judged against its label; `tcId` may be a name for non-Wycheproof examples. */
  record(label: WycheproofResult, tcId: number | string, issue: string | undefined): void {
    this.run += 1
    this.byLabel[label] += 1
    if (issue === undefined) this.asExpected += 1
    else this.failures.push(`${typeof tcId === 'number' ? `tcId ${tcId}` : tcId}: ${issue}`)
  }

  /** Records a known exception; `issue` says how our pinned behaviour was not met, if it was not. */
  exception(tcId: number, issue: string | undefined): void {
    this.run += 1
    this.exceptions.push(tcId)
    if (issue !== undefined) this.failures.push(`tcId ${tcId} (known exception): ${issue}`)
  }

  /** Records vectors left out on purpose. */
  skip(reason: string, count = 1): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + count)
  }

  get skippedCount(): number {
    let total = 0
    for (const count of this.skipped.values()) total += count
    return total
  }

  /** The one-line summary, e.g. `... 262 run, 262 as expected (valid 173, invalid 89, acceptable 0)`. */
  summary(name: string): string {
    const { valid, invalid, acceptable } = this.byLabel
    let line = `${name}: ${this.run} run, ${this.asExpected} as expected (valid ${valid}, invalid ${invalid}, acceptable ${acceptable})`
    if (this.exceptions.length > 0) {
      line += `; ${this.exceptions.length} known exceptions, behaviour pinned (tcIds ${this.exceptions.join(', ')})`
    }
    for (const [reason, count] of this.skipped) line += `; ${count} skipped: ${reason}`
    for (const note of this.notes) line += `; ${note}`
    if (this.failures.length > 0) line += `; ${this.failures.length} FAILED`
    return line
  }

  /** Prints the summary and throws with every failure listed, if there were any. */
  finish(name: string, expectedTotal?: number): void {
    console.log(this.summary(name))
    if (expectedTotal !== undefined && this.run + this.skippedCount !== expectedTotal) {
      this.failures.push(
        `accounted for ${this.run + this.skippedCount} vectors, but the file has ${expectedTotal}`,
      )
    }
    if (this.failures.length > 0) {
      const shown = this.failures.slice(0, 40)
      const more = this.failures.length - shown.length
      throw new Error(
        `${name}: ${this.failures.length} problem(s)\n  ${shown.join('\n  ')}${more > 0 ? `\n  ... and ${more} more` : ''}`,
      )
    }
  }
}
