// A real JWKS server on a loopback port for the remote key set tests. Each test swaps its
// behaviour: serve a set, hang, stall, redirect, send garbage, or close down.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the server does with a request. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void

/** A running test server. */
export interface JwksServer {
  /** The JWKS URL (`http://127.0.0.1:<port>/jwks`). */
  readonly url: string
  /** How many requests arrived, and their paths and headers. */
  readonly requests: { path: string; headers: IncomingMessage['headers'] }[]
  /** Sets what the next requests get. */
  handle(handler: Handler): void
  /** Stops listening and drops every connection: the server is down. */
  close(): Promise<void>
}

/** Starts a server on 127.0.0.1, on a port the system picks. */
export async function startJwksServer(handler: Handler): Promise<JwksServer> {
  let current = handler
  const requests: JwksServer['requests'] = []
  const server: Server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers })
    res.on('error', () => undefined)
    current(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  let closed = false
  return {
    url: `http://127.0.0.1:${port}/jwks`,
    requests,
    handle(next) {
      current = next
    },
    async close() {
      if (closed) return
      closed = true
      const done = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await done
    },
  }
}

/** Serves this body with status 200 and a JSON content type. */
export function json(body: unknown, status = 200): Handler {
  return text(JSON.stringify(body), status, 'application/json')
}

/** Serves this text (with its Content-Length). */
export function text(body: string | Buffer, status = 200, type = 'text/plain'): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': type })
    res.end(body)
  }
}

/** Never answers: the request hangs until the client gives up or the server closes. */
export const hang: Handler = () => undefined

/** Sends headers at once, then a few bytes, then nothing more. */
export const stall: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.write('{"keys":[')
}

/** Declares a body of `declared` bytes in Content-Length, sends a few, then stalls. */
export function declares(declared: number): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': declared })
    res.write('{"keys":[')
  }
}

/** Streams 1 KiB chunks without end and without a Content-Length, until the client hangs up. */
export const endless: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  const chunk = Buffer.alloc(1024, 0x20)
  const pump = () => {
    if (res.destroyed) return
    if (res.write(chunk)) setImmediate(pump)
    else res.once('drain', pump)
  }
  res.write('{"keys":[],"padding":"')
  pump()
}

/** Redirects to `location` with `status`. */
export function redirect(location: string, status = 302): Handler {
  return (_req, res) => {
    res.writeHead(status, { location })
    res.end()
  }
}
