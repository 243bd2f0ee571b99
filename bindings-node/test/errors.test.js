'use strict'
// Failures reach Node as LarkError subclasses carrying every detail of the core's error.
const test = require('node:test')
const assert = require('node:assert/strict')
const larkmsg = require('larkmsg')
const { Client, LarkError, InvalidArgumentError, AuthError, PermissionError, ApiError, RateLimitedError, TimeoutError, NetworkError, ConfigError, DecodeError } = larkmsg
const { FakeServer } = require('larkmsg/testing')

function withFake(fn) {
  return async () => {
    const fake = FakeServer.start()
    try {
      await fn(fake)
    } finally {
      fake.stop()
    }
  }
}

const quick = { retries: { maxAttempts: 1 }, timeouts: { requestMs: 1000 } }

test('sendText answers and fails alike with and without extra fields', withFake(async (fake) => {
  const client = new Client(fake.clientOptions())
  const plain = await client.sendText('open_id', 'ou_1', '你好 "q"')
  const withUuid = await client.sendText('open_id', 'ou_1', '你好 "q"', { uuid: 'same-text-uuid' })
  assert.deepEqual(Object.keys(plain).sort(), Object.keys(withUuid).sort())
  assert.deepEqual(plain.body, withUuid.body)
  assert.equal(withUuid.uuid, 'same-text-uuid')
  assert.match(plain.uuid, /^[0-9a-f-]{36}$/)
  const refused = await client.sendText('fax_id', 'ou_1', 'x').catch((e) => e)
  const refusedToo = await client.sendText('fax_id', 'ou_1', 'x', {}).catch((e) => e)
  assert.ok(refused instanceof InvalidArgumentError, String(refused))
  assert.deepEqual(refused.violations, refusedToo.violations)
  assert.equal(refused.violations[0].path, 'receiveIdType')
  const notText = await client.sendText('open_id', 'ou_1', 42).catch((e) => e)
  assert.ok(notText instanceof InvalidArgumentError, String(notText))
  assert.equal(fake.inbox().messages.length, 2)
}))

test('invalid input: every violation, nothing sent', withFake(async (fake) => {
  const client = new Client(fake.clientOptions())
  const error = await client
    .createAppFeedCard({ userIdType: 'open_id', appFeedCard: { title: '标'.repeat(61), link: { link: 'http://not-https' } }, userIds: [] })
    .catch((e) => e)
  assert.ok(error instanceof InvalidArgumentError)
  assert.ok(error instanceof LarkError)
  assert.ok(error instanceof Error)
  assert.equal(error.name, 'InvalidArgumentError')
  assert.equal(error.kind, 'invalid_argument')
  assert.ok(error.violations.length >= 2, JSON.stringify(error.violations))
  for (const v of error.violations) {
    assert.equal(typeof v.path, 'string')
    assert.equal(typeof v.rule, 'string')
    assert.equal(typeof v.message, 'string')
  }
  assert.ok(error.violations.some((v) => v.path === 'appFeedCard.title' && v.platformPath === 'app_feed_card.title'), JSON.stringify(error.violations))
  assert.equal(error.maybeSent, false)
  assert.equal(error.code, null)
  assert.equal(fake.requests('create_app_feed_card'), 0)
}))

test('an unknown field is an invalid_argument naming it', withFake(async (fake) => {
  const client = new Client(fake.clientOptions())
  const error = await client.sendMessage({ receiveIdType: 'open_id', receiveId: 'ou_1', msgType: 'text', content: '{"text":"x"}', colour: 'red' }).catch((e) => e)
  assert.ok(error instanceof InvalidArgumentError)
  assert.deepEqual(error.violations.map((v) => v.path), ['colour'])
}))

test('wrong credentials: AuthError with the platform code and no secret', withFake(async (fake) => {
  const client = new Client(fake.clientOptions({ appSecret: 'wrong-secret-value', ...quick }))
  const error = await client.sendText('open_id', 'ou_1', 'x').catch((e) => e)
  assert.ok(error instanceof AuthError, error.stack)
  assert.equal(error.kind, 'auth')
  assert.equal(typeof error.code, 'number')
  assert.ok(!error.message.includes('wrong-secret-value'))
  assert.ok(!JSON.stringify(error).includes('wrong-secret-value'))
}))

