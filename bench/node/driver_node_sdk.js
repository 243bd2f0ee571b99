'use strict';
// Benchmark driver for @larksuiteoapi/node-sdk, the official Node SDK (see bench/README.md).
// Usage: node driver_node_sdk.js '<params JSON>'; prints one JSON result line.

const started = process.hrtime.bigint();
const lark = require('@larksuiteoapi/node-sdk');

const millisSince = (from) => Number(process.hrtime.bigint() - from) / 1e6;

const ignore = () => {};
const silentLogger = { error: ignore, warn: ignore, info: ignore, debug: ignore, trace: ignore };

function buildClient(params) {
  return new lark.Client({
    appId: params.app_id,
    appSecret: params.app_secret,
    domain: params.base_url,
    // The SDK logs every failed call; a benchmark counts failures instead of printing them.
    // (`loggerLevel: fatal` is 0, which the SDK treats as unset, so a silent logger it is.)
    logger: silentLogger,
  });
}

function nearestRank(sorted, percent) {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((sorted.length * percent) / 100) - 1)];
}

function labelOf(error) {
  const code = error && error.response && error.response.data && error.response.data.code;
  return code !== undefined ? `code:${code}` : `exception:${(error && error.name) || 'Error'}`;
}

async function sendAll(client, params) {
  const deadline = Date.now() + (params.max_seconds ?? 120) * 1000;
  const latencies = [];
  const errors = {};
  let next = 0;
  let succeeded = 0;
  let truncated = false;
  const take = () => {
    if (next >= params.count) return null;
    if (Date.now() > deadline) {
      truncated = true;
      return null;
    }
    next += 1;
    return next - 1;
  };
  const worker = async () => {
    for (let index = take(); index !== null; index = take()) {
      const receivers = params.receivers;
      const began = process.hrtime.bigint();
      let label = null;
      try {
        const answer = await client.im.v1.message.create({
          params: { receive_id_type: 'open_id' },
          data: {
            receive_id: receivers[index % receivers.length],
            msg_type: 'text',
            content: JSON.stringify({ text: `bench ${index}` }),
          },
        });
        if (!answer || answer.code !== 0) label = `code:${answer && answer.code}`;
      } catch (error) {
        label = labelOf(error);
      }
      latencies.push(millisSince(began));
      if (label === null) succeeded += 1;
      else errors[label] = (errors[label] || 0) + 1;
    }
  };
  const began = process.hrtime.bigint();
  await Promise.all(Array.from({ length: params.concurrency }, worker));
  const elapsed = millisSince(began) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    attempted: latencies.length,
    succeeded,
    failed: latencies.length - succeeded,
    errors,
    elapsed_s: elapsed,
    latency_ms: {
      p50: nearestRank(latencies, 50),
      p99: nearestRank(latencies, 99),
      max: latencies.length ? latencies[latencies.length - 1] : null,
    },
    truncated,
  };
}

async function main() {
  const params = JSON.parse(process.argv[2]);
  const client = buildClient(params);
  if (params.mode === 'construct') {
    console.log(JSON.stringify({ construct_ms: millisSince(started) }));
    return;
  }
  console.log(JSON.stringify(await sendAll(client, params)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
