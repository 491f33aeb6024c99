import assert from 'node:assert/strict'
import { test } from 'node:test'
import { testApp } from '../support.js'

test('above info, a request logger made on first use still carries the request id', async (t) => {
  const { app, logs } = await testApp(t, { TESSERA_LOG_LEVEL: 'warn' })
  app.get('/quiet', async (request) => {
    request.log.info('not written at warn')
    return { ok: true }
  })
  app.get('/loud', async (request) => {
    request.log.child({ step: 'inner' }).warn('written at warn')
    throw new Error('boom')
  })
  const before = logs.length
  assert.equal((await app.inject('/quiet')).statusCode, 200)
  assert.equal(logs.length, before, 'nothing is logged for a quiet request')
  const loud = await app.inject({ url: '/loud', headers: { 'x-request-id': 'req-42' } })
  assert.equal(loud.statusCode, 500)
  const lines = logs.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>)
  const warned = lines.find((line) => line.msg === 'written at warn')
  assert.equal(warned?.reqId, 'req-42')
  assert.equal(warned?.step, 'inner')
  const failed = lines.find((line) => line.level === 50)
  assert.equal(failed?.reqId, 'req-42')
})

test('at info, every request line carries the request id', async (t) => {
  const { app, logs } = await testApp(t)
  const before = logs.length
  await app.inject({ url: '/health', headers: { 'x-request-id': 'req-7' } })
  const lines = logs.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>)
  assert.ok(lines.length >= 2)
  for (const line of lines) assert.equal(line.reqId, 'req-7')
})
