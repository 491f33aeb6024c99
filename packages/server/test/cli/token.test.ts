// `tessera token decode|inspect|verify`, driven as a child process against the built CLI.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { jwe, jwk, jwt } from '@tessera/jose'
import { runCli } from './run.js'

const cli = (args: readonly string[], stdin?: string) => runCli(args, {}, stdin)

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-token-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, content: string) => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const signing = jwk.generate('ES256')
const other = jwk.generate('ES256')
const secret = 'a shared secret that is long enough for HS256!'
const now = Math.floor(Date.now() / 1000)
const claims = { sub: 'u1', aud: 'api', iss: 'https://id.example', iat: now, exp: now + 600 }
const token = jwt.encode(claims, signing, { algorithm: 'ES256' })
const expired = jwt.encode({ sub: 'u1', exp: now - 600 }, signing, { algorithm: 'ES256' })
const hs = jwt.encode({ sub: 'u2' }, secret, { algorithm: 'HS256' })
const pem = file('public.pem', signing.toPEM())
const publicJwk = file('public.jwk', JSON.stringify(signing.toJWK()))
const jwks = file('jwks.json', JSON.stringify({ keys: [signing.toJWK()] }))
const wrongJwks = file('wrong.json', JSON.stringify({ keys: [other.toJWK()] }))
const secretFile = file('secret.txt', `${secret}\n`)
const kek = jwk.generate('A256KW')
const kekFile = file('kek.jwk', JSON.stringify(kek.toJWK({ private: true })))
const encrypted = jwe.encrypt(JSON.stringify({ sub: 'u3' }), kek, {
  algorithm: 'A256KW',
  encryption: 'A256GCM',
})

test('decode prints the header and claims of a JWT from an argument or stdin', async () => {
  const fromArg = await cli(['token', 'decode', token, '--json'])
  assert.equal(fromArg.code, 0)
  const report = JSON.parse(fromArg.stdout) as Record<string, unknown>
  assert.equal(report.type, 'JWS')
  assert.equal(report.verified, false)
  assert.deepEqual(report.claims, claims)
  const fromStdin = await cli(['token', 'decode'], `Bearer ${token}\n`)
  assert.equal(fromStdin.code, 0)
  assert.match(fromStdin.stdout, /NOT verified/)
  assert.match(fromStdin.stdout, /"sub": "u1"/)
})

test('a token from a slow pipe is waited for (curl ... | tessera token decode)', async () => {
  const slow = await runCli(['token', 'decode', '--json'], {}, `${token}\n`, 700)
  assert.equal(slow.code, 0, slow.stderr)
  assert.deepEqual((JSON.parse(slow.stdout) as { claims: unknown }).claims, claims)
})

test('decode shows a JWE header, and its claims with --key', async () => {
  const header = await cli(['token', 'decode', '--json'], encrypted)
  assert.equal(header.code, 0)
  assert.deepEqual(JSON.parse(header.stdout), {
    ok: true,
    type: 'JWE',
    verified: false,
    header: { alg: 'A256KW', enc: 'A256GCM' },
  })
  const opened = await cli(['token', 'decode', '--key', kekFile, '--json'], encrypted)
  assert.equal(opened.code, 0)
  assert.deepEqual((JSON.parse(opened.stdout) as { claims: unknown }).claims, { sub: 'u3' })
})

test('inspect explains the times and says whether the token expired', async () => {
  const result = await cli(['token', 'inspect', '--json'], expired)
  assert.equal(result.code, 0)
  const report = JSON.parse(result.stdout) as { expired: boolean; times: { exp: string } }
  assert.equal(report.expired, true)
  assert.equal(report.times.exp, new Date((now - 600) * 1000).toISOString())
  const human = await cli(['token', 'inspect', token])
  assert.match(human.stdout, /expired: no/)
})

