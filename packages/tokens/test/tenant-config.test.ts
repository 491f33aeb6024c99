import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as errors from '../src/errors.js'
import { DEFAULT_TENANT_CONFIG, resolveTenantConfig } from '../src/tenant-config.js'

test('tenant settings default as the issue says and are checked', () => {
  const config = resolveTenantConfig()
  assert.equal(config.accessTokenTtl, 15 * 60)
  assert.equal(config.refreshIdleTtl, 7 * 24 * 3600)
  assert.equal(config.sessionAbsoluteTtl, 30 * 24 * 3600)
  assert.equal(config.reuseGraceSeconds, 30)
  assert.equal(config.maxLoginAttempts, 5)
  assert.equal(config.lockoutMinutes, 30)
  assert.equal(config.signingAlgorithm, 'ES256')
  assert.deepEqual(resolveTenantConfig({}), DEFAULT_TENANT_CONFIG)
  for (const bad of [
    { accessTokenTtl: 0 },
    { accessTokenTtl: 1.5 },
    { maxLoginAttempts: -1 },
    { reuseGraceSeconds: -1 },
    { issuer: '' },
    { signingAlgorithm: 7 },
    { signingAlgorithm: 'none' },
    { signingAlgorithm: 'RSA-OAEP' },
    { lockoutMinutes: 1e12 },
    { accessTokenTtl: 10 * 365 * 24 * 3600 + 1 },
    { maxLoginAttempts: 1e9 },
    { reuseGraceSeconds: 1e15 },
    { sessionAbsoluteTtl: 60, accessTokenTtl: 900 },
  ]) {
    assert.throws(
      () => resolveTenantConfig(bad as never),
      (err) => err instanceof errors.InvalidInputError && err.code === 'ERR_INVALID_INPUT',
    )
  }
})

test("a tenant's own rate limits are checked and kept", () => {
  const config = resolveTenantConfig({
    rateLimits: {
      loginPerIp: { points: 5, duration: 60 },
      custom: { points: 1, duration: 1, blockDuration: 30 },
    },
  })
  assert.deepEqual(config.rateLimits, {
    loginPerIp: { points: 5, duration: 60, blockDuration: 0 },
    custom: { points: 1, duration: 1, blockDuration: 30 },
  })
  for (const bad of [
    [],
    'loginPerIp',
    { loginPerIp: null },
    { loginPerIp: { points: 0, duration: 60 } },
    { loginPerIp: { points: 5, duration: 1.5 } },
    { loginPerIp: { points: 5, duration: 60, blockDuration: -1 } },
    { ['x'.repeat(65)]: { points: 5, duration: 60 } },
    Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`p${i}`, { points: 1, duration: 1 }])),
  ]) {
    assert.throws(
      () => resolveTenantConfig({ rateLimits: bad as never }),
      { code: 'ERR_INVALID_INPUT' },
      JSON.stringify(bad).slice(0, 80),
    )
  }
})
