'use strict'
// larkmsg for Node.js: a thin wrapper over the Rust core (native.js loads the addon).
// This file converts only: camelCase <-> snake_case at the boundary, JSON in and out,
// and the core's error JSON into LarkError subclasses. Validation, retries, tokens and
// quotas all happen in the core.

const native = require('./load.js')

// ---------------------------------------------------------------------------------------
// camelCase <-> snake_case, mechanically, on object keys.

/** Keys whose values are the platform's own JSON (message content, cards): kept as given. */
const OPAQUE_KEYS = new Set(['content', 'card', 'action_map', 'template_variable'])

function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function snakeKey(key) {
  return key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())
}

function camelKey(key) {
  return key.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
}

function convertKeys(value, rename) {
  if (Array.isArray(value)) return value.map((item) => convertKeys(item, rename))
  if (value && typeof value.toJSON === 'function' && !(value instanceof Date)) {
    return convertKeys(value.toJSON(), rename)
  }
  if (!isPlainObject(value)) return value
  const out = {}
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue
    const name = rename(key)
    out[name] = OPAQUE_KEYS.has(name) ? jsonValue(item) : convertKeys(item, rename)
  }
  return out
}

/** A builder's JSON (it has `toJSON`), or the value itself. */
function jsonValue(value) {
  return value && typeof value.toJSON === 'function' ? value.toJSON() : value
}

/** `{receiveIdType: 'open_id'}` -> `{receive_id_type: 'open_id'}`, deeply (content and cards kept). */
function toSnake(value) {
  return convertKeys(value, snakeKey)
}

/** `{message_id: 'om_1'}` -> `{messageId: 'om_1'}`, deeply (content and cards kept). */
function toCamel(value) {
  return convertKeys(value, camelKey)
}

// ---------------------------------------------------------------------------------------
// Errors

/** Every failure of a larkmsg call. `code` is the stable kind shared by every binding. */
class LarkError extends Error {
  constructor(detail) {
    super(detail.message)
    this.name = this.constructor.name
    /** The kind: invalid_argument, auth, permission, rate_limited, api, timeout, network, decode, config. */
    this.code = detail.kind
    /** The platform's code (e.g. 230001), when it answered one. */
    this.apiCode = detail.code ?? null
    /** The platform's msg. */
    this.msg = detail.msg ?? null
    /** The HTTP status of the answer. */
    this.httpStatus = detail.http_status ?? null
    /** The request's log id (X-Tt-Logid), what support asks for. */
    this.logId = detail.log_id ?? null
    /** The platform's troubleshooter link. */
    this.troubleshooter = detail.troubleshooter ?? null
    /** Every broken rule: `{path, rule, message}`. */
    this.violations = (detail.violations ?? []).map(toCamel)
    /** The platform's permission violations. */
    this.permissionViolations = (detail.permission_violations ?? []).map(toCamel)
    /** The platform's field violations. */
    this.fieldViolations = (detail.field_violations ?? []).map(toCamel)
    /** Milliseconds to wait before trying again, when the platform said. */
    this.retryAfter = detail.retry_after_ms ?? null
    /** Whether the request may have been carried out although it failed. */
    this.maybeSent = detail.maybe_sent === true
  }
}

class InvalidArgumentError extends LarkError {}
class AuthError extends LarkError {}
class PermissionError extends LarkError {}
class RateLimitedError extends LarkError {}
class ApiError extends LarkError {}
class TimeoutError extends LarkError {}
class NetworkError extends LarkError {}
class DecodeError extends LarkError {}
class ConfigError extends LarkError {}

const ERROR_CLASSES = {
  invalid_argument: InvalidArgumentError,
  auth: AuthError,
  permission: PermissionError,
  rate_limited: RateLimitedError,
  api: ApiError,
  timeout: TimeoutError,
  network: NetworkError,
  decode: DecodeError,
  config: ConfigError,
}

/** The LarkError subclass for the core's error JSON. */
function larkError(detail) {
  const Class = ERROR_CLASSES[detail.kind] ?? LarkError
  return new Class(detail)
}

/** Runs a native function; a core error it throws becomes a LarkError. */
function native_(fn) {
  try {
    return fn()
  } catch (error) {
    let detail = null
    try {
      detail = JSON.parse(error.message)
    } catch {
      throw error
    }
    if (detail && typeof detail.kind === 'string') throw larkError(detail)
    throw error
  }
}

