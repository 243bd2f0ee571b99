'use strict'
// Memory stays flat over many calls: N calls against the fake (awaited one by one and in
// concurrent batches; every fifth request breaks a rule and fails validation), sampling
// this process's resident memory every N/10 calls. The fake runs in a child process, so
// that only the client's memory is measured. Flat means: from the sample at 20% of the
// calls (after warm-up) to the last one, RSS grows by less than --max-growth-mb. Exits 1
// otherwise. The loop runs in a child Node with V8's young generation pinned
// (`--max-semi-space-size=1`) and `--expose-gc`: under this allocation rate V8 otherwise
// grows its semi-spaces to 16 MB each (the heap it reserves, not what it uses, grew from 13
// to 38 MB over 100,000 calls, with 3.5 MB in use after each collection), which shows in RSS
// although nothing leaks.
//
// Usage: node tools/memory-loop.js [--calls 100000] [--max-growth-mb 8]

const { spawn } = require('node:child_process')
const readline = require('node:readline')

/** The flags the measuring process runs with (see above). */
const MEASURING_FLAGS = ['--expose-gc', '--max-semi-space-size=1']

const VALID = { receiveIdType: 'open_id', receiveId: 'ou_1', msgType: 'text', content: '{"text":"hi"}' }
const INVALID = { ...VALID, content: '{}' }
const CONCURRENCY = 8

function option(name, fallback) {
  const index = process.argv.indexOf(name)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

function serveFake() {
  const { FakeServer } = require('larkmsg/testing')
  const fake = FakeServer.start()
  console.log(fake.url)
  // Serve until the parent closes our stdin.
  process.stdin.resume()
  process.stdin.on('end', () => fake.stop())
}

async function startFake() {
  const child = spawn(process.execPath, [__filename, '--serve-fake'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = readline.createInterface({ input: child.stdout })
  const [url] = await Promise.race([
    require('node:events').once(lines, 'line'),
    require('node:events').once(child, 'exit').then(() => { throw new Error('the fake did not start') }),
  ])
  return { url, stop: () => child.stdin.end() }
}

async function one(client, i) {
  try {
    await client.sendMessage(i % 5 === 4 ? INVALID : VALID)
    return 0
  } catch (error) {
    if (error.kind !== 'invalid_argument') throw error
    return 1
  }
}

async function main() {
  const calls = option('--calls', 100_000)
  const maxGrowthMb = option('--max-growth-mb', 8)
  const { Client } = require('larkmsg')
  const { DEFAULT_APP_ID, DEFAULT_APP_SECRET } = require('larkmsg/testing')
  const fake = await startFake()
  const client = new Client({ appId: DEFAULT_APP_ID, appSecret: DEFAULT_APP_SECRET, baseUrl: fake.url, quotas: false })
  const chunk = Math.max(Math.floor(calls / 10), 1)
  const samples = []
  let failures = 0
  const started = process.hrtime.bigint()
  try {
    for (let done = 0; done < calls; done += chunk) {
      const count = Math.min(chunk, calls - done)
      const half = Math.floor(count / 2)
      for (let i = done; i < done + half; i++) failures += await one(client, i)
      for (let i = done + half; i < done + count; i += CONCURRENCY) {
        const batch = []
        for (let j = i; j < Math.min(i + CONCURRENCY, done + count); j++) batch.push(one(client, j))
        for (const failed of await Promise.all(batch)) failures += failed
      }
      globalThis.gc?.()
      const usage = process.memoryUsage()
      samples.push(usage.rss / 1048576)
      const mb = (bytes) => (bytes / 1048576).toFixed(1).padStart(6)
      console.log(
        `${String(done + count).padStart(8)} calls  rss ${samples.at(-1).toFixed(1).padStart(7)} MB` +
          `  (JS heap ${mb(usage.heapUsed)} of ${mb(usage.heapTotal)} MB, external ${mb(usage.external)} MB)`,
      )
    }
  } finally {
    fake.stop()
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const warm = samples[Math.min(1, samples.length - 1)]
  const growth = samples.at(-1) - warm
  let expected = 0
  for (let i = 0; i < calls; i++) if (i % 5 === 4) expected++
  console.log(
    `${calls} calls in ${seconds.toFixed(1)} s (${Math.round(calls / seconds)}/s); ${failures} validation errors; ` +
      `rss after warm-up (20%) ${warm.toFixed(1)} MB, at the end ${samples.at(-1).toFixed(1)} MB, ` +
      `growth ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB (bound ${maxGrowthMb} MB)`,
  )
  if (failures !== expected) {
    console.error(`expected ${expected} validation errors`)
    process.exitCode = 1
  } else if (growth >= maxGrowthMb) {
    console.error('memory grows: possible leak')
    process.exitCode = 1
  }
}

/** Runs this script again in a Node with the measuring flags; exits with its status. */
function measureInChild() {
  const child = spawn(process.execPath, [...MEASURING_FLAGS, __filename, '--measure', ...process.argv.slice(2)], {
    stdio: 'inherit',
  })
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0)
  })
}

if (process.argv.includes('--serve-fake')) serveFake()
else if (!process.argv.includes('--measure')) measureInChild()
else main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
