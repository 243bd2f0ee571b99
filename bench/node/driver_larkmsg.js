'use strict'
// The larkmsg Node column of the benchmark suite (see bench/README.md).
// `node driver_larkmsg.js '<params JSON>'`: construct mode times `require('larkmsg')` and the
// client's construction; send mode runs `concurrency` async senders on one client, each
// taking the next index from a shared counter. The last line of stdout is the result as JSON.
const STARTED = process.hrtime.bigint()

const params = JSON.parse(process.argv[2])

function sinceMs(start) {
  return Number(process.hrtime.bigint() - start) / 1e6
}

function options() {
  const raw = { appId: params.app_id, appSecret: params.app_secret, baseUrl: params.base_url }
  if (!params.pacing) raw.quotas = false
  return raw
}

function label(error) {
  if (error && typeof error.code === 'string' && 'apiCode' in error) {
    return error.apiCode ? `${error.code}:${error.apiCode}` : error.code
  }
  return `exception:${error && error.constructor ? error.constructor.name : typeof error}`
}

function summary(latencies, errors, elapsedS) {
  latencies.sort((a, b) => a - b)
  const rank = (percent) =>
    latencies.length ? latencies[Math.max(1, Math.ceil((percent / 100) * latencies.length)) - 1] : null
  const failed = Object.values(errors).reduce((a, b) => a + b, 0)
  return {
    attempted: latencies.length,
    succeeded: latencies.length - failed,
    failed,
    errors,
    elapsed_s: elapsedS,
    latency_ms: { p50: rank(50), p99: rank(99), max: rank(100) },
    truncated: latencies.length < params.count,
  }
}

async function send() {
  const { Client } = require('larkmsg')
  const client = new Client(options())
  const { count, receivers } = params
  const latencies = []
  const errors = {}
  let next = 0
  const started = process.hrtime.bigint()
  const stopAtMs = params.max_seconds * 1000

  async function sender() {
    for (;;) {
      const i = next++
      if (i >= count || sinceMs(started) >= stopAtMs) return
      const call = process.hrtime.bigint()
      try {
        await client.sendText('open_id', receivers[i % receivers.length], `bench ${i}`)
      } catch (error) {
        const name = label(error)
        errors[name] = (errors[name] ?? 0) + 1
      }
      latencies.push(sinceMs(call))
    }
  }

  await Promise.all(Array.from({ length: params.concurrency }, sender))
  return summary(latencies, errors, sinceMs(started) / 1000)
}

async function main() {
  if (params.mode === 'construct') {
    const { Client } = require('larkmsg')
    new Client(options()) // eslint-disable-line no-new
    console.log(JSON.stringify({ construct_ms: sinceMs(STARTED) }))
  } else {
    console.log(JSON.stringify(await send()))
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
