'use strict'
// The larkmsg Node column of the benchmark suite (see bench/README.md).
// `node driver_larkmsg.js '<params JSON>'`: construct mode times `require('larkmsg')` and the
// client's construction; send mode sends from async workers on one client through the
// shared harness; campaign mode makes one `sendCampaign` call to every receiver. The last
// line of stdout is the result as JSON.
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

// One campaign to every receiver, reported as a send run (no latencies).
async function campaign(client) {
  const started = process.hrtime.bigint()
  const report = await client.sendCampaign({
    campaignId: params.campaign_id,
    receiveIdType: 'open_id',
    receiveIds: params.receivers,
    msgType: 'text',
    content: JSON.stringify({ text: 'bench campaign' }),
    concurrency: params.concurrency,
  })
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9
  const errors = {}
  for (const { error } of report.failed) {
    const name = error.code ? `${error.kind}:${error.code}` : error.kind
    errors[name] = (errors[name] ?? 0) + 1
  }
  if (report.pending.length) errors.pending = report.pending.length
  const failed = Object.values(errors).reduce((a, b) => a + b, 0)
  return {
    attempted: report.sent.length + failed,
    succeeded: report.sent.length,
    failed,
    errors,
    elapsed_s: elapsedS,
    latency_ms: { p50: null, p99: null, max: null },
    truncated: report.sent.length + failed < params.receivers.length,
  }
}

async function main() {
  const client = buildClient()
  const { run, sinceMs } = require('./harness')
  if (params.mode === 'construct') {
    console.log(JSON.stringify({ construct_ms: sinceMs(STARTED) }))
    return
  }
  if (params.mode === 'campaign') {
    console.log(JSON.stringify(await campaign(client)))
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
