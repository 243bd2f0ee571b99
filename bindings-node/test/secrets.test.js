'use strict'
// No secret in any output: this file runs itself as a child process that logs at the most
// verbose level and produces successes and every error kind, printing every form of every
// outcome (message, toString, stack, JSON, util.inspect). Its stdout and stderr, captured
// at the file-descriptor level, must hold neither the app secrets, nor the app tickets,
// nor any token the fake issued.
const { spawnSync } = require('node:child_process')
const util = require('node:util')

const APP_ID = 'cli_secrets_node'
const APP_SECRET = 'SeCrEt-node-5e2a7c03'
const STORE_ID = 'cli_secrets_node_store'
const STORE_SECRET = 'StOrE-SeCrEt-node-8d16f4'
const BAD_TICKET = 'BaD-TiCkEt-node-47b9e1'
const CHILD = 'LARKMSG_TEST_SECRETS_CHILD'
const KINDS = ['invalid_argument', 'auth', 'permission', 'rate_limited', 'api', 'timeout', 'network', 'decode', 'config']

function show(label, value) {
  if (value instanceof Error) {
    console.log(`${label} message=${value.message}`)
    console.log(`${label} string=${String(value)}`)
    console.log(`${label} kind=${value.kind} code=${value.code} json=${JSON.stringify(value)}`)
    console.log(`${label} stack=${value.stack}`)
  }
  console.log(`${label} inspect=${util.inspect(value, { depth: 5 })}`)
}

async function attempt(label, run) {
  try {
    show(label, await run())
  } catch (error) {
    show(label, error)
  }
}

async function scenario(url, ticket, to) {
  const larkmsg = require('larkmsg')
  const { Client } = larkmsg
  const directive = 'trace,hyper=trace,hyper_util=trace,h2=trace,reqwest=trace,rustls=trace'
  if (to === 'callback') {
    larkmsg.enableLogging(directive, (r) => console.log(`record level=${r.level} target=${r.target} ${r.message}`))
  } else {
    larkmsg.enableLogging(directive)
  }
  const control = async (method, name, body) => {
    const answer = await fetch(`${url}/_fake/${name}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return answer.json()
  }
  const fault = (kind) => control('POST', 'faults', { kind, endpoint: 'send_message', delay_ms: 1500 })
  const quick = { baseUrl: url, quotas: false, retries: { maxAttempts: 1, maxThrottleWaitMs: 0 }, timeouts: { requestMs: 500 } }

  const client = new Client({ appId: APP_ID, appSecret: APP_SECRET, ...quick })
  show('client', client)
  await attempt('ok', () => client.sendText('open_id', 'ou_1', 'hi'))
  await attempt('invalid', () => client.sendMessage({ receiveIdType: 'open_id', receiveId: 'ou_1', msgType: 'text', content: '{}' }))
  await attempt('api', () => client.sendText('open_id', 'ou_unknown_1', 'hi'))
  for (const kind of ['permission_denied', 'rate_limit', 'malformed', 'drop_before_read', 'status_5xx', 'slow']) {
    await fault(kind)
    await attempt(kind, () => client.sendText('open_id', 'ou_1', 'hi'))
  }

  const token = (await control('GET', 'tokens')).issued[0]
  const tokenClient = new Client({ tenantAccessToken: token, ...quick })
  show('token client', tokenClient)
  await attempt('token ok', () => tokenClient.sendText('open_id', 'ou_1', 'hi'))
  await fault('revoke_tokens')
  await attempt('token revoked', () => tokenClient.sendText('open_id', 'ou_1', 'hi'))
  await attempt('after revocation', () => client.sendText('open_id', 'ou_1', 'hi'))

  const store = new Client({ appId: STORE_ID, appSecret: STORE_SECRET, tenantKey: 'fake_tenant', appTicket: ticket, ...quick })
  show('store client', store)
  await attempt('store ok', () => store.sendText('open_id', 'ou_1', 'hi'))
  const wrong = new Client({ appId: STORE_ID, appSecret: STORE_SECRET, tenantKey: 'fake_tenant', appTicket: BAD_TICKET, ...quick })
  await attempt('store wrong ticket', () => wrong.sendText('open_id', 'ou_1', 'hi'))

  await attempt('ticket for a self-built app', () => client.setAppTicket(BAD_TICKET))
  await attempt('empty app id', () => new Client({ appId: '', appSecret: APP_SECRET, baseUrl: url }))
  await attempt('unknown domain', () => new Client({ appId: APP_ID, appSecret: APP_SECRET, domain: 'mars' }))
  await attempt('bad directive', () => larkmsg.enableLogging('larkmsg=loud'))
}

if (process.env[CHILD]) {
  const [url, ticket, to] = process.env[CHILD].split(' ')
  scenario(url, ticket, to).catch((error) => {
    console.error('scenario failed', error)
    process.exitCode = 1
  })
} else {
  const test = require('node:test')
  const assert = require('node:assert/strict')
  const { InvalidArgumentError, enableLogging } = require('larkmsg')
  const { FakeServer } = require('larkmsg/testing')

  for (const to of ['stderr', 'callback']) test(`no secret in any output at the most verbose level (${to})`, async () => {
    const fake = FakeServer.start()
    try {
      fake.registerApp({ appId: APP_ID, appSecret: APP_SECRET, kind: 'self_built' })
      fake.registerApp({ appId: STORE_ID, appSecret: STORE_SECRET, kind: 'store' })
      const firstTicket = fake.appTicket(STORE_ID)
      const env = { ...process.env, [CHILD]: `${fake.url} ${firstTicket} ${to}` }
      delete env.LARKMSG_LOG
      delete env.NODE_TEST_CONTEXT
      // Blocking here is fine: the fake serves on the core's threads, not this event loop.
      const child = spawnSync(process.execPath, [__filename], { env, encoding: 'utf8', timeout: 120_000 })
      const output = child.stdout + child.stderr
      assert.equal(child.status, 0, output)

      const tokens = fake.issuedTokens()
      assert.ok(tokens.length >= 4, JSON.stringify(tokens))
      const secrets = [APP_SECRET, STORE_SECRET, BAD_TICKET, firstTicket, fake.appTicket(STORE_ID), ...tokens]
      const leaked = secrets.filter((secret) => output.includes(secret))
      assert.deepEqual(leaked, [], 'secrets in the output')

      // The capture works: the core's log lines (through the callback or not) and every kind are there.
      const where = to === 'callback'
        ? ['record level=trace target=hyper_util', 'record level=warn target=larkmsg::call', 'record level=info target=larkmsg::call']
        : ['TRACE hyper_util', ' WARN larkmsg.call{']
      for (const expected of [
        ...where,
        'larkmsg.call{endpoint="send_message"',
        'log_id="',
        'call succeeded',
        'call failed',
        'attempt failed',
        'fetched a new tenant access token',
        'token rejected; fetching a new one',
        'at async attempt',
      ]) {
        assert.ok(output.includes(expected), `the output lacks ${expected}`)
      }
      for (const kind of KINDS) assert.ok(child.stdout.includes(`kind=${kind} code=`), `no ${kind} error was printed`)
    } finally {
      fake.stop()
    }
  })

  test('enableLogging refuses what it cannot use', () => {
    assert.throws(() => enableLogging('larkmsg=loud'), InvalidArgumentError)
    assert.throws(() => enableLogging(42), TypeError)
  })
}
