'use strict'
// Uploads and large audiences through the Node API, against the fake: upload then send (a
// path or a Buffer), a wrong format refused before sending, 450 open_ids and 30 feed card
// users in one call with a progress callback, and a campaign of 10,000 receivers whose
// process is killed with SIGKILL half-way and rerun.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn } = require('node:child_process')
const readline = require('node:readline')

const { InvalidArgumentError } = require('larkmsg')
const { FakeServer } = require('larkmsg/testing')
const { Client } = require('larkmsg')

function png(width, height) {
  const header = Buffer.from('\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR', 'latin1')
  const size = Buffer.alloc(8)
  size.writeUInt32BE(width, 0)
  size.writeUInt32BE(height, 4)
  return Buffer.concat([header, size, Buffer.from([8, 6, 0, 0, 0]), Buffer.alloc(64)])
}

function withFake(run) {
  return async () => {
    const fake = FakeServer.start()
    try {
      await run(fake, new Client(fake.clientOptions()))
    } finally {
      fake.stop()
    }
  }
}

test(
  'an image is uploaded from a path or a Buffer, then sent',
  withFake(async (fake, client) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'larkmsg-node-'))
    const file = path.join(dir, 'cat.png')
    fs.writeFileSync(file, png(64, 48))
    const uploaded = await client.uploadImage({ imageType: 'message', image: file })
    assert.match(uploaded.imageKey, /^img_v3_/)
    await client.sendImageKey('open_id', 'ou_1', uploaded.imageKey)
    const message = await client.sendImage({ receiveIdType: 'open_id', receiveId: 'ou_2', image: png(10, 10) })
    assert.equal(message.msgType, 'image')
    const inbox = fake.inbox()
    assert.equal(inbox.images.length, 2)
    assert.equal(inbox.messages.length, 2)
    fs.rmSync(dir, { recursive: true })
  }),
)

test(
  'a wrong format is refused before anything is sent',
  withFake(async (fake, client) => {
    await assert.rejects(client.uploadImage({ imageType: 'message', image: Buffer.from('%PDF-1.7 not an image') }), (error) => {
      assert.ok(error instanceof InvalidArgumentError)
      assert.deepEqual(error.violations.map((v) => [v.path, v.rule]), [['image', 'format']])
      return true
    })
    assert.equal(fake.requests('upload_image'), 0)
  }),
)

test(
  '450 open_ids and 30 feed card users in one call, with progress',
  withFake(async (fake, client) => {
    const seen = []
    const openIds = Array.from({ length: 450 }, (_, i) => `ou_${i}`)
    const result = await client.batchSendAll({ msgType: 'text', content: { text: '通知' }, openIds }, { progress: (p) => seen.push(p) })
    assert.equal(result.messageIds.length, 3)
    assert.deepEqual(result.failed, [])
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(seen.at(-1), { total: 450, done: 450, sent: 450, failed: 0 })
    const userIds = Array.from({ length: 30 }, (_, i) => `ou_${i}`)
    const cards = await client.createAppFeedCardAll({
      appFeedCard: { title: '审批', link: { link: 'https://www.feishu.cn/' }, bizId: 'order-1' },
      userIds,
    })
    assert.deepEqual(cards.bizIds, ['order-1', 'order-1'])
  }),
)

test(
  'a progress callback that throws stops the call, which rejects with what it threw',
  withFake(async (fake, client) => {
    const openIds = Array.from({ length: 450 }, (_, i) => `ou_${i}`)
    const boom = new Error('stop here')
    let calls = 0
    await assert.rejects(
      client.batchSendAll({ msgType: 'text', content: { text: '通知' }, openIds }, {
        progress: () => {
          calls += 1
          throw boom
        },
      }),
      (error) => error === boom,
    )
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(calls, 1, 'no call after the one that threw')
  }),
)

const CHILD = `
const { Client } = require('larkmsg')
const [url, count, journal] = process.argv.slice(1)
const client = new Client({ appId: 'cli_fake_app', appSecret: 'fake_app_secret', baseUrl: url, quotas: false })
const receiveIds = Array.from({ length: Number(count) }, (_, i) => 'ou_node_' + i)
client
  .sendCampaign(
    { campaignId: 'node-campaign', receiveIdType: 'open_id', receiveIds, msgType: 'text', content: '{"text":"活动"}', journal },
    { progress: (p) => process.stdout.write('progress ' + p.done + '\\n') },
  )
  .then((report) => process.stdout.write('report ' + report.sent.length + ' ' + report.failed.length + ' ' + report.pending.length + '\\n'))
`

function runCampaign(url, count, journal, killAt) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD, url, String(count), journal], { stdio: ['ignore', 'pipe', 'inherit'] })
    let report = null
    const lines = readline.createInterface({ input: child.stdout })
    lines.on('line', (line) => {
      if (killAt !== null && line.startsWith('progress ') && Number(line.split(' ')[1]) >= killAt) child.kill('SIGKILL')
      if (line.startsWith('report ')) report = line
    })
    child.on('close', () => resolve(report))
  })
}

test('a campaign killed half-way and rerun sends each receiver once', async () => {
  const count = Number(process.env.LARKMSG_CAMPAIGN_RECEIVERS ?? 10000)
  const journal = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'larkmsg-campaign-')), 'journal.jsonl')
  const fake = FakeServer.start()
  try {
    assert.equal(await runCampaign(fake.url, count, journal, count / 2), null)
    assert.equal(await runCampaign(fake.url, count, journal, null), `report ${count} 0 0`)
    const receivers = fake.inbox().messages.map((m) => m.receiveId)
    assert.equal(receivers.length, count)
    assert.equal(new Set(receivers).size, count)
  } finally {
    fake.stop()
  }
})
