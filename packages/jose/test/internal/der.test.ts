import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { generateKeyPairSync } from 'node:crypto'
import { test } from 'node:test'
import fc from 'fast-check'
import { DER_TAG, readDerSequence } from '../../src/internal/der.js'

const hex = (text: string) => Buffer.from(text.replace(/\s/g, ''), 'hex')

test('readDerSequence gives the members of one SEQUENCE, short and long lengths alike', () => {
  assert.deepEqual(readDerSequence(hex('3000')), [])
  const members = readDerSequence(hex('3009 0201 05 0404 deadbeef'))!
  assert.deepEqual(
    members.map((m) => [m.tag, m.contents.toString('hex')]),
    [
      [DER_TAG.INTEGER, '05'],
      [DER_TAG.OCTET_STRING, 'deadbeef'],
    ],
  )
  const long = Buffer.concat([hex('3082 0104 0482 0100'), Buffer.alloc(256, 7)])
  assert.equal(readDerSequence(long)![0]!.contents.length, 256)
  // A real SPKI: the algorithm, then the key as a BIT STRING.
  const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
    format: 'der',
    type: 'spki',
  })
  const [algorithm, key] = readDerSequence(spki)!
  assert.equal(algorithm!.tag, DER_TAG.SEQUENCE)
  assert.equal(key!.tag, DER_TAG.BIT_STRING)
  assert.equal(key!.contents.length, 66)
})

test('readDerSequence refuses what does not fit, rather than reading past the end', () => {
  for (const bad of [
    '',
    '30',
    '3001',
    '3002 0201',
    '3000 00', // something after the SEQUENCE
    '0400', // not a SEQUENCE
    '3080 0000', // indefinite length
    '3085 0000000001 00', // more length bytes than any key needs
    '3082 01', // length bytes cut off
    '3003 0205 00', // a member longer than the SEQUENCE
    '3003 1f0100', // a multi-byte tag
  ]) {
    assert.equal(readDerSequence(hex(bad)), undefined, bad)
  }
})

test('readDerSequence never throws and never returns bytes outside its input', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      // A SEQUENCE whose length byte is random too: sometimes right, mostly not.
      const input = Buffer.concat([Buffer.from([0x30]), bytes])
      for (const member of readDerSequence(input) ?? []) {
        assert.equal(member.contents.buffer, input.buffer)
        assert.ok(member.contents.byteOffset >= input.byteOffset)
        assert.ok(
          member.contents.byteOffset + member.contents.length <= input.byteOffset + input.length,
        )
      }
    }),
  )
})
