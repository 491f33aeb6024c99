// JWT sign and verify throughput: @tessera/jose against jose, fast-jwt, jsonwebtoken,
// @node-rs/jsonwebtoken and a raw node:crypto floor, in one process, interleaved round by round.
//
//   npm run bench                                  (from the repository root: builds, then runs)
//   node --expose-gc packages/jose/dist/bench/jwt.bench.js
//   BENCH_ROUNDS=20 BENCH_MS=80 BENCH_ALGS=HS256,ES256 BENCH_ONLY=Tessera node --expose-gc ...
//   BENCH_CLOCK=cpu ...    (process CPU time instead of wall time: steadier on a busy machine)
//
// Method. Every contender is checked once before timing (a valid token gives the expected claims;
// a token with a tampered signature, a wrong `aud` or a wrong `iss` is refused), so nothing is
// measured that silently fails. Each contender is then warmed up and calibrated to a fixed batch
// of about BENCH_MS milliseconds. Each round walks every algorithm and, for each, every contender
// in an order rotated by one each round, timing one batch; a batch runs in five slices interleaved
// with the other contenders' slices, each after a scavenge (with --expose-gc; a full GC starts each
// round). The table reports the median ops/s over the rounds and its ratio to the floor's median.
// The "paired" figures in the targets section are medians of per-round ratios: both sides of such a
// ratio ran within the same round, so slow drifts of a shared machine cancel out.
//
// The floor is the least work one JWT sign or verify can do with node:crypto, and nothing more:
//  - sign: JSON.stringify of the same claims object, base64url of it, node:crypto sign (createHmac
//    for HS256) of the signing input with a prepared KeyObject, base64url of the signature, and the
//    concatenation; the header segment is precomputed. No clock read, no claim defaults or checks.
//  - verify: split at the dots (indexOf from the front twice: cheaper on Node 20 than lastIndexOf),
//    node:crypto verify of the signing input against the base64url-decoded signature (for HS256:
//    the createHmac digest as base64url text, compared with the signature segment in constant time
//    after a length check, the cheapest way on Node 20, and the one Tessera uses), then
//    base64url-decode and JSON.parse the payload. No header parsing, no alg allow-list, no strict
//    base64url, no claim checks: everything a library must add is counted against the library.
//
// ES256 signatures are in the JOSE form (r || s, `dsaEncoding: 'ieee-p1363'`) for the floor too.
//
// Configuration is the same for everyone: the same 10-claim access token, `exp` ten years ahead;
// every verifier is given the algorithm, the audience and the issuer. The compiled signers (Tessera
// createSigner, fast-jwt createSigner) are given the issuer, audience and lifetime once and the
// other six claims per call, adding `iat` and `exp` themselves; the others sign all ten claims.
// Each library gets its fastest key form: a KeyObject for node:crypto, jsonwebtoken, Tessera's
// jwt.encode and createSigner; a CryptoKey for jose; PEM text or the secret for fast-jwt and
// @node-rs/jsonwebtoken, which take nothing else. jwt.decode and createVerifier are given PEM text
// (the secret string for HS256): jwt.decode's import cache turns it into a Key once. jose's API is
// asynchronous (WebCrypto); its operations are awaited one after another. A library that does not
// implement an algorithm shows n/a (here: jsonwebtoken 9 has no EdDSA).
import { Buffer } from 'node:buffer'
import {
  constants,
  createHmac,
  createSecretKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
  webcrypto,
  type KeyObject,
} from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import { SignJWT, jwtVerify, type CryptoKey } from 'jose'
import { createSigner as fastSigner, createVerifier as fastVerifier } from 'fast-jwt'
import jsonwebtoken from 'jsonwebtoken'
import { jwt } from '../src/index.js'
import {
  describeRun,
  FLOOR,
  measure,
  prepare,
  readAlgs,
  readPositive,
  table,
  targets,
  TARGETS_HEADER,
  type Contender as HarnessContender,
  type Op,
} from './harness.js'

