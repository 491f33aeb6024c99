// A real server on a loopback port (port 0: the system picks one) and a small fetch client for it.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'
import type { AppDeps } from '../../src/app.js'
import { testApp, type TestApp } from '../support.js'

/** A response, read once. */
export interface Reply {
  status: number
  headers: Headers
  body: Record<string, unknown>
  text: string
}

/** A listening test server and a client for it. */
export interface LiveServer extends TestApp {
  url: string
  /** A JSON request (or form-encoded when `form` is given, or `raw`). */
  call(
    method: string,
    path: string,
    options?: {
      json?: unknown
      form?: Record<string, string>
      /** A body sent as it is (with a content-type header of the caller's). */
      raw?: string
      token?: string
      headers?: Record<string, string>
    },
  ): Promise<Reply>
}

/**
 * Builds an app (see testApp) and listens on 127.0.0.1 at a free port.
 *
 * @param t - the test
 * @param env - environment over the test defaults
 * @param deps - dependencies over the test defaults
 */
export async function liveServer(
  t: TestContext,
  env: Record<string, string> = {},
  deps: AppDeps = {},
): Promise<LiveServer> {
  const setup = await testApp(t, env, deps)
  await setup.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = setup.app.server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  const call: LiveServer['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers }
    let body: string | undefined
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.json)
    } else if (options.raw !== undefined) {
      body = options.raw
    } else if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(options.form).toString()
    }
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    })
    const text = await res.text()
    let parsed: Record<string, unknown> = {}
    if (text.length > 0 && res.headers.get('content-type')?.startsWith('application/json'))
      parsed = JSON.parse(text)
    assert.doesNotMatch(text, /\bat .+\.(js|ts):\d+/, 'no stack trace in any response')
    return { status: res.status, headers: res.headers, body: parsed, text }
  }
  return { ...setup, url, call }
}
