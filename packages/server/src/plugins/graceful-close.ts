// Closing without dropping anyone: once the app starts closing, every response still being written
// says `Connection: close`, so each keep-alive connection ends with its last response and the
// server's close completes as soon as the requests in flight are answered (instead of waiting for
// clients to drop their idle connections). New requests meanwhile get 503, in our shape and with
// our headers (rather than Fastify's return503OnClosing answer, which has neither).
import { closed } from './error-handler.js'
import { globalPlugin } from './global.js'

/** Marks responses `Connection: close` once the app is closing, and refuses new requests. */
export const gracefulClose = globalPlugin('tessera-graceful-close', async (app) => {
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  // Before any other hook: a request refused does no work.
  app.addHook('onRequest', (request, reply, done) => {
    if (closing) closed(request, reply)
    else done()
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close')
    done(null, payload)
  })
})