// @node-rs/jsonwebtoken is not a devDependency: the registry this project installs from lacks its
// packages for other platforms, so a lockfile with it cannot pass `npm ci`. It is measured when
// installed by hand (`npm i --no-save @node-rs/jsonwebtoken`), and shown as n/a otherwise.
interface NodeRsJwt {
  signSync(claims: object, key: string, header: { algorithm: string }): string
  verifySync(token: string, key: string, validation: object): unknown
}
const nodeRs = await import('@node-rs/jsonwebtoken' as string).then(
  (module) => module as NodeRsJwt,
  () => undefined,
)

type Alg = 'HS256' | 'RS256' | 'PS256' | 'ES256' | 'EdDSA'
type Contender = HarnessContender<Alg>

const ALL_ALGS: readonly Alg[] = ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA']
const ALGS = readAlgs(ALL_ALGS)
const ROUNDS = readPositive('BENCH_ROUNDS', 15)

// ---------------------------------------------------------------------------------------------
// Keys and the payload.

const SECRET = 'tessera-bench-hs256-secret-0123456789abcdefXYZ' // 46 bytes: strong enough for HS256
const ISSUER = 'https://id.tessera.example'
const AUDIENCE = 'https://api.tessera.example'
const LIFETIME = 10 * 365 * 24 * 3600
const NOW = Math.floor(Date.now() / 1000)

// Claims a compiled signer is given per call; it adds iss, aud, iat and exp itself.
const PER_CALL = {
  sub: 'user_8f14e45fceea167a5a36dedd4bea2543',
  jti: '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f',
  scope: 'openid profile email orders:read orders:write',
  client_id: 'web-dashboard',
  tid: 'tenant_42',
  roles: ['admin', 'billing'],
}

// The 10-claim access token every one-shot signer signs and every verifier verifies.
const CLAIMS = {
  iss: ISSUER,
  sub: PER_CALL.sub,
  aud: AUDIENCE,
  exp: NOW + LIFETIME,
  iat: NOW,
  jti: PER_CALL.jti,
  scope: PER_CALL.scope,
  client_id: PER_CALL.client_id,
  tid: PER_CALL.tid,
  roles: PER_CALL.roles,
}

interface KeyMaterial {
  /** node:crypto key for signing (secret or private). */
  signKey: KeyObject
  /** node:crypto key for verifying (secret or public). */
  verifyKey: KeyObject
  /** PEM text (or the secret string for HS256). */
  signPem: string
  verifyPem: string
}

function makeKeys(alg: Alg): KeyMaterial {
  if (alg === 'HS256') {
    const key = createSecretKey(Buffer.from(SECRET, 'utf8'))
    return { signKey: key, verifyKey: key, signPem: SECRET, verifyPem: SECRET }
  }
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    signKey: pair.privateKey,
    verifyKey: pair.publicKey,
    signPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    verifyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string,
  }
}

const KEYS = new Map(ALGS.map((alg) => [alg, makeKeys(alg)]))
const keysFor = (alg: Alg): KeyMaterial => KEYS.get(alg)!

// ---------------------------------------------------------------------------------------------
// The floor: raw node:crypto, the least work one sign or verify can do (see the header comment).

const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url')

function floorSigner(alg: Alg, key: KeyObject): (claims: object) => string {
  const head = `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.`
  if (alg === 'HS256') {
    return (claims) => {
      const input = head + b64url(JSON.stringify(claims))
      return `${input}.${createHmac('sha256', key).update(input, 'latin1').digest('base64url')}`
    }
  }
  const hash = alg === 'EdDSA' ? null : 'sha256'
  const options = signOptions(alg, key)
  return (claims) => {
    const input = head + b64url(JSON.stringify(claims))
    const signature = cryptoSign(hash, Buffer.from(input, 'latin1'), options)
    return `${input}.${signature.toString('base64url')}`
  }
}

