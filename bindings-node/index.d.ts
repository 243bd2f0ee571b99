// Public typings of the larkmsg npm package (the wrapper in index.js). The operations'
// requests, results and methods and the error classes come from generated.d.ts (written
// from the core's registry by larkmsg-codegen); the native layer's typings are generated
// by napi-rs into native.d.ts. The tests fail when either drifts.

import type {
  BatchSendResult,
  CallName,
  CallRequests,
  CallResults,
  CreateAppFeedCardResult,
  CreateCardResult,
  ErrorKind,
  Message,
  MsgType,
  Open,
  Operations,
  ProgressOptions,
  ReceiveIdType,
  SendMessageRequest,
} from './generated'

export * from './generated'

// ---------------------------------------------------------------------------------------
// Client options

export interface Timeouts {
  /** To open a connection. */
  connectMs?: number
  /** For one attempt. */
  requestMs?: number
  /** For a whole call, retries included. */
  totalMs?: number
}

export interface Retries {
  /** Attempts per call, the first included. */
  maxAttempts?: number
  /** Wait before the first repeat after an error. */
  initialBackoffMs?: number
  /** Longest wait between attempts after an error. */
  maxBackoffMs?: number
  /** Longest `x-ogw-ratelimit-reset` wait honoured. */
  maxThrottleWaitMs?: number
  /** Pause for one receiver after its per-receiver limit. */
  receiverBackoffMs?: number
}

/**
 * The shared store of many processes of one app (quotas, tenant tokens, card sequences),
 * in Redis. Off by default.
 */
export interface SharedOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  redisUrl: string
  /** Put before every key (default `larkmsg:`). */
  keyPrefix?: string
  /** Share of each quota one process uses while Redis does not answer (default 0.25). */
  fallbackShare?: number
  /** Longest wait for one Redis command, in milliseconds (default 250). */
  timeoutMs?: number
}

interface CommonOptions {
  /** `'feishu'` (default) or `'lark'`. */
  domain?: 'feishu' | 'lark'
  /** A custom base URL (a private deployment, or the fake); wins over `domain`. */
  baseUrl?: string
  timeouts?: Timeouts
  retries?: Retries
  /** `false`: do not pace calls to the documented quotas. Default `true`. */
  quotas?: boolean
  /** Share quotas, tokens and card sequences with the app's other processes through Redis. */
  shared?: SharedOptions
  /** Appended to the `User-Agent`. */
  userAgentSuffix?: string
  /** Largest answer body read, in bytes (default 8 MiB); a longer answer fails with `decode`. */
  maxResponseBytes?: number
  /** Root certificates (PEM text or bytes) trusted besides the system's, for a private deployment's own CA. */
  rootCertificatesPem?: string | Uint8Array
  /** A PEM file of root certificates trusted besides the system's. */
  rootCertificatesFile?: string
  /**
   * Hosts that an `http://` base URL may name besides loopback ones (the app secret and
   * tokens then cross the network unencrypted); without it such a client is a `config` error.
   */
  insecureHttpHosts?: string[]
}

/** A self-built app. */
export interface AppOptions extends CommonOptions {
  appId: string
  appSecret: string
}

/** A store (ISV) app installed by the tenant `tenantKey`; hand it tickets with `setAppTicket`. */
export interface StoreAppOptions extends CommonOptions {
  appId: string
  appSecret: string
  tenantKey: string
  appTicket?: string
}

/** A ready tenant access token. */
export interface TokenOptions extends CommonOptions {
  tenantAccessToken: string
}

export type ClientOptions = AppOptions | StoreAppOptions | TokenOptions

// ---------------------------------------------------------------------------------------
// Conveniences

/** Extra fields of the send conveniences. */
export interface SendExtra {
  uuid?: string
}

// ---------------------------------------------------------------------------------------
// Errors

export interface Violation {
  /** The field as you spell it, e.g. `appFeedCard.buttons.buttons[2].text.text` (the platform's own JSON, such as a card in `content`, keeps its keys). */
  path: string
  /** The field as the platform's page spells it, e.g. `app_feed_card.buttons.buttons[2].text.text`. */
  platformPath: string
  /** The rule: `required`, `max_length`, `enum`, `format`, … */
  rule: string
  message: string
}

