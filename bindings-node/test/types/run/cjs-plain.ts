// CommonJS without esModuleInterop: a namespace import and `import = require`. The module
// has no `default` property, and the typings say so. Compiled with tsc --strict and run.
import * as larkmsg from 'larkmsg'
import testing = require('larkmsg/testing')
// @ts-expect-error the CommonJS entry has no default export (it would be undefined at run time)
import missing from 'larkmsg'

async function main(): Promise<void> {
  const fake = testing.FakeServer.start()
  try {
    const client = new larkmsg.Client(fake.clientOptions())
    const message: larkmsg.Message = await client.sendText('open_id', 'ou_types', 'CommonJS without esModuleInterop')
    if (!message.messageId.startsWith('om_') || (larkmsg as { default?: unknown }).default !== undefined) {
      throw new Error('unexpected results')
    }
  } finally {
    fake.stop()
  }
  void missing
  console.log(`cjs, no esModuleInterop: ok (larkmsg ${larkmsg.VERSION})`)
}

// A rejection ends the process with an error (an unhandled rejection).
main()
