// ESM entry of larkmsg/testing: the same objects as the CommonJS entry.
import testing from './testing.js'

export const { FakeServer, FakeControlError, DEFAULT_APP_ID, DEFAULT_APP_SECRET, STORE_APP_ID, STORE_APP_SECRET, FAKE_TENANT_KEY } =
  testing
export default testing
