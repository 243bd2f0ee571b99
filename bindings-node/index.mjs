// ESM entry of larkmsg: the same objects as the CommonJS entry.
import larkmsg from './index.js'

export const {
  Client,
  LarkError,
  InvalidArgumentError,
  AuthError,
  PermissionError,
  RateLimitedError,
  ApiError,
  TimeoutError,
  NetworkError,
  DecodeError,
  ConfigError,
  TlsError,
  InternalError,
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
export default larkmsg
