// Typings of larkmsg/testing: the bundled fake Feishu server.
import type { AppOptions, CallName, ClientOptions } from './index'

export const DEFAULT_APP_ID: 'cli_fake_app'
export const DEFAULT_APP_SECRET: 'fake_app_secret'
export const STORE_APP_ID: 'cli_fake_store_app'
export const STORE_APP_SECRET: 'fake_store_secret'
export const FAKE_TENANT_KEY: 'fake_tenant'

export type FaultKind =
  | 'status_5xx'
  | 'drop_before_read'
  | 'drop_after_read'
  | 'slow'
  | 'malformed'
  | 'rate_limit'
  | 'receiver_rate_limit'
  | 'revoke_tokens'
  | 'permission_denied'

/** Endpoint names: a call name (send_message, reply_message, batch_send, create_card, create_app_feed_card, …), or an auth endpoint / a path. */
export type FakeEndpoint = CallName | (string & {})

export type FaultPlan =
  | { kind: FaultKind; count?: number; endpoint?: FakeEndpoint; delayMs?: number }
  | { rate: number; kinds: FaultKind[]; seed?: number; endpoint?: FakeEndpoint; delayMs?: number }

export interface FakeInbox {
  /** `{messageId, appId, receiveIdType, receiveId, msgType, content, uuid, chatId, createTime, cardId?}` */
  messages: Array<Record<string, any>>
  batches: Array<Record<string, any>>
  cards: Array<Record<string, any>>
  feedCards: Array<Record<string, any>>
}

export interface FakeCounters {
  requests: Record<string, number>
  tokenRequests: Record<string, number>
  throttled: Record<string, number>
  faults: Record<string, number>
}

export interface FakeStartOptions {
  /** 0 (default): any free port. */
  port?: number
  /** Enforce the platform's rate limits. */
  quotas?: boolean
  latencyMs?: number
  tokenLifetimeSeconds?: number
}

export class FakeControlError extends Error {
  readonly status: number
  readonly body: unknown
}

/** A running fake Feishu server on 127.0.0.1. */
export class FakeServer {
  static start(options?: FakeStartOptions): FakeServer
  /** The base URL, `http://127.0.0.1:PORT`. */
  readonly url: string
  /** Options of a client for the fake's self-built app (pacing off). */
  clientOptions(overrides?: Partial<AppOptions>): ClientOptions
  /** Runs a control by its HTTP form, with the fake's own JSON (snake_case). */
  control(method: 'GET' | 'POST' | 'DELETE', name: string, body?: unknown): any
  inbox(): FakeInbox
  clearInbox(): void
  reset(): void
  setQuotas(enabled: boolean): void
  setLatency(ms: number): void
  injectFault(plan: FaultPlan): void
  clearFaults(): void
  faults(): { plans: unknown[]; log: Array<Record<string, unknown>> }
  revokeTokens(): void
  setTokenLifetime(seconds: number, reuseThresholdSeconds?: number): void
  counters(): FakeCounters
  /** Requests seen at one endpoint. */
  requests(endpoint: FakeEndpoint): number
  /** Requests seen at all auth endpoints together. */
  tokenRequests(): number
  appTicket(appId?: string): string
  registerApp(app: { appId: string; appSecret: string; kind: 'self_built' | 'store'; tenantKey?: string }): void
  /** A card entity's state as the fake's JSON (snake_case): `sequence`, `streaming_mode`, `texts`, `operations`, … */
  card(cardId: string): Record<string, any>
  /** Moves the fake's clock forward (streaming timeouts, the 14-day validity, tokens). */
  advanceClock(seconds: number): void
  /** Sets when a card entity's streaming mode closes by itself (default 600 s). */
  setStreamingTimeout(seconds: number): void
  /** Every token (tenant and app) the fake issued since it started, revoked ones too. */
  issuedTokens(): string[]
  stop(): void
}
