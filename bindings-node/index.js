'use strict'
// larkmsg for Node.js: a thin wrapper over the Rust core (native.js loads the addon).
// This file converts only: camelCase <-> snake_case at the boundary, JSON in and out,
// and the core's error JSON into LarkError subclasses. Validation, retries, tokens and
// quotas all happen in the core.

const native = require('./load.js')
const generated = require('./generated.js')

// ---------------------------------------------------------------------------------------
// camelCase <-> snake_case, mechanically, on object keys.

/** Keys whose values are the platform's own JSON (message content, cards): kept as given. */
const OPAQUE_KEYS = new Set(generated.OPAQUE_KEYS)

function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** `rename`, remembering its answers: requests and results use few distinct keys. */
function remembered(rename) {
  const seen = new Map()
  return (key) => {
    let name = seen.get(key)
    if (name === undefined) {
      name = rename(key)
      if (seen.size < 4096) seen.set(key, name)
    }
    return name
  }
}

const snakeKey = remembered((key) => key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()))

const camelKey = remembered((key) => key.replace(/_([a-z])/g, (_, c) => c.toUpperCase()))

function convertKeys(value, rename) {
  if (value instanceof Uint8Array) return value
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

/** The deepest nesting of arrays and objects the core accepts in a request's field. */
const MAX_DEPTH = native.maxDepth()

/**
 * Whether `value` nests more than MAX_DEPTH arrays and objects (builders counted by their
 * `toJSON`), found without recursion, so that no conversion below meets a RangeError; a
 * cycle counts as too deep.
 */
function nestsTooDeep(value) {
  const pending = [[value, 0]]
  while (pending.length > 0) {
    let [item, depth] = pending.pop()
    if (item && typeof item.toJSON === 'function' && !(item instanceof Date)) item = item.toJSON()
    if (item === null || typeof item !== 'object') continue
    if (depth >= MAX_DEPTH) return true
    for (const child of Array.isArray(item) ? item : Object.values(item)) pending.push([child, depth + 1])
  }
  return false
}

/** Throws the core's InvalidArgumentError when a field of `fields` (or `fields` itself, at `path`) nests too deep. */
function checkDepth(fields, path = '') {
  if (isPlainObject(fields)) {
    for (const [key, item] of Object.entries(fields)) {
      if (nestsTooDeep(item)) native_(() => native.tooDeep(path ? `${path}.${snakeKey(key)}` : snakeKey(key)))
    }
  } else if (nestsTooDeep(fields)) {
    native_(() => native.tooDeep(path))
  }
}

/** A builder's JSON (it has `toJSON`), or the value itself. */
function jsonValue(value) {
  return value && typeof value.toJSON === 'function' ? value.toJSON() : value
}

/** `value` with each `Uint8Array` (a `Buffer` too) moved to `buffers` as `{buffer: i}`. */
function withBuffers(value, buffers) {
  if (value instanceof Uint8Array) {
    buffers.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength))
    return { buffer: buffers.length - 1 }
  }
  if (Array.isArray(value)) return value.map((item) => withBuffers(item, buffers))
  if (!isPlainObject(value)) return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withBuffers(item, buffers)]))
}

/**
 * A request as the core takes it: keys snake_case (content and cards kept), bytes moved to
 * `buffers` as `{buffer: i}`, every field checked for depth first; strings, numbers and
 * booleans, most of a request, are taken as they are.
 */
