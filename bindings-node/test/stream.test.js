'use strict'
// The card stream through the Node API against the fake. The 2,000-token answer is
// appended in about 2 s (the core's own test streams it at 200 tokens per second on a
// paused clock); what matters here is what the fake saw: the exact text, no refused
// operation, at most 10 operations on the card in any second, increasing sequences.

const test = require('node:test')
const assert = require('node:assert/strict')
const { Client, Card, CardStream, InvalidArgumentError } = require('larkmsg')
const { FakeServer } = require('larkmsg/testing')

const token = (n) => ['流式', ` word${n}`, ` ${n}.`, '\n'][n % 4]
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const codes = (card) => card.operations.map((op) => op.code)

async function waitUntil(what, done) {
  const deadline = Date.now() + 30_000
  while (!done()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`)
    await sleep(20)
  }
}

function withFake(run) {
  return async () => {
    const fake = FakeServer.start({ quotas: true })
    try {
      await run(fake, new Client(fake.clientOptions({ quotas: true })))
    } finally {
      fake.stop()
    }
  }
}

test(
  'a 2,000-token answer lands exactly within the card rate',
  withFake(async (fake, client) => {
    const stream = await client.streamCard({ receiveIdType: 'open_id', receiveId: 'ou_stream', card: new Card().header('AI') })
    assert.ok(stream instanceof CardStream)
    let answer = ''
    const started = Date.now()
    for (let n = 0; n < 2000; n++) {
      answer += token(n)
      await stream.append(token(n))
      if (n % 20 === 19) await sleep(Math.max(0, started + (n + 1) - Date.now()))
    }
    const summary = await stream.finish()
    const card = fake.card(stream.cardId)
    assert.equal(card.texts.answer, answer)
    assert.equal(card.streaming_mode, false)
    assert.ok(card.summary.length > 0)
    assert.deepEqual([...new Set(codes(card))], [0])
    assert.deepEqual(fake.counters().throttled, {})
    assert.ok(card.max_operations_per_second <= 10, `${card.max_operations_per_second} in one second`)
    const sequences = card.operations.filter((op) => op.code === 0).map((op) => op.sequence)
    assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b))
    assert.equal(summary.sequence, card.sequence)
    assert.equal(summary.textChars, [...answer].length)
    assert.ok(summary.pushes >= 2 && summary.pushes < 2000)
  }),
)

test(
  'finish after the auto-close turns streaming mode on again',
  withFake(async (fake, client) => {
    const stream = await client.streamCard({ receiveIdType: 'open_id', receiveId: 'ou_late' })
    await stream.append('before')
    await waitUntil('the first push', () => fake.card(stream.cardId).texts.answer === 'before')
    fake.advanceClock(11 * 60)
    await stream.append(' and after')
    const summary = await stream.finish(undefined, { summary: 'done' })
    const card = fake.card(stream.cardId)
    assert.equal(card.texts.answer, 'before and after')
    assert.equal(card.summary, 'done')
    assert.equal(summary.reopened, 1)
    assert.ok(codes(card).includes(200850))
  }),
)

test(
  'a sequence moved by another writer is overtaken',
  withFake(async (fake, client) => {
    const stream = await client.streamCard({ replyTo: 'om_question', replyInThread: true })
    await stream.push('one')
    await waitUntil('the first push', () => fake.card(stream.cardId).texts.answer === 'one')
    await client.updateCardSettings({ cardId: stream.cardId, settings: { config: { summary: { content: 'x' } } }, sequence: 40 })
    await stream.append(' two')
    const summary = await stream.finish()
    assert.equal(fake.card(stream.cardId).texts.answer, 'one two')
    assert.ok(summary.sequenceConflicts >= 1 && summary.sequence > 40)
    assert.ok(codes(fake.card(stream.cardId)).includes(300317))
  }),
)

test(
  'a stream closed mid-way is finished in the background with the text so far',
  withFake(async (fake, client) => {
    const stream = await client.streamCard({ receiveIdType: 'open_id', receiveId: 'ou_cancel' })
    let text = ''
    for (let n = 0; n < 60; n++) {
      await stream.append(token(n))
      text += token(n)
      await sleep(5)
    }
    stream.close()
    await assert.rejects(stream.append('more'), InvalidArgumentError)
    await waitUntil('the background finish', () => fake.card(stream.cardId).streaming_mode === false)
    assert.equal(fake.card(stream.cardId).texts.answer, text)
  }),
)

test(
  'bad options are refused before anything is sent',
  withFake(async (fake, client) => {
    await assert.rejects(
      client.streamCard({ receiveIdType: 'open_id', receiveId: 'ou_1', elementId: '1x', rateShare: 2 }),
      (error) => {
        assert.ok(error instanceof InvalidArgumentError)
        assert.deepEqual(error.violations.map((v) => v.path).sort(), ['elementId', 'rateShare'])
        assert.deepEqual(error.violations.map((v) => v.platformPath).sort(), ['element_id', 'rate_share'])
        return true
      },
    )
    assert.equal(fake.requests('create_card'), 0)
  }),
)