/** Every failure of a larkmsg call. */
export class LarkError extends Error {
  /** The stable kind, the same in every binding. */
  readonly kind: ErrorKind
  /** The platform's code (e.g. 230001), when it answered one (`error.code` in every binding). */
  readonly code: number | null
  /** The platform's msg. */
  readonly msg: string | null
  /** The HTTP status of the answer. */
  readonly httpStatus: number | null
  /** The request's log id (`X-Tt-Logid`): what support asks for. */
  readonly logId: string | null
  /** The platform's troubleshooter link. */
  readonly troubleshooter: string | null
  /** Every broken rule of the request. */
  readonly violations: Violation[]
  readonly permissionViolations: Array<Record<string, unknown>>
  readonly fieldViolations: Array<Record<string, unknown>>
  /** Milliseconds to wait before trying again, when the platform said. */
  readonly retryAfter: number | null
  /** Whether the request may have been carried out although it failed; for a send or reply, `client.resend(error)` is the remedy. */
  readonly maybeSent: boolean
  /** The de-duplication key the failed request carried (yours, or the generated one). */
  readonly uuid: string | null
  /** How to send the failed call again with its uuid, for calls the platform de-duplicates. */
  readonly resendRequest: { call: CallName; request: Record<string, unknown> } | null
}
/** The LarkError subclass for the core's error JSON (snake_case). */
export function larkError(detail: { kind: string; message: string } & Record<string, unknown>): LarkError

// ---------------------------------------------------------------------------------------
// Content

/**
 * A message's content: its `msgType` and content object, built and checked by the core when
 * first used (a bad one throws InvalidArgumentError then, e.g. when it is sent).
 */
export class Content {
  /** The platform's content object for `msgType` (e.g. `'image'`, `{image_key}`). */
  constructor(msgType: MsgType, content: unknown)
  readonly msgType: MsgType
  /** The content object, as the core wrote it. */
  readonly content: Record<string, unknown>
  /** Send message's `content` string, as the core wrote it. */
  toContentString(): string
  toJSON(): { msgType: MsgType; content: Record<string, unknown> }
}

export class TextBuilder {
  constructor(text?: string)
  text(text: string): this
  atUser(userId: string, name: string): this
  atAll(): this
  link(text: string, url: string): this
  newline(): this
  build(): Content
}

export type PostStyle = Array<'bold' | 'underline' | 'lineThrough' | 'italic'>
export type PostNode =
  | { tag: 'text'; text: string; un_escape?: boolean; style?: PostStyle }
  | { tag: 'a'; href: string; text: string; style?: PostStyle }
  | { tag: 'at'; user_id: string; user_name?: string; style?: PostStyle }
  | { tag: 'img'; image_key: string }
  | { tag: 'media'; file_key: string; image_key?: string }
  | { tag: 'emotion'; emoji_type: string }
  | { tag: 'hr' }
  | { tag: 'code_block'; language?: string; text: string }
  | { tag: 'md'; text: string }

export type PostLocales = Record<string, { title?: string; content: PostNode[][] }>

export class PostBuilder {
  /** Starts (or continues) a locale: `zh_cn`, `en_us`, `ja_jp`. */
  locale(locale: string, title?: string): this
  paragraph(...nodes: PostNode[]): this
  build(): Content
}

export const post: {
  text(text: string, style?: PostStyle): PostNode
  link(text: string, href: string, style?: PostStyle): PostNode
  at(userId: string): PostNode
  img(imageKey: string): PostNode
  media(fileKey: string, imageKey?: string): PostNode
  emotion(emojiType: string): PostNode
  hr(): PostNode
  codeBlock(text: string, language?: string): PostNode
  md(text: string): PostNode
}

export const content: {
  text(text: string): Content
  post(locales: PostLocales): Content
  image(imageKey: string): Content
  file(fileKey: string): Content
  audio(fileKey: string): Content
  media(fileKey: string, imageKey?: string): Content
  sticker(fileKey: string): Content
  shareChat(chatId: string): Content
  shareUser(userId: string): Content
  /** A card: a `Card` builder, or card JSON sent as is. */
  interactive(card: Card | Record<string, unknown>): Content
  template(templateId: string, variables?: Record<string, unknown>, versionName?: string): Content
  cardEntity(cardId: string): Content
  /** A divider system message (bot one-to-one chats only), with translations by locale. */
  divider(text: string, needRollup?: boolean, i18nText?: Record<string, string>): Content
  textBuilder(text?: string): TextBuilder
  postBuilder(): PostBuilder
}

// ---------------------------------------------------------------------------------------
// Cards

/** A card JSON 2.0 component (as `elements.*` give it, or any object with a `tag`). */
export type CardElement = Record<string, unknown>

export type HeaderTemplate = Open<
  'blue' | 'wathet' | 'turquoise' | 'green' | 'yellow' | 'orange' | 'red' | 'carmine' | 'violet' | 'purple' | 'indigo' | 'grey' | 'default'
