'use strict'
// The Node stream driver: a `count`-token answer at `rate` tokens per second through
// `client.streamCard` (see bench/README.md, scenario h).
const { Client } = require('larkmsg')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function main(params) {
  const client = new Client({ appId: params.app_id, appSecret: params.app_secret, baseUrl: params.base_url })
  const stream = await client.streamCard({ receiveIdType: 'open_id', receiveId: params.receivers[0] })
  const started = performance.now()
  for (let n = 0; n < params.count; n++) {
    const delay = started + (n * 1000) / (params.rate ?? 200) - performance.now()
    if (delay > 0) await sleep(delay)
    await stream.append(`tok${n} `)
  }
  const lastToken = performance.now()
  const summary = await stream.finish()
  return {
    card_id: summary.cardId,
    tokens: params.count,
    elapsed_s: (performance.now() - started) / 1000,
    last_token_to_final_text_ms: summary.finalTextMs,
    last_token_to_finished_ms: performance.now() - lastToken,
    operations: summary.operations,
  }
}

main(JSON.parse(process.argv[2])).then((result) => console.log(JSON.stringify(result)))