function floorVerifier(alg: Alg, key: KeyObject): (token: string) => unknown {
  const fail = (): never => {
    throw new Error('the signature does not verify')
  }
  const payloadOf = (token: string, first: number, last: number): unknown =>
    JSON.parse(Buffer.from(token.slice(first + 1, last), 'base64url').toString('utf8'))
  if (alg === 'HS256') {
    return (token) => {
      const first = token.indexOf('.')
      const last = token.indexOf('.', first + 1)
      // The MAC as base64url text, compared with the segment character by character in constant
      // time: on Node 20 this costs less than a digest into bytes, a decode of the segment and
      // timingSafeEqual, and the floor is the least work, so it takes the cheaper way too.
      const mac = createHmac('sha256', key)
        .update(token.slice(0, last), 'latin1')
        .digest('base64url')
      if (!equalInConstantTime(mac, token.slice(last + 1))) fail()
      return payloadOf(token, first, last)
    }
  }
  const hash = alg === 'EdDSA' ? null : 'sha256'
  const options = signOptions(alg, key)
  return (token) => {
    const first = token.indexOf('.')
    const last = token.indexOf('.', first + 1)
    const input = Buffer.from(token.slice(0, last), 'latin1')
    const signature = Buffer.from(token.slice(last + 1), 'base64url')
    if (!cryptoVerify(hash, input, options, signature)) fail()
    return payloadOf(token, first, last)
  }
}

// The constant-time comparison of two MACs' base64url text (src/algorithms/hmac.ts has the same).
function equalInConstantTime(expected: string, given: string): boolean {
  const n = expected.length
  if (given.length !== n) return false
  let diff = 0
  for (let i = 0; i < n; i++) diff |= expected.charCodeAt(i) ^ given.charCodeAt(i)
  return diff === 0
}

function signOptions(alg: Alg, key: KeyObject) {
  if (alg === 'ES256') return { key, dsaEncoding: 'ieee-p1363' as const }
  if (alg === 'PS256') {
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
  }
  return { key }
}

// ---------------------------------------------------------------------------------------------
// The contenders.

const jsonwebtokenAlgs: ReadonlySet<Alg> = new Set(['HS256', 'RS256', 'PS256', 'ES256'])
const verifyClaims = { audience: AUDIENCE, issuer: ISSUER }

// jose 6 runs on WebCrypto. On Node 20 (no KeyObject.toCryptoKey) it turns an asymmetric KeyObject
// into a CryptoKey through a cached JWK import, and re-imports an HMAC KeyObject's secret on every
// call; a CryptoKey is its fastest form, so it gets one.
async function joseKey(key: KeyObject, alg: Alg, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  const algorithm =
    alg === 'HS256'
      ? { name: 'HMAC', hash: 'SHA-256' }
      : alg === 'RS256'
        ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
        : alg === 'PS256'
          ? { name: 'RSA-PSS', hash: 'SHA-256' }
          : alg === 'ES256'
            ? { name: 'ECDSA', namedCurve: 'P-256' }
            : { name: 'Ed25519' }
  const jwk = key.export({ format: 'jwk' })
  return (await webcrypto.subtle.importKey('jwk', jwk, algorithm, false, [usage])) as CryptoKey
}

const signers: Contender[] = [
  {
    name: FLOOR,
    make: async (alg) => {
      const sign = floorSigner(alg, keysFor(alg).signKey)
      return () => sign(CLAIMS)
    },
  },
  {
    name: 'Tessera createSigner',
    make: async (alg) => {
      const sign = jwt.createSigner({
        key: keysFor(alg).signKey,
        algorithm: alg,
        issuer: ISSUER,
        audience: AUDIENCE,
        expiresIn: LIFETIME,
      })
      return () => sign(PER_CALL)
    },
  },
  {
    name: 'Tessera jwt.encode',
    make: async (alg) => {
      const key = keysFor(alg).signKey
      const options = { algorithm: alg }
      return () => jwt.encode(CLAIMS, key, options)
    },
  },
  {
    name: 'jose SignJWT',
    async: true,
    make: async (alg) => {
      const key = await joseKey(keysFor(alg).signKey, alg, 'sign')
      const header = { alg, typ: 'JWT' }
      return () => new SignJWT(CLAIMS).setProtectedHeader(header).sign(key)
    },
  },
  {
    name: 'fast-jwt createSigner',
    make: async (alg) => {
      const sign = fastSigner({
        key: keysFor(alg).signPem,
        algorithm: alg,
        iss: ISSUER,
        aud: AUDIENCE,
        expiresIn: LIFETIME * 1000,
      })
      return () => sign(PER_CALL)
    },
  },
  {
    name: 'jsonwebtoken sign',
    make: async (alg) => {
      if (!jsonwebtokenAlgs.has(alg)) return undefined
      const key = keysFor(alg).signKey
      const options = { algorithm: alg as jsonwebtoken.Algorithm }
      return () => jsonwebtoken.sign(CLAIMS, key, options)
    },
  },
  {
    name: '@node-rs/jsonwebtoken signSync',
    make: async (alg) => {
      if (nodeRs === undefined) return undefined
      const key = keysFor(alg).signPem
      const header = { algorithm: alg }
      return () => nodeRs.signSync(CLAIMS, key, header)
    },
  },
]

