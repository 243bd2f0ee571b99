// The ESM entry used as an ES module user writes it.
import test from 'node:test'
import assert from 'node:assert/strict'
import larkmsg, { Client, LarkError, InvalidArgumentError, content } from 'larkmsg'
import { FakeServer } from 'larkmsg/testing'

test('named and default imports send through the fake', async () => {
  assert.equal(larkmsg.Client, Client)
  const fake = FakeServer.start()
  try {
    const client = new Client(fake.clientOptions())
    const message = await client.send('open_id', 'ou_esm', content.text('from ESM'))
    assert.match(message.messageId, /^om_/)
    await assert.rejects(client.sendText('open_id', 'ou_esm', ''), (error) => {
      assert.ok(error instanceof InvalidArgumentError)
      assert.ok(error instanceof LarkError)
      return true
    })
  } finally {
    fake.stop()
  }
})
