'use strict'
// larkmsg/testing: start the bundled fake from Node, read its inbox, drive its controls.
const test = require('node:test')
const assert = require('node:assert/strict')
const { Client, content } = require('larkmsg')
const testing = require('larkmsg/testing')
const { FakeServer, FakeControlError } = testing

test('start, send, read the inbox in camelCase, reset', async () => {
  const fake = FakeServer.start()
  try {
    assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    const client = new Client(fake.clientOptions())
    await client.sendText('open_id', 'ou_1', 'hello', { uuid: 'fixed-uuid-1' })
    await client.sendText('open_id', 'ou_1', 'hello', { uuid: 'fixed-uuid-1' })
    const inbox = fake.inbox()
    assert.equal(inbox.messages.length, 1, 'a repeated uuid is sent once')
    assert.equal(inbox.messages[0].receiveId, 'ou_1')
    assert.equal(inbox.messages[0].content, '{"text":"hello"}')
    assert.equal(fake.requests('send_message'), 2)
    await client.batchSend({ msgType: 'post', content: { post: { zh_cn: { title: 't', content: [[{ tag: 'text', text: 'x' }]] } } }, openIds: ['ou_1'] })
    assert.deepEqual(Object.keys(fake.inbox().batches[0].content.post), ['zh_cn'], 'content keys are kept as sent')
    fake.reset()
    assert.equal(fake.inbox().messages.length, 0)
    assert.equal(fake.requests('send_message'), 0)
  } finally {
    fake.stop()
  }
})

test('faults, quotas, latency, token revocation and lifetime', async () => {
  const fake = FakeServer.start()
  try {
    const client = new Client(fake.clientOptions({ retries: { initialBackoffMs: 5, maxBackoffMs: 10 } }))
    fake.injectFault({ kind: 'status_5xx', endpoint: 'send_message', count: 2 })
    assert.equal(fake.faults().plans.length, 1)
    await client.sendText('open_id', 'ou_1', 'retried')
    assert.equal(fake.requests('send_message'), 3)
    assert.equal(fake.inbox().messages.length, 1)
    fake.injectFault({ kind: 'status_5xx', count: 5 })
    fake.clearFaults()
    assert.equal(fake.faults().plans.length, 0)

    fake.revokeTokens()
    const before = fake.tokenRequests()
    await client.sendText('open_id', 'ou_1', 'after revoke')
    assert.equal(fake.tokenRequests(), before + 1)

    fake.setTokenLifetime(3600)
    fake.setQuotas(true)
    assert.deepEqual(fake.control('GET', 'quotas'), { enabled: true })
    fake.setQuotas(false)
    fake.setLatency(50)
    const started = Date.now()
    await client.sendText('open_id', 'ou_1', 'slow')
    assert.ok(Date.now() - started >= 45)
    fake.setLatency(0)
    assert.deepEqual(fake.control('GET', 'latency'), { ms: 0 })
    assert.throws(() => fake.control('POST', 'no_such_control', {}), FakeControlError)
    assert.throws(() => fake.injectFault({ kind: 'status_5xx', endpoint: 'nowhere' }), FakeControlError)
  } finally {
    fake.stop()
  }
})

test('a store app authenticates with the fake app_ticket', async () => {
  const fake = FakeServer.start()
  try {
    const client = new Client({
      appId: testing.STORE_APP_ID,
      appSecret: testing.STORE_APP_SECRET,
      tenantKey: testing.FAKE_TENANT_KEY,
      baseUrl: fake.url,
      quotas: false,
    })
    client.setAppTicket(fake.appTicket())
    const message = await client.send('open_id', 'ou_store', content.text('from a store app'))
    assert.match(message.messageId, /^om_/)
    assert.equal(fake.inbox().messages[0].appId, testing.STORE_APP_ID)
  } finally {
    fake.stop()
  }
})

test('a stopped fake refuses controls and connections', async () => {
  const fake = FakeServer.start()
  const client = new Client(fake.clientOptions({ retries: { maxAttempts: 1 }, timeouts: { requestMs: 500 } }))
  fake.stop()
  fake.stop()
  assert.throws(() => fake.inbox(), /stopped/)
  await assert.rejects(client.sendText('open_id', 'ou_1', 'x'), (e) => e.kind === 'network' || e.kind === 'timeout')
})