>
export type ButtonType = Open<
  'default' | 'primary' | 'danger' | 'text' | 'primary_text' | 'danger_text' | 'primary_filled' | 'danger_filled' | 'laser'
>

/** The `element_id` a component can be updated by later (a letter, then letters, digits, `_`; at most 20). */
export interface ElementOptions {
  elementId?: string
}

export interface ButtonOptions extends ElementOptions {
  type?: ButtonType
  /** A click opens this URL. */
  url?: string
  /** A click sends this value to the app's card callback. */
  value?: unknown
}

export interface ColumnOptions extends ElementOptions {
  /** `'weighted'` (default), `'auto'` or a width in pixels such as `'120px'`. */
  width?: Open<'weighted' | 'auto'>
  /** Shares of the set, 1 to 5 (default 1), with width `'weighted'` only. */
  weight?: number
}

/** A number for every platform, or one per platform. */
export type PlatformValues = number | { default: number; android?: number; ios?: number; pc?: number }

export interface CardConfig {
  /** A shared card; card JSON 2.0 requires `true` (the default). */
  updateMulti?: boolean
  streamingMode?: boolean
  /** The preview shown in the chat list. */
  summary?: string
  streamingConfig?: { printFrequencyMs?: PlatformValues; printStep?: PlatformValues; printStrategy?: Open<'fast' | 'delay'> }
  enableForward?: boolean
  widthMode?: Open<'default' | 'compact' | 'fill'>
}

/** Builds a card JSON 2.0; the core writes and checks it (`schema`, `header`, `config`, `body`). */
export class Card {
  header(title: string, options?: { subtitle?: string; template?: HeaderTemplate }): this
  config(config: CardConfig): this
  /** Adds a component from `elements.*`, or any card JSON component. */
  element(element: CardElement): this
  markdown(text: string, options?: ElementOptions): this
  text(text: string, options?: ElementOptions): this
  divider(options?: ElementOptions): this
  button(text: string, options?: ButtonOptions): this
  image(imgKey: string, alt?: string, options?: ElementOptions): this
  /** The card's spec, as the core's builder reads it. */
  spec(): Record<string, unknown>
  /** The card as an `interactive` Content (built and checked by the core when first used). */
  build(): Content
  toJSON(): Record<string, unknown>
  toString(): string
  /** Builds the card now, with the core's card JSON 2.0 rules; throws InvalidArgumentError. */
  check(): this
}

/** Card JSON 2.0 components, built by the core. */
export const elements: {
  markdown(content: string, options?: ElementOptions): CardElement
  text(content: string, options?: ElementOptions): CardElement
  divider(options?: ElementOptions): CardElement
  button(text: string, options?: ButtonOptions): CardElement
  image(imgKey: string, alt?: string, options?: ElementOptions): CardElement
  /** Columns side by side: each an array of components, or a column from `elements.column`. */
  columnSet(...columns: Array<CardElement[] | CardElement>): CardElement
  columnSet(...columnsAndOptions: [...Array<CardElement[] | CardElement>, ElementOptions]): CardElement
  column(children: CardElement[], options?: ColumnOptions): CardElement
}

/** Checks a card JSON 2.0 with the core's card entity rules; throws InvalidArgumentError. */
export function checkCard(card: Card | Record<string, unknown> | string): void

// ---------------------------------------------------------------------------------------
// Logging

/** One log event of larkmsg, as `enableLogging`'s callback receives it. */
export interface LogRecord {
  /** The event's level: failed calls are 'warn', retried attempts 'info'. */
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error'
  /** Where it comes from: 'larkmsg::call', 'larkmsg::auth', 'larkmsg::shared', … */
  target: string
  /** The spans (`larkmsg.call{endpoint="send_message"}`), the message and its fields. */
  message: string
}

/**
 * Chooses which of larkmsg's log events are kept (calls with endpoint, attempts and log
 * id; failed attempts; token fetches) and where they go: stderr, or `onRecord` on the JS
 * thread (e.g. `r => pinoLogger[r.level](r.message)`). `levelOrDirective`: 'trace' |
 * 'debug' | 'info' | 'warn' | 'error' | 'off', or `target=level` pairs such as
 * 'larkmsg=trace'. Calling it again changes both; without a call, the first client reads
 * `LARKMSG_LOG` (to stderr). Never logs a secret or a token.
 * Throws InvalidArgumentError for a directive that does not parse.
 */
export function enableLogging(
  levelOrDirective?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'off' | (string & {}),
  onRecord?: (record: LogRecord) => void,
): void

// ---------------------------------------------------------------------------------------
// Client

