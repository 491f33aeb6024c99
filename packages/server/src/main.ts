#!/usr/bin/env node
// `npm start`: run the service from the environment. A configuration error exits 78 (EX_CONFIG),
// any other startup failure 1; see startupFailure.
import { start, startupFailure } from './start.js'

start().catch((err: unknown) => process.exit(startupFailure(err)))
