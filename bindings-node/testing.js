'use strict'
// larkmsg/testing: the bundled fake Feishu server, for your own tests.
//
//   const { FakeServer } = require('larkmsg/testing')
//   const fake = FakeServer.start()
//   const client = new Client(fake.clientOptions())
//   await client.sendText('open_id', 'ou_1', 'hi')
//   fake.inbox().messages.length // 1
//   fake.stop()
//
// It serves on 127.0.0.1 on the core's runtime (it keeps no Node handle open, so a
// process still exits by itself), with the platform's checks, codes and envelope.

const { _native: native, _nativeCall: nativeCall, toCamel, toSnake } = require('./index.js')

/** The fake's self-built app. */
const DEFAULT_APP_ID = 'cli_fake_app'
const DEFAULT_APP_SECRET = 'fake_app_secret'
/** The fake's store app and its tenant. */
const STORE_APP_ID = 'cli_fake_store_app'
const STORE_APP_SECRET = 'fake_store_secret'
const FAKE_TENANT_KEY = 'fake_tenant'

/** A control of the fake answered with an error status. */
class FakeControlError extends Error {
  constructor(method, name, status, body) {
    super(`fake control ${method} ${name} failed with HTTP ${status}: ${body && body.error}`)
    this.name = 'FakeControlError'
    this.status = status
    this.body = body
  }
}

/** A running fake Feishu server. */
class FakeServer {
  constructor(handle) {
    this._native = handle
    /** The base URL, `http://127.0.0.1:PORT`: give it as the client's `baseUrl`. */
    this.url = handle.url
  }

  /**
   * Starts a fake. Options: `port` (0: any free port), `quotas` (enforce the platform's
   * rate limits), `latencyMs`, `tokenLifetimeSeconds`.
   */
  static start(options = {}) {
    const fake = new FakeServer(nativeCall(() => native.NativeFake.start(options.port ?? 0)))
    if (options.quotas !== undefined) fake.setQuotas(options.quotas)
    if (options.latencyMs !== undefined) fake.setLatency(options.latencyMs)
    if (options.tokenLifetimeSeconds !== undefined) fake.setTokenLifetime(options.tokenLifetimeSeconds)
    return fake
  }

  /** Client options for the fake's self-built app (pacing off); `overrides` are merged in. */
  clientOptions(overrides = {}) {
    return { appId: DEFAULT_APP_ID, appSecret: DEFAULT_APP_SECRET, baseUrl: this.url, quotas: false, ...overrides }
  }

  /**
   * Runs a control by its HTTP form: `control('POST', 'faults', {kind: 'status_5xx'})`.
   * Bodies and answers are the fake's JSON (snake_case). Throws FakeControlError on an
   * error status.
   */
  control(method, name, body) {
    const text = body === undefined ? null : JSON.stringify(body)
    const answer = JSON.parse(this._native.control(method, name, text))
    if (answer.status >= 400) throw new FakeControlError(method, name, answer.status, answer.body)
    return answer.body
  }

  /** What the fake accepted: `{messages, batches, cards, feedCards}` (content and cards as sent). */
  inbox() {
    return toCamel(this.control('GET', 'inbox'))
  }

  /** Empties the inbox only. */
  clearInbox() {
    this.control('DELETE', 'inbox')
  }

  /** Forgets inbox, uuids, card entities, counters, faults and quota windows; tokens stay. */
  reset() {
    this.control('POST', 'reset')
  }

  /** Turns enforcement of the platform's rate limits on or off. */
  setQuotas(enabled) {
    this.control('POST', 'quotas', { enabled })
  }

  /** Adds latency to every API request. */
  setLatency(ms) {
    this.control('POST', 'latency', { ms })
  }

  /**
   * Injects a fault plan: `{kind, count?, endpoint?, delayMs?}` or `{rate, kinds, seed?,
   * endpoint?}`. Kinds: status_5xx, drop_before_read, drop_after_read, slow, malformed,
   * rate_limit, receiver_rate_limit, revoke_tokens, permission_denied.
   */
  injectFault(plan) {
    this.control('POST', 'faults', toSnake(plan))
  }

  /** Removes every fault plan. */
  clearFaults() {
    this.control('DELETE', 'faults')
  }

  /** The active plans and the log of what faults did. */
  faults() {
    return toCamel(this.control('GET', 'faults'))
  }

  /** Forgets every token the fake issued. */
  revokeTokens() {
    this.control('POST', 'revoke_tokens')
  }

  /** Sets the lifetime of tokens issued from now on. */
  setTokenLifetime(seconds, reuseThresholdSeconds) {
    const body = { seconds }
    if (reuseThresholdSeconds !== undefined) body.reuse_threshold_seconds = reuseThresholdSeconds
    this.control('POST', 'token_lifetime', body)
  }

  /** Counts: `{requests, tokenRequests, throttled, faults}`, keyed by endpoint name. */
  counters() {
    const raw = this.control('GET', 'counters')
    // endpoint names are data, not keys to convert
    return {
      requests: raw.requests ?? {},
      tokenRequests: raw.token_requests ?? {},
      throttled: raw.throttled ?? {},
      faults: raw.faults ?? {},
    }
  }

  /** Requests seen at one endpoint, by its call name (`send_message`, `reply_message`, `create_app_feed_card`, …). */
  requests(endpoint) {
    return this.counters().requests[endpoint] ?? 0
  }

  /** Requests seen at all auth endpoints together. */
  tokenRequests() {
    return Object.values(this.counters().tokenRequests).reduce((a, b) => a + b, 0)
  }

  /** The current app_ticket of a store app (default: the fake's store app). */
  appTicket(appId = STORE_APP_ID) {
    return this.control('GET', `app_ticket?app_id=${encodeURIComponent(appId)}`).app_ticket
  }

  /** Adds or replaces an app: `{appId, appSecret, kind: 'self_built' | 'store', tenantKey?}`. */
  registerApp(app) {
    this.control('POST', 'apps', toSnake(app))
  }

  /**
   * A card entity's state, as the fake's JSON (snake_case): `sequence`, `streaming_mode`,
   * `summary`, `texts` (by element_id), `card`, `operations` ({at_ms, call, sequence, code}),
   * `max_operations_per_second`, …
   */
  card(cardId) {
    return this.control('GET', `card?card_id=${encodeURIComponent(cardId)}`)
  }

  /** Moves the fake's clock forward (streaming timeouts, the 14-day validity, tokens). */
  advanceClock(seconds) {
    this.control('POST', 'clock', { advance_seconds: seconds })
  }

  /** Sets when a card entity's streaming mode closes by itself (default 600 s). */
  setStreamingTimeout(seconds) {
    this.control('POST', 'streaming_timeout', { seconds })
  }

  /** Every token (tenant and app) the fake issued since it started, revoked ones too. */
  issuedTokens() {
    return this.control('GET', 'tokens').issued
  }

  /** Stops serving and closes every connection. */
  stop() {
    this._native.stop()
  }
}

module.exports = {
  FakeServer,
  FakeControlError,
  DEFAULT_APP_ID,
  DEFAULT_APP_SECRET,
  STORE_APP_ID,
  STORE_APP_SECRET,
  FAKE_TENANT_KEY,
}
