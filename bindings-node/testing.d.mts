// ESM typings of larkmsg/testing (testing.mjs): the CommonJS entry's named exports, and the
// module object as the default export.
import * as testing from './testing.js'

export * from './testing.js'
export default testing
