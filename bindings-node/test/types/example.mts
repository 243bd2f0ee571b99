// The ESM form of the typed use (default and named imports).
import larkmsg, { Client, type ClientOptions } from 'larkmsg'
import testing from 'larkmsg/testing'

const options: ClientOptions = { tenantAccessToken: 't-x', baseUrl: 'http://127.0.0.1:1' }
const client: Client = new larkmsg.Client(options)
const other = new Client({ appId: testing.DEFAULT_APP_ID, appSecret: testing.DEFAULT_APP_SECRET })
const version: string = larkmsg.VERSION
void [client, other, version]

// @ts-expect-error a request without receiveId does not type-check
void client.sendMessage({ receiveIdType: 'open_id', msgType: 'text', content: '{}' })
