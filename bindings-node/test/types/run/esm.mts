// An ES module (module nodenext): default and named imports of index.mjs, typed by
// index.d.mts. Compiled with tsc --strict and run.
import larkmsg, { Client, LarkError, type Message } from 'larkmsg'
import testing, { FakeServer } from 'larkmsg/testing'

const fake: FakeServer = testing.FakeServer.start()
try {
  const client = new Client(fake.clientOptions())
  const message: Message = await client.sendText('open_id', 'ou_types', 'ES module')
  const rejected = await client.sendText('open_id', '', 'x').catch((error: unknown) => error)
  if (larkmsg.Client !== Client || !message.messageId.startsWith('om_') || !(rejected instanceof LarkError)) {
    throw new Error('unexpected results')
  }
} finally {
  fake.stop()
}
console.log(`esm, nodenext: ok (larkmsg ${larkmsg.VERSION})`)
