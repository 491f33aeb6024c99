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
    { sessionAbsoluteTtl: 60, accessTokenTtl: 900 },
  ]) {
    assert.throws(
      () => resolveTenantConfig(bad as never),
      (err) => err instanceof errors.InvalidInputError && err.code === 'ERR_INVALID_INPUT',
    )
  }
})
