'use strict'
// The larkmsg Node column of the benchmark suite (see bench/README.md).
// `node driver_larkmsg.js '<params JSON>'`: construct mode times `require('larkmsg')` and the
// client's construction; send mode sends from async workers on one client through the
// shared harness. The last line of stdout is the result as JSON.
const STARTED = process.hrtime.bigint()

const params = JSON.parse(process.argv[2])

function buildClient() {
  const { Client } = require('larkmsg')
  const options = { appId: params.app_id, appSecret: params.app_secret, baseUrl: params.base_url }
  if (!params.pacing) options.quotas = false
  return new Client(options)
}

function label(error) {
  if (error && typeof error.kind === 'string' && 'code' in error) {
    return error.code ? `${error.kind}:${error.code}` : error.kind
  }
  return `exception:${error && error.constructor ? error.constructor.name : typeof error}`
}

async function main() {
  const client = buildClient()
  const { run, sinceMs } = require('./harness')
  if (params.mode === 'construct') {
    console.log(JSON.stringify({ construct_ms: sinceMs(STARTED) }))
    return
  }
  const { receivers } = params
  const send = async (i) => {
    await client.sendText('open_id', receivers[i % receivers.length], `bench ${i}`)
    return null
  }
  console.log(JSON.stringify(await run(params, send, label)))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
