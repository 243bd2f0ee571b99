'use strict'
// Benchmark driver for @larksuiteoapi/node-sdk, the official Node SDK (see bench/README.md).
// Usage: node driver_node_sdk.js '<params JSON>'; prints one JSON result line. Sends go
// through the shared harness.

const started = process.hrtime.bigint()
const lark = require('@larksuiteoapi/node-sdk')

const ignore = () => {}
const silentLogger = { error: ignore, warn: ignore, info: ignore, debug: ignore, trace: ignore }

function buildClient(params) {
  return new lark.Client({
    appId: params.app_id,
    appSecret: params.app_secret,
    domain: params.base_url,
    // The SDK logs every failed call; a benchmark counts failures instead of printing them.
    // (`loggerLevel: fatal` is 0, which the SDK treats as unset, so a silent logger it is.)
    logger: silentLogger,
  })
}

function label(error) {
  const code = error && error.response && error.response.data && error.response.data.code
  return code !== undefined ? `code:${code}` : `exception:${(error && error.name) || 'Error'}`
}

async function main() {
  const params = JSON.parse(process.argv[2])
  const client = buildClient(params)
  const { run, sinceMs } = require('./harness')
  if (params.mode === 'construct') {
    console.log(JSON.stringify({ construct_ms: sinceMs(started) }))
    return
  }
  const { receivers } = params
  const send = async (i) => {
    const answer = await client.im.v1.message.create({
      params: { receive_id_type: 'open_id' },
      data: {
        receive_id: receivers[i % receivers.length],
        msg_type: 'text',
        content: JSON.stringify({ text: `bench ${i}` }),
      },
    })
    return answer && answer.code === 0 ? null : `code:${answer && answer.code}`
  }
  console.log(JSON.stringify(await run(params, send, label)))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
