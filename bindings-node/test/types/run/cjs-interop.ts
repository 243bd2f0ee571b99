// CommonJS with esModuleInterop: the default import is the module object (tsc emits
// __importDefault), next to named imports. Compiled with tsc --strict and run.
import larkmsg, { Client, InvalidArgumentError, type Message } from 'larkmsg'
import testing from 'larkmsg/testing'

async function main(): Promise<void> {
  const fake = testing.FakeServer.start()
  try {
    const client: Client = new larkmsg.Client(fake.clientOptions())
    const message: Message = await client.sendText('open_id', 'ou_types', 'CommonJS with esModuleInterop')
    const rejected = await client.sendText('open_id', '', 'x').catch((error: unknown) => error)
    if (!message.messageId.startsWith('om_') || !(rejected instanceof InvalidArgumentError)) throw new Error('unexpected results')
  } finally {
    fake.stop()
  }
  console.log(`cjs, esModuleInterop: ok (larkmsg ${larkmsg.VERSION})`)
}

// A rejection ends the process with an error (an unhandled rejection).
main()
