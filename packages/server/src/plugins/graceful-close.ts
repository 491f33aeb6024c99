// Closing without dropping anyone: once the app starts closing, every response still being written
// says `Connection: close`, so each keep-alive connection ends with its last response and the
// server's close completes as soon as the requests in flight are answered (instead of waiting for
// clients to drop their idle connections). New requests meanwhile get 503 (return503OnClosing).
import { globalPlugin } from './global.js'

/** Marks responses `Connection: close` once the app is closing. */
export const gracefulClose = globalPlugin('tessera-graceful-close', async (app) => {
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close')
    done(null, payload)
  })
})
