'use strict'
// The shared conformance suite (tests/conformance/cases) run through the Node API:
// each case's snake_case input is handed over in camelCase, as a Node user writes it, and
// a file given as {"base64": …} as a Buffer.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { Client, LarkError, toCamel, toSnake } = require('larkmsg')
const { FakeServer } = require('larkmsg/testing')

const CASES_DIR = process.env.LARKMSG_CONFORMANCE_DIR || path.join(__dirname, '..', '..', 'tests', 'conformance', 'cases')

function caseFiles(dir) {
  const files = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) files.push(...caseFiles(full))
    else if (entry.name.endsWith('.json')) files.push(full)
  }
  return files.sort()
}

/** Expands `{"$repeat": s, "count": n, "prefix"?, "suffix"?}`. */
function expand(value) {
  if (Array.isArray(value)) return value.map(expand)
  if (value && typeof value === 'object') {
    if (typeof value.$repeat === 'string' && typeof value.count === 'number') {
      return (value.prefix ?? '') + value.$repeat.repeat(value.count) + (value.suffix ?? '')
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v)]))
  }
  return value
}

/** Whether `actual` contains `expected` (objects by subset, `{"$prefix": p}` by prefix). */
function subset(expected, actual) {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => subset(e, actual[i]))
  }
  if (expected && typeof expected === 'object') {
    const keys = Object.keys(expected)
    if (keys.length === 1 && keys[0] === '$prefix') return typeof actual === 'string' && actual.startsWith(expected.$prefix)
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false
    return keys.every((key) => key in actual && subset(expected[key], actual[key]))
  }
  return expected === actual
}

/** The case's request as a Node user writes it: camelCase keys, when they map back exactly. */
function camelInput(input) {
  const camel = toCamel(input)
  try {
    assert.deepStrictEqual(toSnake(camel), input)
    return camel
  } catch {
    return input // a key that does not survive the round trip: given as is (snake_case works too)
  }
}

/** The request with each file given as `{"base64": …}` as a Buffer (a file held in memory). */
function withBuffers(input) {
  const isFile = (value) => value && typeof value === 'object' && Object.keys(value).join() === 'base64'
  return Object.fromEntries(
    Object.entries(input).map(([key, value]) => [key, isFile(value) ? Buffer.from(value.base64, 'base64') : value]),
  )
}

/** The client's method of a call: its name in camelCase. */
function methodOf(call) {
  return call.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
}

/** The error's fields under the case format's names. */
const ERROR_FIELDS = {
  kind: 'kind',
  code: 'code',
  http_status: 'httpStatus',
  maybe_sent: 'maybeSent',
  retry_after_ms: 'retryAfter',
  msg: 'msg',
  log_id: 'logId',
  troubleshooter: 'troubleshooter',
}

/** The violations under the case format's spelling of their paths (the platform's). */
function violationKeys(list) {
  return (list ?? []).map((v) => `${v.platformPath ?? v.path} ${v.rule}`).sort()
}

function checkError(want, error) {
  assert.ok(error instanceof LarkError, `expected a LarkError, got ${error && error.stack}`)
  for (const [key, value] of Object.entries(want)) {
    if (key === 'violations') {
      assert.deepStrictEqual(violationKeys(error.violations), violationKeys(value), `violations (${error.message})`)
      continue
    }
    const field = ERROR_FIELDS[key]
    assert.ok(field, `unknown expected error key ${key}`)
    assert.ok(subset(value, error[field]), `error ${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(error[field])} (${error.message})`)
  }
}

async function runCase(kase) {
  const fake = FakeServer.start()
  try {
    const overrides = kase.client ?? {}
    const client = new Client(
      fake.clientOptions({
        retries: { initialBackoffMs: 10, maxBackoffMs: 50, ...toCamel(overrides.retry ?? {}) },
        timeouts: { requestMs: 2000, ...toCamel(overrides.timeouts ?? {}) },
      }),
    )
    for (const action of kase.before ?? []) {
      if (action.fault) fake.injectFault(toCamel(action.fault))
      else if (action.control) fake.control(action.control.method, action.control.name, action.control.body)
      else if (action.card) fake.control('POST', 'cards', action.card)
      else if (action.revoke_tokens === true) fake.revokeTokens()
      else if (action.warm_up === true) {
        await client.sendText('open_id', 'ou_warm_up', 'warm up')
        fake.reset()
      } else throw new Error(`unknown before action ${JSON.stringify(action)}`)
    }
    const method = methodOf(kase.call)
    assert.equal(typeof client[method], 'function', `unknown call ${kase.call}`)
    let result
    let error
    try {
      result = await client[method](withBuffers(camelInput(kase.input)))
    } catch (e) {
      error = e
    }
    if (kase.expect.ok !== undefined) {
      assert.ok(!error, `expected ok, got ${error && error.message}`)
      const want = toCamel(kase.expect.ok)
      assert.ok(subset(want, result), `result: expected subset ${JSON.stringify(want)}, got ${JSON.stringify(result)}`)
    } else {
      assert.ok(error, `expected an error, got ok ${JSON.stringify(result)}`)
      checkError(kase.expect.error, error)
    }
    if (kase.expect_requests !== undefined) {
      assert.equal(fake.requests(kase.call), kase.expect_requests, 'expect_requests')
    }
    if (kase.expect_token_requests !== undefined) {
      assert.equal(fake.tokenRequests(), kase.expect_token_requests, 'expect_token_requests')
    }
    if (kase.expect_inbox) {
      const inbox = fake.inbox()
      for (const [key, count] of Object.entries(kase.expect_inbox)) {
        const list = inbox[Object.keys(toCamel({ [key]: null }))[0]] ?? []
        assert.equal(list.length, count, `inbox ${key}`)
      }
    }
    if (kase.expect_card) {
      const card = fake.card(kase.expect_card.card_id)
      assert.ok(subset(kase.expect_card, card), `card: expected subset ${JSON.stringify(kase.expect_card)}, got ${JSON.stringify(card)}`)
    }
  } finally {
    fake.stop()
  }
}

const files = caseFiles(CASES_DIR)

test('the conformance suite has cases', () => {
  assert.ok(files.length >= 50, `only ${files.length} cases in ${CASES_DIR}`)
})

for (const file of files) {
  const shown = path.relative(CASES_DIR, file)
  const kase = JSON.parse(fs.readFileSync(file, 'utf8'))
  const options = kase.skip ? { skip: kase.skip } : {}
  test(`conformance ${shown}: ${kase.name}`, options, () => runCase(expand(kase)))
}