// The token each verifier verifies, one per algorithm.
const TOKENS = new Map(ALGS.map((alg) => [alg, floorSigner(alg, keysFor(alg).signKey)(CLAIMS)]))
const tokenFor = (alg: Alg): string => TOKENS.get(alg)!

const verifiers: Contender[] = [
  {
    name: FLOOR,
    make: async (alg) => {
      const verify = floorVerifier(alg, keysFor(alg).verifyKey)
      const token = tokenFor(alg)
      return () => verify(token)
    },
  },
  {
    name: 'Tessera createVerifier',
    make: async (alg) => tesseraVerifier(alg, false),
  },
  {
    name: 'Tessera createVerifier (cache)',
    make: async (alg) => tesseraVerifier(alg, true),
  },
  {
    name: 'Tessera jwt.decode (PEM)',
    make: async (alg) => {
      const key = keysFor(alg).verifyPem
      const options = { algorithms: [alg], ...verifyClaims }
      const token = tokenFor(alg)
      return () => jwt.decode(token, key, options)
    },
  },
  {
    name: 'jose jwtVerify',
    async: true,
    make: async (alg) => {
      const key = await joseKey(keysFor(alg).verifyKey, alg, 'verify')
      const options = { algorithms: [alg], ...verifyClaims }
      const token = tokenFor(alg)
      return () => jwtVerify(token, key, options)
    },
  },
  {
    name: 'fast-jwt createVerifier',
    make: async (alg) => fastJwtVerifier(alg, false),
  },
  {
    name: 'fast-jwt createVerifier (cache)',
    make: async (alg) => fastJwtVerifier(alg, true),
  },
  {
    name: 'jsonwebtoken verify',
    make: async (alg) => {
      if (!jsonwebtokenAlgs.has(alg)) return undefined
      const key = keysFor(alg).verifyKey
      const options = { algorithms: [alg as jsonwebtoken.Algorithm], ...verifyClaims }
      const token = tokenFor(alg)
      return () => jsonwebtoken.verify(token, key, options)
    },
  },
  {
    name: '@node-rs/jsonwebtoken verifySync',
    make: async (alg) => {
      if (nodeRs === undefined) return undefined
      const key = keysFor(alg).verifyPem
      const validation = { algorithms: [alg], aud: [AUDIENCE], iss: [ISSUER] }
      const token = tokenFor(alg)
      return () => nodeRs.verifySync(token, key, validation)
    },
  },
]

function tesseraVerifier(alg: Alg, cache: boolean): Op {
  const verify = jwt.createVerifier({
    key: keysFor(alg).verifyPem,
    algorithms: [alg],
    ...verifyClaims,
    cache,
  })
  const token = tokenFor(alg)
  return () => verify(token)
}

function fastJwtVerifier(alg: Alg, cache: boolean): Op {
  const verify = fastVerifier({
    key: keysFor(alg).verifyPem,
    algorithms: [alg],
    allowedAud: AUDIENCE,
    allowedIss: ISSUER,
    cache,
  })
  const token = tokenFor(alg)
  return () => verify(token)
}

// ---------------------------------------------------------------------------------------------
// Checks before timing: every signer makes a token the floor verifies, with the expected claims;
// every verifier accepts the token and refuses a forged signature, a wrong audience and a wrong
// issuer. A failure here stops the benchmark.

async function checkSigner(name: string, alg: Alg, op: Op): Promise<void> {
  const token = (await op()) as string
  const [header] = token.split('.')
  const alg2 = (JSON.parse(Buffer.from(header!, 'base64url').toString()) as { alg: string }).alg
  if (alg2 !== alg) throw new Error(`${name} ${alg}: the header says ${alg2}`)
  const claims = floorVerifier(alg, keysFor(alg).verifyKey)(token) as Record<string, unknown>
  const { iat, exp, ...rest } = claims
  const { iat: _iat, exp: _exp, ...expected } = CLAIMS
  if (
    !isDeepStrictEqual(rest, expected) ||
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    exp - iat !== LIFETIME
  ) {
    throw new Error(`${name} ${alg}: unexpected claims ${JSON.stringify(claims)}`)
  }
}

