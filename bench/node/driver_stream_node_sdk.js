'use strict'
// The official SDK's stream driver: @larksuiteoapi/node-sdk's channel layer
// (`createLarkChannel(...).stream(to, {markdown: producer})`, outbound streaming of a
// markdown card), the same answer at the same rate (see bench/README.md, scenario h).
const lark = require('@larksuiteoapi/node-sdk')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const silent = { error() {}, warn() {}, info() {}, debug() {}, trace() {} }

async function main(params) {
  const channel = lark.createLarkChannel({
    appId: params.app_id,
    appSecret: params.app_secret,
    domain: params.base_url,
    transport: 'webhook',
    logger: silent,
  })
  let started = 0
  let lastToken = 0
  const result = await channel.stream(params.receivers[0], {
    markdown: async (controller) => {
      started = performance.now()
      for (let n = 0; n < params.count; n++) {
        const delay = started + (n * 1000) / (params.rate ?? 200) - performance.now()
        if (delay > 0) await sleep(delay)
        await controller.append(`tok${n} `)
      }
      lastToken = performance.now()
    },
  })
  return {
    message_id: result && result.messageId,
    tokens: params.count,
    elapsed_s: (performance.now() - started) / 1000,
    last_token_to_finished_ms: performance.now() - lastToken,
  }
}

main(JSON.parse(process.argv[2])).then(
  (result) => console.log(JSON.stringify(result)),
  (error) => console.log(JSON.stringify({ error: String((error && error.message) || error) })),
)
