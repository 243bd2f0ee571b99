'use strict'
// Many calls at once run on the core's runtime: one token fetch, every message sent once,
// the event loop free meanwhile, and a process that exits by itself when done.
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const { Client } = require('larkmsg')
const { FakeServer } = require('larkmsg/testing')

test('200 concurrent sends: all succeed, one token fetch, 200 distinct messages', async () => {
  const fake = FakeServer.start({ latencyMs: 5 })
  try {
    const client = new Client(fake.clientOptions())
    const sends = Array.from({ length: 200 }, (_, i) => client.sendText('open_id', `ou_${i % 7}`, `message ${i}`))
    const results = await Promise.all(sends)
    assert.equal(new Set(results.map((m) => m.messageId)).size, 200)
    assert.equal(fake.tokenRequests(), 1)
    assert.equal(fake.inbox().messages.length, 200)
  } finally {
    fake.stop()
  }
})

test('calls of every kind at once, on several clients', async () => {
  const fake = FakeServer.start()
  try {
    const clients = [new Client(fake.clientOptions()), new Client(fake.clientOptions())]
    const work = []
    for (let i = 0; i < 20; i++) {
      const client = clients[i % 2]
      work.push(client.sendText('open_id', 'ou_1', `t${i}`))
      work.push(client.batchSend({ msgType: 'text', content: { text: `b${i}` }, openIds: ['ou_1'] }))
      work.push(client.createCard({ type: 'card_json', data: { schema: '2.0', body: { elements: [{ tag: 'markdown', content: `c${i}` }] } } }))
      work.push(client.createAppFeedCard({ userIdType: 'open_id', appFeedCard: { title: `f${i}`, link: { link: 'https://www.feishu.cn/' } }, userIds: ['ou_1'] }))
    }
    const results = await Promise.all(work)
    assert.equal(results.length, 80)
    const inbox = fake.inbox()
    assert.deepEqual([inbox.messages.length, inbox.batches.length, inbox.cards.length, inbox.feedCards.length], [20, 20, 20, 20])
  } finally {
    fake.stop()
  }
})

test('the event loop keeps running while calls wait on a slow server', async () => {
  const fake = FakeServer.start({ latencyMs: 200 })
  try {
    const client = new Client(fake.clientOptions())
    let ticks = 0
    const timer = setInterval(() => ticks++, 10)
    await client.sendText('open_id', 'ou_1', 'slow')
    clearInterval(timer)
    assert.ok(ticks >= 5, `only ${ticks} ticks while waiting`)
  } finally {
    fake.stop()
  }
})

test('a process exits by itself when its calls are done (no leaked handles)', () => {
  const script = `
    const { Client } = require('larkmsg')
    const { FakeServer } = require('larkmsg/testing')
    const fake = FakeServer.start()
    const client = new Client(fake.clientOptions())
    Promise.all([client.sendText('open_id', 'ou_1', 'a'), client.sendText('open_id', 'ou_1', 'b')])
      .then((r) => console.log('sent', r.length))
      .then(() => client.sendText('open_id', '', 'bad'))
      .catch((e) => console.log('error', e.kind))
  `
  const started = Date.now()
  const run = spawnSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8', timeout: 20000 })
  assert.equal(run.status, 0, run.stderr)
  assert.equal(run.stdout, 'sent 2\nerror invalid_argument\n')
  assert.ok(Date.now() - started < 15000)
})
