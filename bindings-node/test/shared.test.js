'use strict'
// Clients sharing a Redis store (`shared: {redisUrl, keyPrefix}`): one token fetch for all
// of them, and together within the quotas the fake enforces. test.sh starts the Redis
// server (LARKMSG_TEST_REDIS_URL).
const test = require('node:test')
const assert = require('node:assert/strict')
const { randomUUID } = require('node:crypto')
const { Client, ConfigError } = require('larkmsg')
const { FakeServer } = require('larkmsg/testing')

function redisUrl(t) {
  const url = process.env.LARKMSG_TEST_REDIS_URL
  if (!url) {
    assert.ok(!process.env.LARKMSG_REQUIRE_REDIS, 'LARKMSG_TEST_REDIS_URL is not set (bindings-node/test.sh starts Redis)')
    t.skip('no Redis server: run bindings-node/test.sh')
  }
  return url
}

test('clients sharing Redis fetch one token and keep to the quotas together', async (t) => {
  const url = redisUrl(t)
  if (!url) return
  const fake = FakeServer.start({ quotas: true })
  try {
    const shared = { redisUrl: url, keyPrefix: `node-${randomUUID()}:` }
    const clients = [0, 1, 2].map(() => new Client(fake.clientOptions({ quotas: true, shared })))
    const sends = Array.from({ length: 90 }, (_, i) => clients[i % 3].sendText('open_id', `ou_${i % 30}`, `m${i}`))
    await Promise.all(sends)
    const counters = fake.counters()
    assert.equal(fake.inbox().messages.length, 90)
    assert.equal(Object.values(counters.throttled ?? {}).reduce((a, b) => a + b, 0), 0, JSON.stringify(counters))
    assert.equal(fake.tokenRequests(), 1, JSON.stringify(counters))
  } finally {
    fake.stop()
  }
})

test('an unreachable Redis does not stop sending; a bad URL is a config error that hides it', async () => {
  const fake = FakeServer.start()
  try {
    const client = new Client(fake.clientOptions({ shared: { redisUrl: 'redis://127.0.0.1:1', timeoutMs: 50 } }))
    for (let i = 0; i < 5; i++) await client.sendText('open_id', 'ou_1', `m${i}`)
    assert.equal(fake.inbox().messages.length, 5)
  } finally {
    fake.stop()
  }
  assert.throws(
    () => new Client({ appId: 'cli_1', appSecret: 's', shared: { redisUrl: 's3cret://x' } }),
    (error) => error instanceof ConfigError && error.message.includes('shared.redis_url') && !error.message.includes('s3cret'),
  )
})