// ---------------------------------------------------------------------------------------
// Message content

/** A message's content: its `msgType` and the platform's content object. */
class Content {
  constructor(msgType, content) {
    this.msgType = msgType
    this.content = jsonValue(content)
  }

  /** Send message's `content` string, checked and serialized by the core. */
  toContentString() {
    return native_(() => native.contentString(this.msgType, JSON.stringify(this.content)))
  }

  toJSON() {
    return { msgType: this.msgType, content: this.content }
  }
}

/** Builds a text content with mentions and links; the core formats them. */
class TextBuilder {
  constructor(text = '') {
    this._parts = text ? [{ part: 'text', text }] : []
  }
  text(text) {
    this._parts.push({ part: 'text', text })
    return this
  }
  atUser(userId, name) {
    this._parts.push({ part: 'at_user', user_id: userId, name })
    return this
  }
  atAll() {
    this._parts.push({ part: 'at_all' })
    return this
  }
  link(text, url) {
    this._parts.push({ part: 'link', text, url })
    return this
  }
  newline() {
    this._parts.push({ part: 'newline' })
    return this
  }
  build() {
    return content.text(native_(() => native.textMarkup(JSON.stringify(this._parts))))
  }
}

/** Builds a rich text (post) content: paragraphs of nodes, per locale. */
class PostBuilder {
  constructor() {
    this._locales = {}
    this._locale = null
  }
  /** Starts (or continues) a locale: `zh_cn`, `en_us`, `ja_jp`. */
  locale(locale, title) {
    this._locale = locale
    const entry = (this._locales[locale] ??= { content: [] })
    if (title !== undefined) entry.title = title
    return this
  }
  /** Adds a paragraph of post nodes (e.g. `{tag: 'text', text: 'hi'}`). */
  paragraph(...nodes) {
    if (this._locale === null) this.locale('zh_cn')
    this._locales[this._locale].content.push(nodes.map(jsonValue))
    return this
  }
  build() {
    const locales = {}
    for (const [key, entry] of Object.entries(this._locales)) {
      locales[key] = entry.title === undefined ? { content: entry.content } : { title: entry.title, content: entry.content }
    }
    return new Content('post', locales)
  }
}

/** Post nodes. */
const post = {
  text: (text, style) => (style ? { tag: 'text', text, style } : { tag: 'text', text }),
  link: (text, href, style) => (style ? { tag: 'a', text, href, style } : { tag: 'a', text, href }),
  at: (userId) => ({ tag: 'at', user_id: userId }),
  img: (imageKey) => ({ tag: 'img', image_key: imageKey }),
  media: (fileKey, imageKey) => (imageKey ? { tag: 'media', file_key: fileKey, image_key: imageKey } : { tag: 'media', file_key: fileKey }),
  emotion: (emojiType) => ({ tag: 'emotion', emoji_type: emojiType }),
  hr: () => ({ tag: 'hr' }),
  codeBlock: (text, language) => (language ? { tag: 'code_block', language, text } : { tag: 'code_block', text }),
  md: (text) => ({ tag: 'md', text }),
}

/** Content constructors, one per `msg_type`. */
const content = {
  text: (text) => new Content('text', { text }),
  post: (locales) => new Content('post', locales),
  image: (imageKey) => new Content('image', { image_key: imageKey }),
  file: (fileKey) => new Content('file', { file_key: fileKey }),
  audio: (fileKey) => new Content('audio', { file_key: fileKey }),
  media: (fileKey, imageKey) => new Content('media', imageKey ? { file_key: fileKey, image_key: imageKey } : { file_key: fileKey }),
  sticker: (fileKey) => new Content('sticker', { file_key: fileKey }),
  shareChat: (chatId) => new Content('share_chat', { chat_id: chatId }),
  shareUser: (userId) => new Content('share_user', { user_id: userId }),
  /** A card JSON (a `Card` builder or an object). */
  interactive: (card) => new Content('interactive', jsonValue(card)),
  /** A card template by id. */
  template: (templateId, variables, versionName) => {
    const data = { template_id: templateId }
    if (versionName !== undefined) data.template_version_name = versionName
    if (variables !== undefined) data.template_variable = variables
    return new Content('interactive', { type: 'template', data })
  },
  /** A card entity created with `createCard`. */
  cardEntity: (cardId) => new Content('interactive', { type: 'card', data: { card_id: cardId } }),
  /** A divider system message (bot one-to-one chats only). */
  divider: (text, needRollup) => {
    const value = { type: 'divider', params: { divider_text: { text } } }
    if (needRollup !== undefined) value.options = { need_rollup: needRollup }
    return new Content('system', value)
  },
  textBuilder: (text) => new TextBuilder(text),
  postBuilder: () => new PostBuilder(),
}