/**
 * A Feishu / Lark client. Every call returns a Promise and runs on the core's runtime;
 * requests are validated before anything is sent. Failures reject with a `LarkError`.
 */
/** The operations of the registry (`sendMessage`, `replyMessage`, …) are methods of `Client`. */
export interface Client extends Operations {}

export class Client {
  constructor(options: ClientOptions)
  /** Runs a call by name with its flat request (files as paths or bytes); `options.progress` for the calls to many receivers. */
  call<N extends CallName>(name: N, request: CallRequests[N], options?: ProgressOptions): Promise<CallResults[N]>
  /** Sends a `Content` built with `content.*` or a builder. */
  send(receiveIdType: ReceiveIdType, receiveId: string, message: Content, extra?: SendExtra): Promise<Message>
  sendText(receiveIdType: ReceiveIdType, receiveId: string, text: string, extra?: SendExtra): Promise<Message>
  /** Sends a failed call again exactly as it was sent, with the same uuid (the remedy when `error.maybeSent`). */
  resend(error: LarkError): Promise<unknown>
  sendPost(receiveIdType: ReceiveIdType, receiveId: string, locales: PostLocales | Content, extra?: SendExtra): Promise<Message>
  sendImageKey(receiveIdType: ReceiveIdType, receiveId: string, imageKey: string, extra?: SendExtra): Promise<Message>
  /** Sends a card: a `Card`, a card JSON object, or a card entity (`{cardId}`). */
  sendCard(
    receiveIdType: ReceiveIdType,
    receiveId: string,
    card: Card | Record<string, unknown> | { cardId: string },
    extra?: SendExtra,
  ): Promise<Message>
  /** Hands a store app the `app_ticket` the platform pushed (every hour). */
  setAppTicket(ticket: string): void
  /**
   * Creates a card entity in streaming mode, sends it and resolves to the stream to append
   * an answer to; the core paces the pushes, owns the card's sequence and finishes it.
   */
  streamCard(options: StreamCardOptions): Promise<CardStream>
}

/** Where a card stream goes and how it streams (`client.streamCard`). */
export type StreamCardOptions = (
  | { receiveIdType: ReceiveIdType; receiveId: string }
  | { replyTo: string; replyInThread?: boolean }
) & {
  /** The card to create (streaming mode is turned on): a `Card` or a card spec. */
  card?: Card | Record<string, unknown>
  /** The element streamed into (default `'answer'`; added as markdown when the card lacks it). */
  elementId?: string
  /** The text shown before the first push. */
  text?: string
  /** The pace at which the platform prints streamed text. */
  streamingConfig?: CardConfig['streamingConfig']
  /** The chat preview after `finish` (default: the start of the text). */
  summary?: string
  /** The share of the card's 10 operations per second the stream uses (default 0.8). */
  rateShare?: number
  /** When the platform closes streaming mode by itself (default 600000). */
  autoCloseMs?: number
  /** How long `finish` keeps trying to put the final text on the card (default 60000). */
  finishTimeoutMs?: number
  /** The de-duplication key of the message that sends the card. */
  uuid?: string
}

/** What a finished stream did. */
export interface CardStreamSummary {
  cardId: string
  messageId: string
  /** The last sequence used: the next operation on the card needs a greater one. */
  sequence: number
  /** Operations made on the card, refused attempts included. */
  operations: number
  /** Pushes of the text that landed. */
  pushes: number
  /** Times another writer had moved the card's sequence and the stream moved past it. */
  sequenceConflicts: number
  /** Times streaming mode was turned on again. */
  reopened: number
  /** Characters of the final text. */
  textChars: number
  /** Milliseconds from `finish` until the final text was on the card. */
  finalTextMs: number
}

/** A card entity being streamed into. `append` and `push` never wait for the network. */
export class CardStream {
  readonly cardId: string
  readonly messageId: string
  /** The text so far. */
  readonly text: string
  /** Appends `delta` (a token) to the text. */
  append(delta: string): Promise<void>
  /** Replaces the whole text. */
  push(text: string): Promise<void>
  /** Puts the exact text (`text` when given) on the card, turns streaming mode off and sets the summary. */
  finish(text?: string, options?: { summary?: string }): Promise<CardStreamSummary>
  /** Finishes in the background with the text so far, without waiting. */
  close(): void
}

/** snake_case keys to camelCase, deeply (message content and cards kept as given). */
export function toCamel<T = unknown>(value: unknown): T
/** camelCase keys to snake_case, deeply (message content and cards kept as given). */
export function toSnake<T = unknown>(value: unknown): T

/** The call names. */
export const CALLS: CallName[]
/** The library's version. */
export const VERSION: string
