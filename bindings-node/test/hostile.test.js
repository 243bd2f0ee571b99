'use strict'
// Misuse and hostile servers through the Node API: a panic inside the core settles the
// promise as InternalError; input nested 100,000 levels deep (or cyclic) is an
// InvalidArgumentError, never a RangeError; the options for answer size, private CAs and
// plain-http hosts.
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const https = require('node:https')
const path = require('node:path')
const test = require('node:test')

const { Client, InternalError, InvalidArgumentError, DecodeError, ConfigError, TlsError, checkCard, content } = require('larkmsg')

const tlsDir = process.env.LARKMSG_TLS_DIR

/** An object nested `levels` deep, built without recursion. */
function deep(levels) {
  let value = { leaf: true }
  for (let i = 0; i < levels; i++) value = { elements: [value] }
  return value
}

function isDepthError(error) {
  return error instanceof InvalidArgumentError && error.violations[0].rule === 'depth'
}

/** A server answering like the platform (a token, then a message), or with `body` for sends. */
function platform(handler) {
  return (request, response) => {
    request.resume()
    request.on('end', () => {
      response.setHeader('content-type', 'application/json')
      if (request.url.startsWith('/open-apis/auth/')) {
        response.end(JSON.stringify({ code: 0, msg: 'ok', tenant_access_token: 't-node', expire: 7200 }))
      } else {
        handler(response)
      }
    })
  }
}

const MESSAGE = {
  code: 0,
  msg: 'success',
  data: {
    message_id: 'om_node', msg_type: 'text', create_time: '1', update_time: '1', chat_id: 'oc_1',
    sender: { id: 'cli_1', id_type: 'app_id', sender_type: 'app' }, body: { content: '{"text":"hi"}' },
  },
}

async function listen(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server.address().port
}

async function close(server) {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
}

test('a panic inside the core settles the promise as InternalError', { timeout: 10000 }, async () => {
  const client = new Client({ tenantAccessToken: 't-1', baseUrl: 'http://127.0.0.1:1', _panicInCallsForTests: true })
  await assert.rejects(client.sendText('open_id', 'ou_1', 'hi'), (error) => {
    assert.ok(error instanceof InternalError, String(error))
    assert.equal(error.kind, 'internal')
    return true
  })
})

test('input nested 100,000 levels deep or cyclic is an InvalidArgumentError', async () => {
  const client = new Client({ tenantAccessToken: 't-1', baseUrl: 'http://127.0.0.1:1' })
  const card = deep(100_000)
  await assert.rejects(client.sendCard('open_id', 'ou_1', card), isDepthError)
  await assert.rejects(client.batchSend({ msgType: 'interactive', card, openIds: ['ou_1'] }), (error) => {
    assert.ok(isDepthError(error), String(error))
    assert.equal(error.violations[0].path, 'card')
    return true
  })
  await assert.rejects(client.createCard({ type: 'card_json', data: card }), isDepthError)
  assert.throws(() => checkCard(card), isDepthError)
  assert.throws(() => content.post({ zh_cn: card }).toContentString(), isDepthError)
  assert.throws(() => new Client({ appId: 'cli_1', appSecret: 's', timeouts: deep(100_000) }), isDepthError)
  const cyclic = { tag: 'markdown' }
  cyclic.self = cyclic
  await assert.rejects(client.batchSend({ msgType: 'interactive', card: cyclic, openIds: ['ou_1'] }), isDepthError)
})

test('an answer larger than maxResponseBytes is a DecodeError', async () => {
  const server = http.createServer(platform((response) => response.end(JSON.stringify(MESSAGE))))
  const port = await listen(server)
  try {
    const options = { appId: 'cli_1', appSecret: 's', baseUrl: `http://127.0.0.1:${port}`, quotas: false }
    const small = new Client({ ...options, maxResponseBytes: 100 })
    await assert.rejects(small.sendText('open_id', 'ou_1', 'hi'), (error) => error instanceof DecodeError && /max_response_bytes/.test(error.message))
    const roomy = new Client(options)
    assert.equal((await roomy.sendText('open_id', 'ou_1', 'hi')).messageId, 'om_node')
  } finally {
    await close(server)
  }
})

test('http:// to a host that is not loopback needs insecureHttpHosts', () => {
  assert.throws(() => new Client({ appId: 'cli_1', appSecret: 's', baseUrl: 'http://gateway.invalid' }), ConfigError)
  new Client({ appId: 'cli_1', appSecret: 's', baseUrl: 'http://gateway.invalid', insecureHttpHosts: ['gateway.invalid'] })
})

test('a private CA is trusted through rootCertificatesPem or rootCertificatesFile', { skip: !tlsDir && 'LARKMSG_TLS_DIR is not set' }, async () => {
  const server = https.createServer(
    { cert: fs.readFileSync(path.join(tlsDir, 'server.pem')), key: fs.readFileSync(path.join(tlsDir, 'server.key')) },
    platform((response) => response.end(JSON.stringify(MESSAGE))),
  )
  const port = await listen(server)
  try {
    const options = { appId: 'cli_1', appSecret: 's', baseUrl: `https://127.0.0.1:${port}`, quotas: false }
    await assert.rejects(new Client(options).sendText('open_id', 'ou_1', 'hi'), (error) => error instanceof TlsError && error.kind === 'tls')
    const ca = fs.readFileSync(path.join(tlsDir, 'ca.pem'))
    assert.equal((await new Client({ ...options, rootCertificatesPem: ca }).sendText('open_id', 'ou_1', 'hi')).messageId, 'om_node')
    const fromFile = new Client({ ...options, rootCertificatesFile: path.join(tlsDir, 'ca.pem') })
    assert.equal((await fromFile.sendText('open_id', 'ou_1', 'hi')).messageId, 'om_node')
    assert.throws(() => new Client({ ...options, rootCertificatesPem: 'not a certificate' }), ConfigError)
  } finally {
    await close(server)
  }
})
