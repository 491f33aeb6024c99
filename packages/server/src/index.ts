/**
 * `@tessera/server`: the Tessera HTTP service.
 *
 * @packageDocumentation
 */
export { buildApp } from './app.js'
export { loadConfig, ConfigError, LOG_LEVELS } from './config.js'
export { start } from './start.js'
export { PromMetrics } from './metrics.js'
export { ERROR_TABLE } from './plugins/error-table.js'
export { ServerError, ForbiddenError, UnsupportedGrantTypeError } from './errors.js'
export { LEGACY_NAMES } from './config-legacy.js'
export type { AppDeps } from './app.js'
export type { ServerConfig, ConfigIssue, LogLevel } from './config.js'
export type { StartOptions } from './start.js'
export type { ServerErrorCode } from './errors.js'
export type { ErrorContext, ErrorMapping, ErrorOutcome } from './plugins/error-table.js'
export type { Principal } from './plugins/auth.js'
export type { DatabaseConfig } from './config-net.js'
