// ESM entry of larkmsg: the same objects as the CommonJS entry.
import larkmsg from './index.js'

export const {
  Client,
  CardStream,
  LarkError,
  Content,
  TextBuilder,
  PostBuilder,
  Card,
  content,
  post,
  elements,
  checkCard,
  enableLogging,
  toCamel,
  toSnake,
  larkError,
  CALLS,
  VERSION,
} = larkmsg
export * from './generated.mjs'
export default larkmsg
