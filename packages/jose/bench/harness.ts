// What the JWT and JWE benchmarks share: the settings read from the environment, the timing (warm
// up, calibrate, interleaved rounds in slices), and the Markdown report (medians, ratios to the
// floor, paired per-round ratios, targets). Each benchmark supplies its contenders and checks.
import { availableParallelism, cpus } from 'node:os'

/** One timed operation. */
export type Op = () => unknown

/** A library under test, for one algorithm at a time. */
export interface Contender<A extends string> {
  name: string
  /** Builds the operation for an algorithm, or returns undefined when the library lacks it. */
  make(alg: A): Promise<Op | undefined>
  async?: boolean
}

/** One contender on one algorithm, with its batch size and the ops/s of each round. */
export interface Cell<A extends string> {
  contender: Contender<A>
  alg: A
  op: Op
  batch: number
  samples: number[]
}

/** A ratio to report: `a / b`, a target when `min` is given, for `algs` (default: all). */
export interface Target<A extends string> {
  label: string
  a: string
  b: string
  min?: number
  algs?: readonly A[]
}

/** The name of the node:crypto floor, which always runs. */
export const FLOOR = 'node:crypto floor'

/** A positive number from the environment, or the fallback. */
export function readPositive(name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`)
  return value
}

/** The algorithms named in BENCH_ALGS, or all of them. */
export function readAlgs<A extends string>(all: readonly A[]): A[] {
  const text = process.env.BENCH_ALGS
  if (text === undefined || text === '') return [...all]
  const names = text.split(',').map((name) => name.trim())
  for (const name of names) {
    if (!all.includes(name as A)) throw new Error(`BENCH_ALGS: unknown algorithm ${name}`)
  }
  return names as A[]
}

const BATCH_MS = readPositive('BENCH_MS', 50)
// A pattern for the contenders to run (the floor always runs), e.g. BENCH_ONLY='Tessera'.
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : undefined
const CPU_CLOCK = process.env.BENCH_CLOCK === 'cpu'
const SLICES = 5
const gc = (globalThis as { gc?: (options?: { type: 'minor' }) => void }).gc
// Before each timed slice: a scavenge, so that no contender pays for another's young garbage.
const minorGc = gc && (() => gc({ type: 'minor' }))

let sink: unknown

// Seconds on the chosen clock: wall time by default; with BENCH_CLOCK=cpu, the CPU time of the
// process (user + system, all threads), which leaves out the time a busy machine keeps it waiting.
const clock = (): number => {
  if (CPU_CLOCK) {
    const { user, system } = process.cpuUsage()
    return (user + system) / 1e6
  }
  return Number(process.hrtime.bigint()) / 1e9
}

function runSync(op: Op, n: number): number {
  const start = clock()
  for (let i = 0; i < n; i++) sink = op()
  return clock() - start
}

async function runAsync(op: Op, n: number): Promise<number> {
  const start = clock()
  for (let i = 0; i < n; i++) sink = await op()
  return clock() - start
}

const time = <A extends string>(cell: Cell<A>, n: number): number | Promise<number> =>
  cell.contender.async === true ? runAsync(cell.op, n) : runSync(cell.op, n)

// Warms the operation up and sizes its batch to about BENCH_MS.
async function calibrate<A extends string>(cell: Cell<A>): Promise<void> {
  let n = 8
  let seconds = await time(cell, n)
  while (seconds < 0.02) {
    n *= 2
    seconds = await time(cell, n)
  }
  seconds = await time(cell, n) // once more, warm
  const perSlice = Math.max(2, Math.round(((n / seconds) * (BATCH_MS / 1000)) / SLICES))
  cell.batch = perSlice * SLICES
}

/**
 * Builds, checks and collects the cells of a group of contenders: `check` must throw unless the
 * operation really works (and refuses what it must refuse). BENCH_ONLY leaves contenders out.
 */
export async function prepare<A extends string>(
  algs: readonly A[],
  contenders: readonly Contender<A>[],
  check: (contender: Contender<A>, alg: A, op: Op) => Promise<void>,
): Promise<Cell<A>[]> {
  const cells: Cell<A>[] = []
  for (const alg of algs) {
    for (const contender of contenders) {
      if (ONLY !== undefined && contender.name !== FLOOR && !ONLY.test(contender.name)) continue
      const op = await contender.make(alg)
      if (op === undefined) continue
      await check(contender, alg, op)
      cells.push({ contender, alg, op, batch: 0, samples: [] })
    }
  }
  return cells
}

/**
 * Calibrates every cell, then runs `rounds` rounds: for each algorithm and group, every contender's
 * batch, in SLICES parts interleaved with the others' parts (so every contender of a row sees the
 * same share of whatever else the machine does), in an order rotated each round.
 */
export async function measure<A extends string>(
  algs: readonly A[],
  groups: readonly Cell<A>[][],
  rounds: number,
  log: (text: string) => void,
): Promise<void> {
  const started = Date.now()
  log('warming up and calibrating')
  for (const group of groups) for (const cell of group) await calibrate(cell)
  for (let round = 0; round < rounds; round++) {
    gc?.()
    for (const alg of algs) {
      for (const group of groups) {
        const row = group.filter((cell) => cell.alg === alg)
        const seconds = new Map(row.map((cell) => [cell, 0]))
        for (let slice = 0; slice < SLICES; slice++) {
          for (let i = 0; i < row.length; i++) {
            const cell = row[(i + round + slice) % row.length]!
            minorGc?.()
            seconds.set(cell, seconds.get(cell)! + (await time(cell, cell.batch / SLICES)))
          }
        }
        for (const cell of row) cell.samples.push(cell.batch / seconds.get(cell)!)
      }
    }
    log(`round ${round + 1}/${rounds} done (${((Date.now() - started) / 1000).toFixed(0)} s)`)
  }
  if (sink === Symbol.for('never')) log('') // keeps the results observable
}

/** The machine and method line under a report's title. */
export function describeRun(rounds: number, started: number, what = ''): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  return (
    `Node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores (${cpu}); ` +
    what +
    `${rounds} rounds of ~${BATCH_MS} ms per contender and algorithm; clock: ${CPU_CLOCK ? 'process CPU time' : 'wall'}; ` +
    `GC between batches: ${gc === undefined ? 'no (run with --expose-gc)' : 'yes'}; ` +
    `${((Date.now() - started) / 1000).toFixed(0)} s in all.`
  )
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const formatOps = (ops: number): string => Math.round(ops).toLocaleString('en-US')
const ratio = (value: number): string => `${value.toFixed(2)}x`

function find<A extends string>(cells: Cell<A>[], name: string, alg: A): Cell<A> | undefined {
  return cells.find((cell) => cell.contender.name === name && cell.alg === alg)
}

/** A table of median ops/s, each with its ratio to the floor; `column` names each algorithm. */
export function table<A extends string>(
  title: string,
  algs: readonly A[],
  contenders: readonly Contender<A>[],
  cells: Cell<A>[],
  column: (alg: A) => string = (alg) => alg,
): string[] {
  const lines = [
    `### ${title}: median ops/s (ratio to the node:crypto floor)`,
    '',
    `| ${['', ...algs.map(column)].join(' | ')} |`,
    `|${[':--', ...algs.map(() => '--:')].join('|')}|`,
  ]
  for (const contender of contenders) {
    if (!cells.some((cell) => cell.contender === contender)) continue // left out by BENCH_ONLY
    const row = algs.map((alg) => {
      const cell = find(cells, contender.name, alg)
      const floor = find(cells, FLOOR, alg)
      if (cell === undefined || floor === undefined) return 'n/a'
      const ops = median(cell.samples)
      return `${formatOps(ops)} (${ratio(ops / median(floor.samples))})`
    })
    lines.push(`| ${[contender.name, ...row].join(' | ')} |`)
  }
  return lines
}