test('verify accepts a good token with a PEM, a JWK, a JWKS file and a secret', async () => {
  for (const key of [
    ['--key', pem],
    ['--key', publicJwk],
    ['--jwks', jwks],
  ]) {
    const result = await cli(
      ['token', 'verify', '--alg', 'ES256', ...key, '--aud', 'api', '--iss', claims.iss, '--json'],
      token,
    )
    assert.equal(result.code, 0, result.stderr)
    const report = JSON.parse(result.stdout) as { verified: boolean; claims: unknown }
    assert.equal(report.verified, true)
    assert.deepEqual(report.claims, claims)
  }
  const last = await cli([
    'token',
    'verify',
    '--key',
    pem,
    '--alg',
    'RS256,ES256',
    '--aud',
    'api',
    token,
  ])
  assert.equal(last.code, 0, `the token after a repeatable option is the argument: ${last.stderr}`)
  const repeated = await cli(
    [
      'token',
      'verify',
      '--key',
      pem,
      '--alg',
      'RS256',
      '--alg',
      'ES256',
      '--aud',
      'x',
      '--aud',
      'api',
    ],
    token,
  )
  assert.equal(repeated.code, 0, repeated.stderr)
  const hmac = await cli(['token', 'verify', '--alg', 'HS256', '--key', secretFile, hs])
  assert.equal(hmac.code, 0, hmac.stderr)
  assert.match(hmac.stdout, /JWS, verified/)
  assert.doesNotMatch(hmac.stdout + hmac.stderr, /shared secret/)
})

test('verify fetches a JWKS URL', async (t) => {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: [signing.toJWK()] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}/.well-known/jwks.json`
  const good = await cli(
    ['token', 'verify', '--alg', 'ES256', '--jwks', url, '--aud', 'api'],
    token,
  )
  assert.equal(good.code, 0, good.stderr)
  const bad = await cli(['token', 'verify', '--alg', 'ES256', '--jwks', url], hs)
  assert.equal(bad.code, 1)
})

test('verify exits 1 for a token that fails, saying why', async () => {
  const cases: [string[], string, RegExp][] = [
    [['--key', pem, '--aud', 'other'], token, /audience/],
    [['--key', pem], token, /needs a matching --aud/],
    [['--key', pem, '--aud', 'api', '--iss', 'https://elsewhere'], token, /issuer/],
    [['--key', pem], expired, /expired/],
    [['--jwks', wrongJwks], token, /invalid token/],
    [['--key', pem], `${token.slice(0, -4)}AAAA`, /invalid token/],
  ]
  for (const [options, input, message] of cases) {
    const result = await cli(['token', 'verify', '--alg', 'ES256', ...options, '--json'], input)
    assert.equal(result.code, 1, `${options.join(' ')}: ${result.stderr}`)
    assert.match(result.stderr, message)
    assert.equal((JSON.parse(result.stdout) as { ok: boolean }).ok, false)
  }
  const wrongAlg = await cli(['token', 'verify', '--alg', 'RS256', '--key', pem], token)
  assert.equal(wrongAlg.code, 1)
  const notToken = await cli(['token', 'decode', 'not-a-token'])
  assert.equal(notToken.code, 1)
  assert.match(notToken.stderr, /a JWT has 3 and a JWE 5/)
  const wrongKek = file('kek2.jwk', JSON.stringify(jwk.generate('A256KW').toJWK({ private: true })))
  assert.equal((await cli(['token', 'verify', '--key', wrongKek], encrypted)).code, 1)
})

test('verify usage errors exit 2 and say what to do', async () => {
  const noAlg = await cli(['token', 'verify', '--key', pem], token)
  assert.equal(noAlg.code, 2)
  assert.match(noAlg.stderr, /--alg is required/)
  const noKey = await cli(['token', 'verify', '--alg', 'ES256'], token)
  assert.equal(noKey.code, 2)
  assert.match(noKey.stderr, /--key <file> or --jwks/)
  const both = await cli(['token', 'verify', '--alg', 'ES256', '--key', pem, '--jwks', jwks], token)
  assert.equal(both.code, 2)
  const missing = await cli(
    ['token', 'verify', '--alg', 'ES256', '--key', join(dir, 'nope')],
    token,
  )
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /cannot read the key file/)
  const notJwks = await cli(['token', 'verify', '--alg', 'ES256', '--jwks', pem], token)
  assert.equal(notJwks.code, 2)
  const empty = await cli(['token', 'decode'], '\n')
  assert.equal(empty.code, 2)
  assert.equal((await cli(['token', 'decode', '--bogus'])).code, 2)
  assert.equal((await cli(['token', 'verify', '--help'])).code, 0)
  assert.equal((await cli(['token'])).code, 2)
})