test('a platform rejection: ApiError with code, msg, httpStatus, logId, troubleshooter', withFake(async (fake) => {
  const client = new Client(fake.clientOptions(quick))
  const error = await client.sendText('open_id', 'ou_unknown_user', 'x').catch((e) => e)
  assert.ok(error instanceof LarkError, error.stack)
  assert.equal(typeof error.code, 'number')
  assert.equal(typeof error.msg, 'string')
  assert.equal(typeof error.httpStatus, 'number')
  assert.equal(typeof error.logId, 'string')
  assert.ok(error.logId.length > 0)
  assert.match(error.troubleshooter ?? '', /https?:\/\//)
}))

test('a permission fault: PermissionError', withFake(async (fake) => {
  const client = new Client(fake.clientOptions(quick))
  fake.injectFault({ kind: 'permission_denied', endpoint: 'send_message', count: 1 })
  const error = await client.sendText('open_id', 'ou_1', 'x').catch((e) => e)
  assert.ok(error instanceof PermissionError, error.stack)
  assert.equal(error.kind, 'permission')
}))

test('throttled with retries off: RateLimitedError with retryAfter in ms', withFake(async (fake) => {
  const client = new Client(fake.clientOptions({ retries: { maxAttempts: 1, maxThrottleWaitMs: 0 } }))
  fake.injectFault({ kind: 'rate_limit', endpoint: 'send_message', count: 1 })
  const error = await client.sendText('open_id', 'ou_1', 'x').catch((e) => e)
  assert.ok(error instanceof RateLimitedError, error.stack)
  assert.equal(error.httpStatus, 429)
  assert.equal(typeof error.retryAfter, 'number')
}))

test('server errors with retries off: ApiError 5xx', withFake(async (fake) => {
  const client = new Client(fake.clientOptions(quick))
  fake.injectFault({ kind: 'status_5xx', endpoint: 'send_message', count: 1 })
  const error = await client.sendText('open_id', 'ou_1', 'x').catch((e) => e)
  assert.ok(error instanceof ApiError, error.stack)
  assert.ok(error.httpStatus >= 500)
}))

test('a slow answer past the timeout: TimeoutError', withFake(async (fake) => {
  const client = new Client(fake.clientOptions({ retries: { maxAttempts: 1 }, timeouts: { requestMs: 100 } }))
  fake.injectFault({ kind: 'slow', endpoint: 'send_message', count: 1, delayMs: 1000 })
  const error = await client.sendText('open_id', 'ou_1', 'x').catch((e) => e)
  assert.ok(error instanceof TimeoutError, error.stack)
}))

test('a dropped connection: NetworkError; a malformed answer: DecodeError', withFake(async (fake) => {
  const client = new Client(fake.clientOptions(quick))
  fake.injectFault({ kind: 'drop_before_read', endpoint: 'batch_send', count: 1 })
  const dropped = await client.batchSend({ msgType: 'text', content: { text: 'x' }, openIds: ['ou_1'] }).catch((e) => e)
  assert.ok(dropped instanceof NetworkError, dropped.stack)
  fake.injectFault({ kind: 'malformed', endpoint: 'send_message', count: 1 })
  const malformed = await client.sendText('open_id', 'ou_1', 'x').catch((e) => e)
  assert.ok(malformed instanceof DecodeError, malformed.stack)
}))

test('bad client options: ConfigError or InvalidArgumentError, thrown at once', () => {
  assert.throws(() => new Client({ appId: 'cli_1' }), ConfigError)
  assert.throws(() => new Client({ appId: 'a', appSecret: 'b', domain: 'mars' }), ConfigError)
  assert.throws(
    () => new Client({ appId: 'a', appSecret: 'b', colour: 'red' }),
    (e) => e instanceof InvalidArgumentError && e.violations[0].path === 'colour',
  )
  assert.throws(() => new Client('nope'), TypeError)
})

test('an unknown call name is an InvalidArgumentError', async () => {
  const client = new Client({ tenantAccessToken: 't-x', baseUrl: 'http://127.0.0.1:9' })
  await assert.rejects(client.call('recall_message', {}), InvalidArgumentError)
})

test('larkError builds the subclass for each kind', () => {
  const kinds = { invalid_argument: InvalidArgumentError, auth: AuthError, permission: PermissionError, rate_limited: RateLimitedError, api: ApiError, timeout: TimeoutError, network: NetworkError, decode: DecodeError, config: ConfigError }
  for (const [kind, Class] of Object.entries(kinds)) {
    const error = larkmsg.larkError({ kind, message: 'm', code: 1, http_status: 400, log_id: 'l', retry_after_ms: 5 })
    assert.ok(error instanceof Class)
    assert.equal(error.kind, kind)
    assert.equal(error.code, 1)
    assert.equal(error.httpStatus, 400)
    assert.equal(error.logId, 'l')
    assert.equal(error.retryAfter, 5)
  }
})

test('a send whose answer was lost names its uuid and is resent once', withFake(async (fake) => {
  const client = new Client(fake.clientOptions(quick))
  fake.injectFault({ kind: 'drop_after_read', endpoint: 'send_message', count: 1 })
  const error = await client.sendText('open_id', 'ou_1', 'once').catch((e) => e)
  assert.ok(error instanceof NetworkError, error.stack)
  assert.equal(error.maybeSent, true)
  assert.equal(typeof error.uuid, 'string')
  assert.equal(error.resendRequest.call, 'send_message')
  const message = await client.resend(error)
  assert.equal(message.uuid, error.uuid)
  const sent = fake.inbox().messages
  assert.equal(sent.length, 1)
  assert.equal(sent[0].uuid, error.uuid)
  await assert.rejects(client.resend(new Error('x')), InvalidArgumentError)
}))

test('extra fields reach the body; fields larkmsg models are refused there', withFake(async (fake) => {
  const client = new Client(fake.clientOptions(quick))
  await client.batchSend({ msgType: 'text', content: { text: 'x' }, openIds: ['ou_1'], extraFields: { update_multi: false } })
  assert.equal(fake.inbox().batches[0].updateMulti, false)
  const error = await client.batchSend({ msgType: 'text', content: { text: 'x' }, openIds: ['ou_1'], extraFields: { open_ids: [] } }).catch((e) => e)
  assert.ok(error instanceof InvalidArgumentError, error.stack)
  // The path as the caller wrote it; the extra field's own name is the platform's.
  assert.equal(error.violations[0].path, 'extraFields.open_ids')
  assert.equal(error.violations[0].platformPath, 'extra_fields.open_ids')
}))
