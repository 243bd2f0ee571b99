// ESM typings of larkmsg (index.mjs): the named exports of the CommonJS entry, and the
// module object as the default export. index.d.ts types the CommonJS entry, which has no
// `default` property.
import * as larkmsg from './index.js'

export * from './index.js'
export default larkmsg
