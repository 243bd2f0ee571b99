'use strict'
// The package loads with require() and import, with the same objects.
const test = require('node:test')
const assert = require('node:assert/strict')

test('require(larkmsg) gives the client, errors and builders', () => {
  const larkmsg = require('larkmsg')
  assert.equal(typeof larkmsg.Client, 'function')
  assert.equal(typeof larkmsg.LarkError, 'function')
  assert.deepEqual(larkmsg.CALLS, ['send_message', 'batch_send', 'create_card', 'create_app_feed_card'])
  assert.match(larkmsg.VERSION, /^\d+\.\d+\.\d+/)
  assert.equal(typeof require('larkmsg/testing').FakeServer.start, 'function')
})

test('import from larkmsg gives the same objects as require', async () => {
  const esm = await import('larkmsg')
  const cjs = require('larkmsg')
  assert.equal(esm.Client, cjs.Client)
  assert.equal(esm.default.Client, cjs.Client)
  assert.equal(esm.InvalidArgumentError, cjs.InvalidArgumentError)
  const testing = await import('larkmsg/testing')
  assert.equal(testing.FakeServer, require('larkmsg/testing').FakeServer)
})
