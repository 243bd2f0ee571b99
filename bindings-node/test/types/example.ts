// A typed use of the package, checked with `tsc --noEmit --strict` (never run).
import {
  Card,
  type CardStream,
  type CardStreamSummary,
  type StreamCardOptions,
  Client,
  Content,
  elements,
  type CardElement,
  InvalidArgumentError,
  LarkError,
  content,
  enableLogging,
  post,
  type BatchSendResult,
  type CreateAppFeedCardResult,
  type ErrorKind,
  type LogRecord,
  type Message,
} from 'larkmsg'
import { FakeServer, type FakeInbox } from 'larkmsg/testing'

async function main(): Promise<void> {
  enableLogging('debug')
  enableLogging('warn,larkmsg=trace')
  const levels: Array<LogRecord['level']> = []
  enableLogging('info', (record: LogRecord) => {
    levels.push(record.level)
    console.log(record.target, record.message)
  })
  const fake: FakeServer = FakeServer.start({ quotas: false })
  const issued: string[] = fake.issuedTokens()
  const client = new Client({
    appId: 'cli_x',
    appSecret: 'secret',
    baseUrl: fake.url,
    timeouts: { requestMs: 2000, totalMs: 10_000 },
    retries: { maxAttempts: 3, initialBackoffMs: 10 },
    quotas: false,
  })
  const store = new Client({ appId: 'cli_s', appSecret: 's', tenantKey: 'tenant', domain: 'lark' })
  store.setAppTicket(fake.appTicket())

  const message: Message = await client.sendText('open_id', 'ou_1', 'hello', { uuid: 'u-1' })
  const id: string = message.messageId
  const chat: string | undefined = message.chatId
  const raw: Message = await client.sendMessage({
    receiveIdType: 'chat_id',
    receiveId: 'oc_1',
    msgType: 'text',
    content: content.text('hi').toContentString(),
  })
  const rich = content.postBuilder().locale('zh_cn', 'Title').paragraph(post.text('a'), post.link('b', 'https://x.example')).build()
  await client.send('open_id', 'ou_1', rich)
  await client.sendPost('open_id', 'ou_1', { en_us: { title: 't', content: [[post.md('**b**')]] } })

  const card = new Card().header('Hi', { template: 'blue' }).markdown('**x**').button('Open', { url: 'https://x.example' }).check()
  const columns: CardElement = elements.columnSet(
    [elements.markdown('left')],
    elements.column([elements.image('img_1', 'cover')], { width: 'auto' }),
    { elementId: 'layout' },
  )
  const streaming: Content = new Card()
    .config({ streamingMode: true, summary: '…', streamingConfig: { printFrequencyMs: 50, printStep: { default: 2, pc: 4 }, printStrategy: 'fast' } })
    .markdown('', { elementId: 'answer' })
    .button('Stop', { type: 'danger', value: { action: 'stop' } })
    .element(columns)
    .build()
  const cardJson: Record<string, unknown> = streaming.content
  void cardJson
  const created = await client.createCard({ type: 'card_json', data: card })
  await client.sendCard('open_id', 'ou_1', { cardId: created.cardId })

  const batch: BatchSendResult = await client.batchSend({ msgType: 'text', content: { text: 'hi' }, openIds: ['ou_1'] })
  const invalid: string[] | undefined = batch.invalidOpenIds
  const feed: CreateAppFeedCardResult = await client.createAppFeedCard({
    userIdType: 'open_id',
    appFeedCard: { title: 't', link: { link: 'https://x.example' }, statusLabel: { text: 'new', type: 'primary' } },
    userIds: ['ou_1'],
  })
  const reasons = (feed.failedCards ?? []).map((failed) => failed.reason)
  const viaName: Message = await client.call('send_message', {
    receiveIdType: 'open_id',
    receiveId: 'ou_1',
    msgType: 'text',
    content: '{"text":"x"}',
  })

  try {
    await client.sendText('open_id', '', 'x')
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      const paths: string[] = error.violations.map((v) => v.path)
      const kind: 'invalid_argument' = error.kind
      void paths
      void kind
    } else if (error instanceof LarkError) {
      const kind: ErrorKind = error.kind
      const status: number | null = error.httpStatus
      const logId: string | null = error.logId
      const wait: number | null = error.retryAfter
      void [kind, status, logId, wait]
    }
  }

  const stream: CardStream = await client.streamCard({
    receiveIdType: 'open_id',
    receiveId: 'ou_1',
    card: new Card().header('Assistant'),
    streamingConfig: { printFrequencyMs: 50, printStrategy: 'fast' },
    rateShare: 0.5,
  })
  await stream.append('Hello')
  const summary: CardStreamSummary = await stream.finish(undefined, { summary: 'Hello' })
  const next: number = summary.sequence + 1
  const reply: StreamCardOptions = { replyTo: summary.messageId, text: '…' }
  void [next, reply, fake.card(stream.cardId).sequence]

  fake.injectFault({ kind: 'status_5xx', endpoint: 'send_message', count: 1 })
  const inbox: FakeInbox = fake.inbox()
  const count: number = inbox.messages.length + fake.requests('send_message') + fake.tokenRequests()
  fake.stop()
  void [id, chat, raw, invalid, reasons, viaName, count, issued]
}

void main
