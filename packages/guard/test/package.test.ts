// The published shape: one runtime dependency (@tessera/jose), fastify only as an optional peer,
// compiled code that imports nothing else, and every entry point resolving through node_modules.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { test } from 'node:test'

const root = new URL('../../', import.meta.url)
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  exports: Record<string, unknown>
}

test('the only runtime dependency is @tessera/jose; fastify is an optional peer', () => {
  assert.deepEqual(Object.keys(pkg.dependencies ?? {}), ['@tessera/jose'])
  assert.deepEqual(Object.keys(pkg.peerDependencies ?? {}), ['fastify'])
  assert.equal(pkg.peerDependenciesMeta?.fastify?.optional, true)
})

test('compiled code imports only @tessera/jose, node: built-ins and its own files', () => {
  const dir = new URL('dist/src/', root)
  const files = readdirSync(dir).filter((name) => name.endsWith('.js'))
  assert.ok(files.length > 5)
  for (const file of files) {
    const code = readFileSync(new URL(file, dir), 'utf8')
    const specifiers = [...code.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+'([^']+)'/gm)]
      .map((match) => match[1]!)
      .concat([...code.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((match) => match[1]!))
    for (const specifier of specifiers) {
      const allowed =
        specifier === '@tessera/jose' || specifier.startsWith('node:') || specifier.startsWith('./')
      assert.ok(allowed, `${file} imports ${specifier}`)
    }
  }
})

test('the entry points resolve through node_modules and export what the README uses', async () => {
  assert.deepEqual(Object.keys(pkg.exports), ['.', './fastify', './package.json'])
  const main = await import('@tessera/guard')
  for (const name of [
    'createGuard',
    'expressGuard',
    'failureResponse',
    'GuardError',
    'GuardOptionsError',
  ]) {
    assert.equal(typeof (main as Record<string, unknown>)[name], 'function', name)
  }
  const fastify = await import('@tessera/guard/fastify')
  assert.equal(typeof fastify.fastifyGuard, 'function')
})