async function checkVerifier(name: string, alg: Alg, make: () => Promise<Op | undefined>) {
  // Rebuild the verifier per token so a cache never answers for a token it did not verify.
  const run = async (token: string): Promise<unknown> => {
    const saved = TOKENS.get(alg)!
    TOKENS.set(alg, token)
    try {
      const op = await make()
      return await op!()
    } finally {
      TOKENS.set(alg, saved)
    }
  }
  const result = (await run(tokenFor(alg))) as Record<string, unknown>
  const claims = name.startsWith('jose') ? result.payload : result // jose adds the header
  if (!isDeepStrictEqual({ ...(claims as object) }, CLAIMS)) {
    throw new Error(`${name} ${alg}: unexpected claims ${JSON.stringify(claims)}`)
  }
  const sign = floorSigner(alg, keysFor(alg).signKey)
  const good = tokenFor(alg)
  const cut = good.lastIndexOf('.') + 5
  const forged = good.slice(0, cut) + (good[cut] === 'A' ? 'B' : 'A') + good.slice(cut + 1)
  const bad: Record<string, string> = { 'a forged signature': forged }
  // The floor checks no claims, by definition.
  if (name !== FLOOR) {
    bad['a wrong audience'] = sign({ ...CLAIMS, aud: 'https://other.example' })
    bad['a wrong issuer'] = sign({ ...CLAIMS, iss: 'https://evil.example' })
  }
  for (const [what, token] of Object.entries(bad)) {
    let accepted = false
    try {
      await run(token)
      accepted = true
    } catch {
      // refused, as it should be
    }
    if (accepted) throw new Error(`${name} ${alg}: accepted a token with ${what}`)
  }
}

// ---------------------------------------------------------------------------------------------
// Main.

async function main(): Promise<void> {
  const started = Date.now()
  const log = (text: string) => process.stderr.write(`${text}\n`)
  log(`checking ${signers.length} signers and ${verifiers.length} verifiers on ${ALGS.join(', ')}`)
  const signCells = await prepare(ALGS, signers, (c, alg, op) => checkSigner(c.name, alg, op))
  const verifyCells = await prepare(ALGS, verifiers, (c, alg) =>
    checkVerifier(c.name, alg, () => c.make(alg)),
  )
  await measure(ALGS, [signCells, verifyCells], ROUNDS, log)
  const out = [
    `## JWT benchmark, ${new Date().toISOString().slice(0, 10)}`,
    '',
    describeRun(ROUNDS, started),
    '',
    ...table('Sign', ALGS, signers, signCells),
    '',
    ...table('Verify', ALGS, verifiers, verifyCells),
    '',
    '### Targets',
    '',
    'Ratio of the medians, and the median of the per-round (paired) ratios.',
    '',
    ...TARGETS_HEADER,
    ...targets('sign', ALGS, signCells, [
      { label: 'createSigner / floor', a: 'Tessera createSigner', b: FLOOR, min: 0.97 },
      {
        label: 'createSigner / fast-jwt',
        a: 'Tessera createSigner',
        b: 'fast-jwt createSigner',
        min: 1,
      },
    ]),
    ...targets('verify', ALGS, verifyCells, [
      {
        label: 'createVerifier / floor',
        a: 'Tessera createVerifier',
        b: FLOOR,
        min: 0.97,
      },
      {
        label: 'createVerifier / fast-jwt',
        a: 'Tessera createVerifier',
        b: 'fast-jwt createVerifier',
        min: 1,
      },
      {
        label: 'decode (PEM) / createVerifier',
        a: 'Tessera jwt.decode (PEM)',
        b: 'Tessera createVerifier',
        min: 0.9,
      },
      {
        label: 'cached / fast-jwt cached',
        a: 'Tessera createVerifier (cache)',
        b: 'fast-jwt createVerifier (cache)',
        min: 1,
      },
    ]),
  ]
  process.stdout.write(`${out.join('\n')}\n`)
}

await main()