function requestOf(request, buffers) {
  if (!isPlainObject(request)) {
    checkDepth(request)
    return withBuffers(toSnake(request), buffers)
  }
  const out = {}
  for (const key of Object.keys(request)) {
    const item = request[key]
    if (item === undefined) continue
    const name = snakeKey(key)
    const type = typeof item
    if (type === 'string' || type === 'number' || type === 'boolean' || item === null) {
      out[name] = item
      continue
    }
    if (nestsTooDeep(item)) native_(() => native.tooDeep(name))
    out[name] = withBuffers(OPAQUE_KEYS.has(name) ? jsonValue(item) : convertKeys(item, snakeKey), buffers)
  }
  return out
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

/**
 * A path of the core's spelling (`app_feed_card.buttons[0].text`) in the caller's: each
 * field camelCase up to the platform's own JSON (content, cards), which keeps its keys.
 */
function camelPath(path) {
  let opaque = false
  return path
    .split('.')
    .map((part) => {
      if (opaque) return part
      const [, name, indices] = /^([^[]*)(.*)$/.exec(part)
      opaque = OPAQUE_KEYS.has(name)
      return camelKey(name) + indices
    })
    .join('.')
}

/** A broken rule: `path` as the caller spells it, `platformPath` as the platform's page does. */
function violation(v) {
  return { path: camelPath(String(v.path ?? '')), platformPath: v.path, rule: v.rule, message: v.message }
}

/** Every failure of a larkmsg call: `kind` is the stable kind, `code` the platform's code, as in every binding. */
class LarkError extends Error {
  constructor(detail) {
    super(detail.message)
    this.name = this.constructor.name
    /** The kind (`invalid_argument`, `auth`, …): the same in every binding. */
    this.kind = detail.kind
    /** The platform's code (e.g. 230001), when it answered one. */
    this.code = detail.code ?? null
    /** The platform's msg. */
    this.msg = detail.msg ?? null
    /** The HTTP status of the answer. */
    this.httpStatus = detail.http_status ?? null
    /** The request's log id (X-Tt-Logid), what support asks for. */
    this.logId = detail.log_id ?? null
    /** The platform's troubleshooter link. */
    this.troubleshooter = detail.troubleshooter ?? null
    /** Every broken rule: `{path, platformPath, rule, message}`. */
    this.violations = (detail.violations ?? []).map(violation)
    /** The platform's permission violations. */
    this.permissionViolations = (detail.permission_violations ?? []).map(toCamel)
    /** The platform's field violations. */
    this.fieldViolations = (detail.field_violations ?? []).map(toCamel)
    /** Milliseconds to wait before trying again, when the platform said. */
    this.retryAfter = detail.retry_after_ms ?? null
    /** Whether the request may have been carried out although it failed; for a send or reply, `client.resend(error)` is the remedy. */
    this.maybeSent = detail.maybe_sent === true
    /** The de-duplication key the failed request carried (yours, or the generated one). */
    this.uuid = detail.uuid ?? null
    /** How to send the failed call again with its uuid (`{call, request}`), for calls the platform de-duplicates. */
    this.resendRequest = detail.resend ?? null
  }
}

/** The class of each error kind (from the core's list), by kind; and every class by name. */
const ERROR_CLASSES = {}
const errorClasses = {}
for (const pass of [false, true]) {
  for (const { kind, name, parent, aliases } of generated.ERROR_KINDS) {
    if ((parent !== null) !== pass) continue
    const Base = parent === null ? LarkError : errorClasses[parent]
    const Class = { [name]: class extends Base {} }[name]
    ERROR_CLASSES[kind] = Class
    errorClasses[name] = Class
    for (const alias of aliases) errorClasses[alias] = Class
  }
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
// Message content and cards: each builder collects its arguments into a spec and the core
// builds, checks and writes the result (`larkmsg::content::build_content`).

/** The core's build of a spec given as JSON text: `{msg_type, content}` or `{element}`. */
function build(specJson) {
  return JSON.parse(native_(() => native.buildContent(specJson)))
}

/** Marks the internal use of `Content`'s constructor: a whole spec instead of a msg_type. */
const SPEC = Symbol('spec')

/**
 * A message's content: its `msgType` and content object, built and checked by the core
 * when first used (a bad one throws InvalidArgumentError then, e.g. when it is sent).
 */
class Content {
  #specJson
  #failure = null
  #built = null

  /** The platform's content object for `msgType` (e.g. `'image'`, `{image_key}`). */
  constructor(msgType, content) {
    const spec = msgType === SPEC ? content : { [msgType]: jsonValue(content) }
    try {
      checkDepth(spec)
      this.#specJson = JSON.stringify(spec)
    } catch (error) {
      this.#failure = error
    }
  }

  #core() {
    if (this.#failure !== null) throw this.#failure
    if (this.#built === null) {
      const [msgType, string] = native_(() => native.buildMessage(this.#specJson))
      this.#built = { msgType, string, content: undefined }
    }
    return this.#built
  }

  /** The `msg_type`. */
  get msgType() {
    return this.#core().msgType
  }

  /** The content object, as the core wrote it. */
  get content() {
    const built = this.#core()
    if (built.content === undefined) built.content = JSON.parse(built.string)
    return built.content
  }

  /** Send message's `content` string, as the core wrote it. */
  toContentString() {
    return this.#core().string
  }

  toJSON() {
    return { msgType: this.msgType, content: this.content }
  }
}

/** The Content the core builds from `spec` (the spec is taken as it is now). */
function contentOf(spec) {
  return new Content(SPEC, spec)
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
    return contentOf({ text: this._parts })
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
    const entry = (this._locales[locale] ??= { title: undefined, content: [] })
    if (title !== undefined) entry.title = title
    return this
  }
  /** Adds a paragraph of post nodes (e.g. `post.text('hi')`). */
  paragraph(...nodes) {
    if (this._locale === null) this.locale('zh_cn')
    this._locales[this._locale].content.push(nodes.map(jsonValue))
    return this
  }
  build() {
    return contentOf({ post: this._locales })
  }
}

/** Post nodes, keys in the order the core writes them. */
const post = {
  text: (text, style) => (style ? { tag: 'text', text, style } : { tag: 'text', text }),
  link: (text, href, style) => (style ? { tag: 'a', href, text, style } : { tag: 'a', href, text }),
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
  text: (text) => contentOf({ text }),
  post: (locales) => contentOf({ post: locales }),
  image: (imageKey) => contentOf({ image: { image_key: imageKey } }),
  file: (fileKey) => contentOf({ file: { file_key: fileKey } }),
  audio: (fileKey) => contentOf({ audio: { file_key: fileKey } }),
  media: (fileKey, imageKey) => contentOf({ media: { file_key: fileKey, image_key: imageKey } }),
  sticker: (fileKey) => contentOf({ sticker: { file_key: fileKey } }),
  shareChat: (chatId) => contentOf({ share_chat: { chat_id: chatId } }),
  shareUser: (userId) => contentOf({ share_user: { user_id: userId } }),
  /** A card: a `Card` builder, or card JSON (an object) sent as is. */
  interactive: (card) => (card instanceof Card ? card.build() : contentOf({ interactive: jsonValue(card) })),
  /** A card template by id. */
  template: (templateId, variables, versionName) =>
    contentOf({ template: { template_id: templateId, template_version_name: versionName, template_variable: variables } }),
  /** A card entity created with `createCard`. */
  cardEntity: (cardId) => contentOf({ card_entity: { card_id: cardId } }),
  /** A divider system message (bot one-to-one chats only), with translations by locale. */
  divider: (text, needRollup, i18nText) => contentOf({ divider: { text, i18n_text: i18nText, need_rollup: needRollup } }),
  textBuilder: (text) => new TextBuilder(text),
  postBuilder: () => new PostBuilder(),
}

/** The spec of a button (see `elements.button`). */
function buttonSpec(text, options = {}) {
  return { button: { text, type: options.type, url: options.url, value: options.value, element_id: options.elementId } }
}

/** Builds a card JSON 2.0 (the core writes it: `schema`, `header`, `config`, `body`). */
class Card {
  constructor() {
    this._header = undefined
    this._config = undefined
    this._elements = []
  }
  /** A header with a title, and optional subtitle and color template (e.g. 'blue'). */
  header(title, options = {}) {
    this._header = { title, subtitle: options.subtitle, template: options.template }
    return this
  }
  /**
   * Card config: `{updateMulti, streamingMode, summary, streamingConfig: {printFrequencyMs,
   * printStep, printStrategy}, enableForward, widthMode}` (camelCase or snake_case keys).
   */
  config(config) {
    this._config = toSnake(config)
    return this
  }
  /** Adds a component: one from `elements.*`, or any card JSON component (an object with a `tag`). */
  element(element) {
    this._elements.push(jsonValue(element))
    return this
  }
  markdown(text, options = {}) {
    return this.element({ markdown: { content: text, element_id: options.elementId } })
  }
  text(text, options = {}) {
    return this.element({ plain_text: { content: text, element_id: options.elementId } })
  }
  divider(options = {}) {
    return this.element({ divider: { element_id: options.elementId } })
  }
  button(text, options) {
    return this.element(buttonSpec(text, options))
  }
  image(imgKey, alt, options = {}) {
    return this.element({ image: { img_key: imgKey, alt, element_id: options.elementId } })
  }
  /** The card's spec, as the core's builder reads it. */
  spec() {
    return { header: this._header, config: this._config, elements: this._elements }
  }
  /** The card as an `interactive` Content (built and checked by the core when first used). */
  build() {
    return contentOf({ card: this.spec() })
  }
  toJSON() {
    return this.build().content
  }
  toString() {
    return this.build().toContentString()
  }
  /** Builds the card now, with the core's card JSON 2.0 rules; throws InvalidArgumentError. */
  check() {
    this.build().toContentString()
    return this
  }
}

/** A component's card JSON, as the core builds it from `spec`. */
function elementOf(spec) {
  return build(JSON.stringify({ element: spec })).element
}

/** A column set's column: an array of components, or a column from `elements.column`. */
function columnSpec(column) {
  return Array.isArray(column) ? { column: { elements: column.map(jsonValue) } } : jsonValue(column)
}

/** Card JSON 2.0 components, built by the core; every one takes an optional `{elementId}`. */
const elements = {
  markdown: (content, options = {}) => elementOf({ markdown: { content, element_id: options.elementId } }),
  text: (content, options = {}) => elementOf({ plain_text: { content, element_id: options.elementId } }),
  divider: (options = {}) => elementOf({ divider: { element_id: options.elementId } }),
  /** A button: `{type: 'primary', url: 'https://…' (opens it), value: {...} (sent to the callback)}`. */
  button: (text, options) => elementOf(buttonSpec(text, options)),
  image: (imgKey, alt, options = {}) => elementOf({ image: { img_key: imgKey, alt, element_id: options.elementId } }),
  /**
   * Columns side by side: each an array of components, or a column from `elements.column`;
   * a last argument without a `tag` is the options (`{elementId}`).
   */
  columnSet: (...columns) => {
    const last = columns[columns.length - 1]
    const options = isPlainObject(last) && !('tag' in last) ? columns.pop() : {}
    return elementOf({ column_set: { columns: columns.map(columnSpec), element_id: options.elementId } })
  },
  /** A column: `{width: 'weighted' | 'auto' | '120px', weight: 1..5}` (weight with 'weighted' only). */
  column: (children, options = {}) =>
    elementOf({
      column: { elements: children.map(jsonValue), width: options.width, weight: options.weight, element_id: options.elementId },
    }),
}

/** Checks a card JSON 2.0 (object, string or `Card`) with the core's card entity rules. */
function checkCard(card) {
  if (card instanceof Card) {
    card.check()
    return
  }
  if (typeof card !== 'string') checkDepth(card, 'card')
  const text = typeof card === 'string' ? card : JSON.stringify(jsonValue(card))
  native_(() => native.checkCard(text))
}

// ---------------------------------------------------------------------------------------
// Logging

/**
 * Chooses which of larkmsg's log events are kept (calls with their endpoint, attempts and
 * log id; failed attempts; token fetches) and where they go: to the process's stderr, or,
 * with `onRecord`, to that function as `{ level, target, message }` on the JS thread (for
 * pino, winston, …; `level` is 'trace', 'debug', 'info', 'warn' or 'error'). Failed calls
 * are warnings, retried attempts infos. `levelOrDirective`: 'trace', 'debug', 'info',
 * 'warn', 'error', 'off', or `target=level` pairs such as 'larkmsg=trace'. Calling it again
 * changes both; without a call, the first client reads `LARKMSG_LOG` (to stderr). The
 * callback does not keep the process alive. No line ever carries the app secret, an app
 * ticket or a token.
 */
function enableLogging(levelOrDirective = 'debug', onRecord = undefined) {
  if (typeof levelOrDirective !== 'string') throw new TypeError('enableLogging takes a level or directive string')
  if (onRecord !== undefined && typeof onRecord !== 'function') {
    throw new TypeError('enableLogging: onRecord must be a function')
  }
  let warned = false
  const forward = onRecord && ((level, target, message) => {
    try {
      onRecord({ level, target, message })
    } catch (error) {
      // The application's logger failed: say so once, never throw from the event loop.
      if (!warned) process.emitWarning(`larkmsg: the log callback threw: ${error && error.message}`)
      warned = true
    }
  })
  native_(() => native.enableLogging(levelOrDirective, forward))
}

// ---------------------------------------------------------------------------------------
// Client

function clientOptions(options) {
  if (!isPlainObject(options)) throw new TypeError('new Client(options): options must be an object')
  checkDepth(options)
  const { retries, retry, userAgentSuffix, rootCertificatesPem, ...rest } = options
  const raw = toSnake(rest)
  if (rootCertificatesPem !== undefined) {
    raw.root_certificates_pem = rootCertificatesPem instanceof Uint8Array ? Buffer.from(rootCertificatesPem).toString('utf8') : rootCertificatesPem
  }
  if (retries !== undefined || retry !== undefined) raw.retry = toSnake(retries ?? retry)
  const suffix = `node/${process.versions.node}`
  raw.user_agent_suffix = userAgentSuffix ? `${userAgentSuffix} ${suffix}` : suffix
  return raw
}

/**
 * The calls in flight, of every client, by id: the client and the resolve of its promise.
 * One native function per client settles its calls (`settle`), so that a call creates no
 * thread-safe function of its own; the map holds a client only while it has calls running.
 */
const inFlight = new Map()
let nextCallId = 0

/** The result in a native answer's text, or its error thrown. */
function resultOf(answerText) {
  const answer = JSON.parse(answerText)
  if (answer.error) throw larkError(answer.error)
  return toCamel(answer.ok)
}

/** Settles the call `id` with the native answer's text; the client lets the event loop go with its last call. */
function settle(id, answer) {
  const call = inFlight.get(id)
  if (call === undefined) return
  inFlight.delete(id)
  if (--call.client._running === 0) call.client._native.keepAlive(false)
  call.resolve(answer)
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
   *   maxBackoffMs, maxThrottleWaitMs, receiverBackoffMs}`; `quotas` (false: no pacing);
   *   `shared: {redisUrl, keyPrefix, fallbackShare, timeoutMs}` (quotas, tokens and card
   *   sequences shared with the app's other processes through Redis); `maxResponseBytes` (largest answer read, default 8 MiB); `rootCertificatesPem` (PEM text
   *   or bytes) or `rootCertificatesFile` (a path): root certificates trusted besides the
   *   system's; `insecureHttpHosts` (hosts an `http://` base URL may name besides loopback).
   */
  constructor(options) {
    const raw = clientOptions(options)
    this._native = native_(() => new native.NativeClient(JSON.stringify(raw), settle))
    this._running = 0
  }

  /** Starts a native call, `start(id)`; its promise resolves to the native answer's text. */
  _start(start) {
    const id = nextCallId
    nextCallId = (nextCallId + 1) >>> 0
    const answer = new Promise((resolve) => inFlight.set(id, { client: this, resolve }))
    if (this._running++ === 0) this._native.keepAlive(true)
    try {
      start(id)
    } catch (error) {
      inFlight.delete(id)
      if (--this._running === 0) this._native.keepAlive(false)
      throw error
    }
    return answer
  }

  /**
   * Runs a call by name (`send_message`, `upload_image`, `send_campaign`, …: see `CALLS`) with
   * its flat request; files are paths or bytes (`Buffer`, `Uint8Array`). `options.progress`
   * is called with `{total, done, sent, failed}` by the calls to many receivers.
   */
  async call(name, request, options = {}) {
    const buffers = []
    const requestJson = JSON.stringify(requestOf(request ?? {}, buffers))
    const progress = options.progress
    if (progress !== undefined && typeof progress !== 'function') throw new TypeError('options.progress must be a function')
    // A callback that throws stops the call, and the call rejects with what it threw.
    let threw = false
    let thrown
    const report = progress && ((text) => {
      if (threw) return false
      try {
        progress(JSON.parse(text))
        return true
      } catch (error) {
        threw = true
        thrown = error
        return false
      }
    })
    const answer = await this._start((id) => this._native.callJson(id, name, requestJson, buffers, report))
    if (threw) throw thrown
    return resultOf(answer)
  }

  /**
   * Sends a failed call again exactly as it was sent, with the same uuid: the remedy when
   * `error.maybeSent`; within the platform's one-hour window it never makes a second message.
   */
  async resend(error) {
    const resend = error instanceof LarkError ? error.resendRequest : null
    if (!resend) {
      throw larkError({ kind: 'invalid_argument', message: 'this error cannot be resent safely: only a failed call with a uuid can be' })
    }
    return this.call(resend.call, resend.request)
  }

  /** Sends a `Content` (from `content.*` or a builder); `extra` may add `uuid`. */
  async send(receiveIdType, receiveId, message, extra = {}) {
    const contentString = message.toContentString()
    return this.sendMessage({ ...extra, receiveIdType, receiveId, msgType: message.msgType, content: contentString })
  }

  /** Sends a text message. */
  sendText(receiveIdType, receiveId, text, extra) {
    if (extra === undefined && typeof receiveIdType === 'string' && typeof receiveId === 'string' && typeof text === 'string') {
      // The common case: the core builds the request itself (the same rules and answer).
      return this._start((id) => this._native.callSendText(id, receiveIdType, receiveId, text)).then(resultOf)
    }
    return this.send(receiveIdType, receiveId, content.text(text), extra)
  }

  /** Sends a post (rich text): `{zh_cn: {title, content: [[node, ...], ...]}}` or a PostBuilder's content. */
  sendPost(receiveIdType, receiveId, locales, extra) {
    const message = locales instanceof Content ? locales : content.post(locales)
    return this.send(receiveIdType, receiveId, message, extra)
  }

  /** Sends an image by `image_key` (to upload and send an image, use `sendImage`). */
  sendImageKey(receiveIdType, receiveId, imageKey, extra) {
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

// ---------------------------------------------------------------------------------------
// Card streams: the core creates the card, pushes the latest text at the card's pace, owns
// its sequence, re-opens streaming mode and finishes; this class converts only.

/** An answer of the native stream: the value, or the core's error thrown as a LarkError. */
function streamAnswer(text) {
  const answer = JSON.parse(text)
  if (answer.error) throw larkError(answer.error)
  return answer.ok
}

/**
 * A card entity being streamed into (from `client.streamCard`). `append` and `push` never
 * wait for the network; `finish` puts the exact text on the card, turns streaming mode off
 * and sets the summary.
 */
class CardStream {
  constructor(nativeStream, ids) {
    this._native = nativeStream
    /** The card entity's id. */
    this.cardId = ids.card_id
    /** The id of the message that sent the card. */
    this.messageId = ids.message_id
  }

  /** Appends `delta` (a token) to the text. */
  async append(delta) {
    native_(() => this._native.append(delta))
  }

  /** Replaces the whole text. */
  async push(text) {
    native_(() => this._native.push(text))
  }

  /** The text so far. */
  get text() {
    return native_(() => this._native.text())
  }

  /** Finishes: `text` (when given) replaces the text; `{summary}` sets the chat preview. */
  async finish(text, options = {}) {
    return toCamel(streamAnswer(await this._native.finish(text ?? null, options.summary ?? null)))
  }

  /** Finishes in the background with the text so far, without waiting (e.g. on an error). */
  close() {
    native_(() => this._native.close())
  }
}

/** The core's `StreamCardOptions` (snake_case JSON) of `streamCard`'s options. */
function streamOptions(options) {
  if (!isPlainObject(options)) throw new TypeError('streamCard(options): options must be an object')
  const { card, ...rest } = options
  const raw = toSnake(rest)
  if (card !== undefined) raw.card = card instanceof Card ? card.spec() : card
  return raw
}

/**
 * Creates a card entity in streaming mode, sends it (`{receiveIdType, receiveId}`, or
 * `{replyTo, replyInThread}`) and resolves to its `CardStream`. Options: `card` (a `Card` or
 * a card spec), `elementId`, `text`, `streamingConfig`, `summary`, `rateShare`,
 * `autoCloseMs`, `finishTimeoutMs`, `uuid`.
 */
Client.prototype.streamCard = async function (options) {
  const stream = new native.NativeCardStream()
  const ids = streamAnswer(await stream.start(this._native, JSON.stringify(streamOptions(options))))
  return new CardStream(stream, ids)
}

// The operations of the registry and the flows, each a `call` of its name.
for (const { name, method } of generated.OPERATIONS) {
  Object.defineProperty(Client.prototype, method, {
    value: function (request, options) {
      return this.call(name, request, options)
    },
    writable: true,
    configurable: true,
  })
}

module.exports = {
  Client,
  CardStream,
  LarkError,
  ...errorClasses,
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
  CALLS: generated.OPERATIONS.map((operation) => operation.name),
  VERSION: native.version(),
  // for larkmsg/testing
  _native: native,
  _nativeCall: native_,
}
