// `tessera keys generate`, driven as a child process: no store, a key on stdout or in a 0600 file.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { jwk, type JWK } from '@tessera/jose'
import { runCli } from './run.js'

const cli = (args: readonly string[]) => runCli(['keys', 'generate', ...args], {})

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-keygen-'))
after(() => rmSync(dir, { recursive: true, force: true }))

test('generates a private JWK for an algorithm, kid = its RFC 7638 thumbprint', async () => {
  for (const alg of ['ES256', 'EdDSA', 'PS256', 'HS384', 'ECDH-ES+A256KW', 'A128KW', 'A256GCM']) {
    const result = await cli([alg])
    assert.equal(result.code, 0, `${alg}: ${result.stderr}`)
    const key = JSON.parse(result.stdout) as JWK
    assert.equal(key.alg, alg)
    assert.ok(key.d !== undefined || key.k !== undefined, `${alg}: private`)
    assert.equal(key.kid, jwk.construct(key).thumbprint(), alg)
  }
})

test('generates by key type, curve and size', async () => {
  const cases: [string[], Partial<JWK>][] = [
    [['--kty', 'EC', '--crv', 'P-384'], { kty: 'EC', crv: 'P-384' }],
    [['--kty', 'OKP', '--crv', 'X25519'], { kty: 'OKP', crv: 'X25519' }],
    [['--kty', 'oct', '--size', '512'], { kty: 'oct' }],
  ]
  for (const [options, expected] of cases) {
    const result = await cli([...options, '--kid', 'k1', '--use', 'sig', '--json'])
    assert.equal(result.code, 0, result.stderr)
    const report = JSON.parse(result.stdout) as { privateJwk: JWK; kid: string; size: number }
    assert.equal(report.kid, 'k1')
    assert.equal(report.privateJwk.use, 'sig')
    for (const [name, value] of Object.entries(expected)) {
      assert.equal(report.privateJwk[name], value)
    }
  }
  const rsa = await cli(['--kty', 'RSA', '--size', '3072', '--json'])
  assert.equal((JSON.parse(rsa.stdout) as { size: number }).size, 3072)
})

test('--out writes the private key with mode 0600 and prints only the public half', async () => {
  const out = join(dir, 'signing.jwk')
  const result = await cli(['ES256', '--out', out, '--public'])
  assert.equal(result.code, 0, result.stderr)
  assert.equal(statSync(out).mode & 0o777, 0o600)
  const saved = JSON.parse(readFileSync(out, 'utf8')) as JWK
  assert.ok(saved.d !== undefined)
  const jwks = JSON.parse(result.stdout) as { keys: JWK[] }
  assert.equal(jwks.keys.length, 1)
  assert.equal(jwks.keys[0]!.d, undefined)
  assert.equal(jwks.keys[0]!.kid, saved.kid)
  assert.doesNotMatch(result.stdout + result.stderr, new RegExp(saved.d!))

  const json = await cli(['ES256', '--out', join(dir, 'two.jwk'), '--json'])
  const report = JSON.parse(json.stdout) as Record<string, unknown>
  assert.equal(report.privateJwk, undefined)
  assert.equal((report.publicJwk as JWK).d, undefined)
})

test('--out refuses to overwrite without --force, and --force keeps mode 0600', async () => {
  const out = join(dir, 'existing.pem')
  writeFileSync(out, 'keep me', { mode: 0o644 })
  const refused = await cli(['--kty', 'EC', '--crv', 'P-256', '--pem', '--out', out])
  assert.equal(refused.code, 2)
  assert.match(refused.stderr, /exists; add --force/)
  assert.equal(readFileSync(out, 'utf8'), 'keep me')
  const forced = await cli(['--kty', 'EC', '--crv', 'P-256', '--pem', '--out', out, '--force'])
  assert.equal(forced.code, 0, forced.stderr)
  assert.match(readFileSync(out, 'utf8'), /^-----BEGIN PRIVATE KEY-----/)
  assert.equal(statSync(out).mode & 0o777, 0o600)
  assert.doesNotMatch(forced.stdout, /PRIVATE/)
})

test('--pem prints PKCS#8, and with --out --public the SPKI public key', async () => {
  const pem = await cli(['RS256', '--pem'])
  assert.equal(pem.code, 0, pem.stderr)
  assert.match(pem.stdout, /^-----BEGIN PRIVATE KEY-----/)
  const pub = await cli(['ES256', '--pem', '--out', join(dir, 'es.pem'), '--public'])
  assert.match(pub.stdout, /^-----BEGIN PUBLIC KEY-----/)
})

test('usage errors exit 2 and say what to do', async () => {
  const cases: [string[], RegExp][] = [
    [[], /an algorithm .* or --kty/],
    [['none'], /cannot generate a key for "none"/],
    [['dir'], /the key of its enc/],
    [['ES256', '--kty', 'EC'], /not both/],
    [['--kty', 'EC'], /needs --crv/],
    [['--kty', 'DSA'], /RSA, EC, OKP or oct/],
    [['--kty', 'RSA', '--size', '1024'], /2048 to 16384/],
    [['--kty', 'oct', '--size', 'big'], /number of bits/],
    [['HS256', '--pem'], /no PEM form/],
    [['ES256', '--public'], /add --out/],
    [['ES256', '--force'], /--force only applies to --out/],
    [['HS256', '--out', join(dir, 'hs.jwk'), '--public'], /no public half/],
    [['ES256', '--use', 'both'], /sig or enc/],
  ]
  for (const [args, message] of cases) {
    const result = await cli([...args, '--json'])
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`)
    assert.match(result.stderr, message, args.join(' '))
    assert.equal((JSON.parse(result.stdout) as { ok: boolean }).ok, false)
  }
  assert.equal((await cli(['--help'])).code, 0)
})
