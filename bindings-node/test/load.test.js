'use strict'
// The package loads with require() and import, with the same objects.
const test = require('node:test')
const assert = require('node:assert/strict')

test('require(larkmsg) gives the client, errors and builders', () => {
  const larkmsg = require('larkmsg')
  assert.equal(typeof larkmsg.Client, 'function')
  assert.equal(typeof larkmsg.LarkError, 'function')
  assert.deepEqual(larkmsg.CALLS, [
    'send_message',
    'reply_message',
    'batch_send',
    'create_card',
    'update_card_settings',
    'update_card',
    'update_card_element_content',
    'create_card_elements',
    'update_card_element',
    'patch_card_element',
    'delete_card_element',
    'create_app_feed_card',
    'upload_image',
    'upload_file',
    'send_image',
    'send_file',
    'batch_send_all',
    'create_app_feed_card_all',
    'send_campaign',
  ])
  for (const name of larkmsg.CALLS) {
    const method = name.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
    assert.equal(typeof larkmsg.Client.prototype[method], 'function', method)
  }
  assert.equal(larkmsg.PermissionError, larkmsg.PermissionDeniedError)
  assert.ok(new larkmsg.AuthError({ kind: 'auth', message: 'x' }) instanceof larkmsg.ApiError)
  assert.match(larkmsg.VERSION, /^\d+\.\d+\.\d+/)
  assert.equal(typeof require('larkmsg/testing').FakeServer.start, 'function')
})

test('import from larkmsg gives the same objects as require', async () => {
  const esm = await import('larkmsg')
  const cjs = require('larkmsg')
  assert.equal(esm.Client, cjs.Client)
  assert.equal(esm.default.Client, cjs.Client)
  assert.equal(esm.InvalidArgumentError, cjs.InvalidArgumentError)
  assert.equal(esm.PermissionDeniedError, cjs.PermissionDeniedError)
  assert.equal(esm.PermissionError, cjs.PermissionError)
  const testing = await import('larkmsg/testing')
  assert.equal(testing.FakeServer, require('larkmsg/testing').FakeServer)
})