// Median over the rounds of a / b, each round's samples paired.
function paired<A extends string>(a: Cell<A>, b: Cell<A>): number {
  return median(a.samples.map((value, i) => value / b.samples[i]!))
}

/** The header of a targets table. */
export const TARGETS_HEADER = [
  '| op | comparison | alg | ratio | paired | target | |',
  '|:--|:--|:--|--:|--:|--:|:--|',
]

/** Rows of the targets table: the ratio of medians and the paired ratio, met or not. */
export function targets<A extends string>(
  kind: string,
  algs: readonly A[],
  cells: Cell<A>[],
  list: readonly Target<A>[],
): string[] {
  const lines: string[] = []
  for (const target of list) {
    for (const alg of algs) {
      const a = find(cells, target.a, alg)
      const b = find(cells, target.b, alg)
      if (a === undefined || b === undefined) continue
      const ofMedians = median(a.samples) / median(b.samples)
      const applies = target.min !== undefined && (target.algs ?? algs).includes(alg)
      const goal = applies ? `>= ${target.min!.toFixed(2)}x` : '(info)'
      const met = !applies ? '' : ofMedians >= target.min! ? 'met' : 'NOT met'
      lines.push(
        `| ${kind} | ${target.label} | ${alg} | ${ratio(ofMedians)} | ${ratio(paired(a, b))} | ${goal} | ${met} |`,
      )
    }
  }
  return lines
}
