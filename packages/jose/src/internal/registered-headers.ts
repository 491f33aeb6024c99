// Header parameter names registered by RFC 7515, 7516 and 7518. None may be listed in `crit` (RFC
// 7515 section 4.1.11), in a JWS or a JWE.
export const REGISTERED_HEADER_NAMES: ReadonlySet<string> = new Set([
  'alg',
  'enc',
  'zip',
  'jku',
  'jwk',
  'kid',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
  'typ',
  'cty',
  'crit',
  'epk',
  'apu',
  'apv',
  'iv',
  'tag',
  'p2s',
  'p2c',
])