// ---------------------------------------------------------------------------------------
// Cards (JSON 2.0)

/** Builds a card JSON 2.0; `check()` runs the core's card entity rules. */
class Card {
  constructor() {
    this._header = null
    this._config = null
    this._elements = []
  }
  /** A header with a title, and optional subtitle and color template (e.g. 'blue'). */
  header(title, options = {}) {
    const header = { title: { tag: 'plain_text', content: title } }
    if (options.subtitle !== undefined) header.subtitle = { tag: 'plain_text', content: options.subtitle }
    if (options.template !== undefined) header.template = options.template
    this._header = header
    return this
  }
  /** Card config: `{updateMulti, streamingMode, summary}` (camelCase or snake_case keys). */
  config(config) {
    const raw = toSnake(config)
    if (typeof raw.summary === 'string') raw.summary = { content: raw.summary }
    this._config = raw
    return this
  }
  /** Adds a component (e.g. from `card.markdown(...)`, or any card JSON object). */
  element(element) {
    this._elements.push(jsonValue(element))
    return this
  }
  markdown(text) {
    return this.element(elements.markdown(text))
  }
  text(text) {
    return this.element(elements.text(text))
  }
  divider() {
    return this.element(elements.divider())
  }
  button(text, options) {
    return this.element(elements.button(text, options))
  }
  image(imgKey, alt) {
    return this.element(elements.image(imgKey, alt))
  }
  toJSON() {
    const card = { schema: '2.0' }
    if (this._config) card.config = this._config
    if (this._header) card.header = this._header
    card.body = { elements: this._elements }
    return card
  }
  toString() {
    return JSON.stringify(this.toJSON())
  }
  /** Checks the card with the core's card entity rules; throws InvalidArgumentError. */
  check() {
    checkCard(this)
    return this
  }
}

/** Card JSON 2.0 components. */
const elements = {
  markdown: (content) => ({ tag: 'markdown', content }),
  text: (content) => ({ tag: 'div', text: { tag: 'plain_text', content } }),
  divider: () => ({ tag: 'hr' }),
  /** A button: `{type: 'primary', url: 'https://…', value: {...}}`. */
  button: (text, options = {}) => {
    const button = { tag: 'button', text: { tag: 'plain_text', content: text } }
    if (options.type !== undefined) button.type = options.type
    if (options.url !== undefined) button.behaviors = [{ type: 'open_url', default_url: options.url }]
    if (options.value !== undefined) {
      button.behaviors = [...(button.behaviors ?? []), { type: 'callback', value: options.value }]
    }
    return button
  },
  image: (imgKey, alt = '') => ({ tag: 'img', img_key: imgKey, alt: { tag: 'plain_text', content: alt } }),
  /** Columns: each an array of components, with optional `{weight}` via `elements.column`. */
  columnSet: (...columns) => ({
    tag: 'column_set',
    columns: columns.map((column) => (Array.isArray(column) ? elements.column(column) : column)),
  }),
  column: (children, options = {}) => ({
    tag: 'column',
    width: options.width ?? 'weighted',
    weight: options.weight ?? 1,
    elements: children.map(jsonValue),
  }),
}

/** Checks a card JSON 2.0 (object, string or `Card`) with the core's card entity rules. */
function checkCard(card) {
  const text = typeof card === 'string' ? card : JSON.stringify(jsonValue(card))
  native_(() => native.checkCard(text))
}

// ---------------------------------------------------------------------------------------
// Logging

/**
 * Writes larkmsg's log lines (each call with its endpoint, attempts and log id, failed
 * attempts, token fetches) to the process's stderr. `levelOrDirective`: 'trace', 'debug',
 * 'info', 'warn', 'error', 'off', or `target=level` pairs such as 'larkmsg=trace'. Calling
 * it again changes the directive; without a call, the first client reads `LARKMSG_LOG`.
 * No line ever carries the app secret, an app ticket or a token.
 */
function enableLogging(levelOrDirective = 'debug') {
  if (typeof levelOrDirective !== 'string') throw new TypeError('enableLogging takes a level or directive string')
  native_(() => native.enableLogging(levelOrDirective))
}

