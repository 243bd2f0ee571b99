'use strict'
// The core's log events reach the application's logger through enableLogging's callback:
// levels, targets and messages as the core logs them, on the JS thread, without keeping
// the process alive.
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const larkmsg = require('larkmsg')
const { Client, PermissionError } = larkmsg
const { FakeServer } = require('larkmsg/testing')

/** Waits until `records` holds one that `matches` (records cross to the JS thread later). */
async function recordWhere(records, matches) {
  for (let waited = 0; waited < 5000; waited += 10) {
    const found = records.find(matches)
    if (found) return found
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  assert.fail(`no such record in ${JSON.stringify(records)}`)
}

/** Lets records already queued for the JS thread arrive. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100))

test('calls, retries and failures reach the callback at their levels', async () => {
  const fake = FakeServer.start()
  const records = []
  try {
    larkmsg.enableLogging('debug', (record) => records.push(record))
    const client = new Client(fake.clientOptions())
    await client.sendText('open_id', 'ou_1', 'x')
    const succeeded = await recordWhere(records, (r) => r.message.includes('call succeeded'))
    assert.equal(succeeded.level, 'debug')
    assert.equal(succeeded.target, 'larkmsg::call')
    assert.match(succeeded.message, /endpoint="send_message"/)
    assert.deepEqual(Object.keys(succeeded).sort(), ['level', 'message', 'target'])

    records.length = 0
    larkmsg.enableLogging('info', (record) => records.push(record))
    fake.injectFault({ kind: 'status_5xx' })
    await client.sendText('open_id', 'ou_1', 'x')
    fake.injectFault({ kind: 'permission_denied' })
    await assert.rejects(client.sendText('open_id', 'ou_1', 'x'), PermissionError)
    await recordWhere(records, (r) => r.message.includes('call failed'))
    await settle()
    assert.deepEqual(
      records.map((r) => [r.level, r.target, r.message.includes('attempt failed') ? 'attempt failed' : r.message.includes('call failed') ? 'call failed' : r.message]),
      [['info', 'larkmsg::call', 'attempt failed'], ['warn', 'larkmsg::call', 'call failed']],
    )
  } finally {
    larkmsg.enableLogging('off')
    fake.stop()
  }
})

test('a callback that throws is reported once and calls go on', async () => {
  const fake = FakeServer.start()
  const warnings = []
  const onWarning = (warning) => warnings.push(warning.message)
  process.on('warning', onWarning)
  try {
    let calls = 0
    larkmsg.enableLogging('debug', () => {
      calls += 1
      throw new Error('logger down')
    })
    const client = new Client(fake.clientOptions())
    await client.sendText('open_id', 'ou_1', 'x')
    await client.sendText('open_id', 'ou_1', 'y')
    await settle()
    assert.ok(calls >= 2, `the callback ran ${calls} times`)
    assert.equal(fake.inbox().messages.length, 2)
    assert.deepEqual(warnings.filter((w) => w.includes('log callback threw')), ['larkmsg: the log callback threw: logger down'])
  } finally {
    process.off('warning', onWarning)
    larkmsg.enableLogging('off')
    fake.stop()
  }
})

test('enableLogging checks its callback', () => {
  assert.throws(() => larkmsg.enableLogging('debug', 'console'), TypeError)
})

test('a process with a log callback exits by itself when its work is done', () => {
  const script = `
    const larkmsg = require('larkmsg')
    const { FakeServer } = require('larkmsg/testing')
    const fake = FakeServer.start()
    let seen = 0
    larkmsg.enableLogging('debug', () => { seen += 1 })
    new larkmsg.Client(fake.clientOptions()).sendText('open_id', 'ou_1', 'x').then(() => {
      setTimeout(() => { console.log('records', seen > 0); fake.stop() }, 100)
    })
  `
  const env = { ...process.env }
  delete env.LARKMSG_LOG
  delete env.NODE_TEST_CONTEXT
  const child = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8', timeout: 30_000, cwd: __dirname })
  assert.equal(child.signal, null, 'the child did not exit by itself')
  assert.equal(child.status, 0, child.stderr)
  assert.match(child.stdout, /records true/)
})
