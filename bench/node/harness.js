'use strict'
// The send loop and result of every Node driver (see bench/README.md), so that each SDK is
// measured the same way. `run(params, send, label)`: `concurrency` async workers take the
// next index from a shared counter until `count` are taken or `max_seconds` have passed;
// `send(i)` resolves to null on success or an error label, `label(error)` names a throw.

function sinceMs(start) {
  return Number(process.hrtime.bigint() - start) / 1e6
}

async function run(params, send, label) {
  const latencies = []
  const errors = {}
  const stopAtMs = (params.max_seconds ?? 120) * 1000
  let next = 0
  const started = process.hrtime.bigint()
  const take = () => (next < params.count && sinceMs(started) < stopAtMs ? next++ : null)

  async function worker() {
    for (let i = take(); i !== null; i = take()) {
      const began = process.hrtime.bigint()
      let outcome
      try {
        outcome = await send(i)
      } catch (error) {
        outcome = label(error)
      }
      latencies.push(sinceMs(began))
      if (outcome) errors[outcome] = (errors[outcome] ?? 0) + 1
    }
  }

  await Promise.all(Array.from({ length: params.concurrency }, worker))
  const elapsedS = sinceMs(started) / 1000
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

module.exports = { run, sinceMs }