// ---------------------------------------------------------------------------------------
// Client

function clientOptions(options) {
  if (!isPlainObject(options)) throw new TypeError('new Client(options): options must be an object')
  const { retries, retry, userAgentSuffix, ...rest } = options
  const raw = toSnake(rest)
  if (retries !== undefined || retry !== undefined) raw.retry = toSnake(retries ?? retry)
  const suffix = `node/${process.versions.node}`
  raw.user_agent_suffix = userAgentSuffix ? `${userAgentSuffix} ${suffix}` : suffix
  return raw
}

/**
 * A Feishu / Lark client. Every method returns a Promise; calls run on the core's runtime,
 * any number at once. Requests and results use camelCase keys (snake_case keys are
 * accepted too); message content and cards are the platform's JSON, kept as given.
 */
class Client {
  /**
   * @param options `{appId, appSecret}` (self-built app), plus `tenantKey` and `appTicket`
   *   for a store app, or `{tenantAccessToken}`; `domain` ('feishu' | 'lark') or `baseUrl`;
   *   `timeouts: {connectMs, requestMs, totalMs}`; `retries: {maxAttempts, initialBackoffMs,
   *   maxBackoffMs, maxThrottleWaitMs, receiverBackoffMs}`; `quotas` (false: no pacing).
   */
  constructor(options) {
    const raw = clientOptions(options)
    this._native = native_(() => new native.NativeClient(JSON.stringify(raw)))
  }

  /** Runs a call by name (`send_message`, `batch_send`, `create_card`, `create_app_feed_card`). */
  async call(name, request) {
    const requestJson = JSON.stringify(toSnake(request ?? {}))
    const answer = JSON.parse(await this._native.callJson(name, requestJson))
    if (answer.error) throw larkError(answer.error)
    return toCamel(answer.ok)
  }

  /** Send message (`POST /open-apis/im/v1/messages`): `{receiveIdType, receiveId, msgType, content, uuid?}`. */
  sendMessage(request) {
    return this.call('send_message', request)
  }

  /** Batch send (`POST /open-apis/message/v4/batch_send/`). */
  batchSend(request) {
    return this.call('batch_send', request)
  }

  /** Create a card entity (`POST /open-apis/cardkit/v1/cards`): `{type: 'card_json', data}`. */
  createCard(request) {
    const raw = { ...request }
    if (raw.data !== undefined && typeof raw.data !== 'string') raw.data = JSON.stringify(jsonValue(raw.data))
    return this.call('create_card', raw)
  }

  /** Create an app feed card (`POST /open-apis/im/v2/app_feed_card`). */
  createAppFeedCard(request) {
    return this.call('create_app_feed_card', request)
  }

  /** Sends a `Content` (from `content.*` or a builder); `extra` may add `uuid`. */
  async send(receiveIdType, receiveId, message, extra = {}) {
    const contentString = message.toContentString()
    return this.sendMessage({ ...extra, receiveIdType, receiveId, msgType: message.msgType, content: contentString })
  }

  /** Sends a text message. */
  sendText(receiveIdType, receiveId, text, extra) {
    return this.send(receiveIdType, receiveId, content.text(text), extra)
  }

  /** Sends a post (rich text): `{zh_cn: {title, content: [[node, ...], ...]}}` or a PostBuilder's content. */
  sendPost(receiveIdType, receiveId, locales, extra) {
    const message = locales instanceof Content ? locales : content.post(locales)
    return this.send(receiveIdType, receiveId, message, extra)
  }

  /** Sends an image by `image_key`. */
  sendImage(receiveIdType, receiveId, imageKey, extra) {
    return this.send(receiveIdType, receiveId, content.image(imageKey), extra)
  }

  /** Sends a card: a `Card`, a card JSON object, or a card entity id (`{cardId}`). */
  sendCard(receiveIdType, receiveId, card, extra) {
    const message =
      card && typeof card === 'object' && typeof card.cardId === 'string'
        ? content.cardEntity(card.cardId)
        : content.interactive(card)
    return this.send(receiveIdType, receiveId, message, extra)
  }

  /** Hands a store app the `app_ticket` the platform pushed (every hour). */
  setAppTicket(ticket) {
    native_(() => this._native.setAppTicket(ticket))
  }
}

module.exports = {
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
  CALLS: native.calls(),
  VERSION: native.version(),
  // for larkmsg/testing
  _native: native,
  _nativeCall: native_,
}
