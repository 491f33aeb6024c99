// `npm start` as a child process: the first start prints the admin password once, requests in
// flight finish after SIGTERM and the process exits 0; a configuration error exits 78, naming the
// variable.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { liveServer } from './server.js'

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url))

interface Child {
  child: ChildProcess
  stdout: string[]
  stderr: string[]
  exited: Promise<number | null>
}

function run(t: TestContext, env: Record<string, string>): Child {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-main-'))
  const child = spawn(process.execPath, [MAIN], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', TESSERA_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stdout: string[] = []
  const stderr: string[] = []
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })
  return { child, stdout, stderr, exited }
}

async function listeningPort(child: Child): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(child.stdout.join(''))
    if (match !== null) return Number(match[1])
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`the server did not start: ${child.stderr.join('')}`)
}

function post(port: number, path: string, body: object): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      port,
      path,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    })
    req.on('response', (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode!, body: text }))
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

test('first start prints the admin password; SIGTERM lets requests finish, then exits 0', async (t) => {
  const server = run(t, {})
  const port = await listeningPort(server)
  const password = /\n {4}(\S+)\n/.exec(server.stderr.join(''))![1]!
  assert.ok(!server.stdout.join('').includes(password), 'not in the log')
  // Logins with OWASP's argon2 parameters take a while: SIGTERM arrives once all six have been
  // received (the log says so) and while they are still running.
  const logins = Array.from({ length: 6 }, () =>
    post(port, '/auth/login', { username: 'admin', password }),
  )
  const received = () => server.stdout.join('').split('"incoming request"').length - 1
  while (received() < 6) await new Promise((resolve) => setTimeout(resolve, 2))
  server.child.kill('SIGTERM')
  const results = await Promise.all(logins)
  assert.deepEqual(
    results.map((r) => r.status),
    [200, 200, 200, 200, 200, 200],
  )
  const started = Date.now()
  assert.equal(await server.exited, 0)
  assert.ok(Date.now() - started < 3000, 'keep-alive connections do not hold the shutdown')
  assert.match(server.stdout.join(''), /"msg":"stopped"/)
})

test('a configuration error exits 78 and names the variable', async (t) => {
  const server = run(t, { NODE_ENV: 'production', TESSERA_PORT: 'eighty' })
  assert.equal(await server.exited, 78)
  const stderr = server.stderr.join('')
  assert.match(stderr, /TESSERA_PORT must be an integer/)
  assert.match(stderr, /TESSERA_MASTER_KEY is required in production/)
})

test('a request that arrives while the app closes gets our 503, with our headers', async (t) => {
  const { app, url } = await liveServer(t)
  // A request whose headers are half sent keeps its connection busy through the close; the rest
  // arrives once the app is closing.
  const socket = connect(Number(new URL(url).port), '127.0.0.1')
  let text = ''
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()))
  const ended = new Promise((resolve) => socket.on('close', resolve))
  await new Promise((resolve) => socket.on('connect', resolve))
  socket.write('GET /health HTTP/1.1\r\nHost: x\r\n')
  // By the time another request has its answer, the server has read those bytes.
  assert.equal((await fetch(`${url}/health`)).status, 200)
  const closing = app.close()
  socket.end('Accept: application/json\r\n\r\n')
  await Promise.all([ended, closing])
  const [head = '', body = ''] = text.split('\r\n\r\n')
  const headers = head.toLowerCase().split('\r\n')
  assert.match(headers[0]!, /^http\/1.1 503 /)
  for (const header of [
    'cache-control: no-store',
    'x-content-type-options: nosniff',
    "content-security-policy: default-src 'none';frame-ancestors 'none'",
    'connection: close',
    'content-type: application/json; charset=utf-8',
  ]) {
    assert.ok(headers.includes(header), header)
  }
  const parsed = JSON.parse(body) as Record<string, unknown>
  assert.deepEqual(Object.keys(parsed).sort(), ['error', 'request_id'])
  assert.equal(parsed.error, 'temporarily_unavailable')
  assert.ok(headers.includes(`x-request-id: ${String(parsed.request_id)}`))
})
