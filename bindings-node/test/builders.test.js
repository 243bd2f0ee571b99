'use strict'
// Content and card builders: the platform's JSON, checked and serialized by the core.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { Client, Card, Content, InvalidArgumentError, checkCard, content, elements, post, toCamel, toSnake } = require('larkmsg')
const { FakeServer } = require('larkmsg/testing')

const CASES_FILE = process.env.LARKMSG_BUILDER_CASES || path.join(__dirname, '..', '..', 'tests', 'builders', 'cases.json')
const CASES = JSON.parse(fs.readFileSync(CASES_FILE, 'utf8')).cases

const URL = 'https://www.feishu.cn/'

/** Each shared case (tests/builders/cases.json) built with this package's builders. */
const BUILDERS = {
  text: () => content.text('hello <b>'),
  text_parts: () => content.textBuilder('Hi ').atUser('ou_1', 'Tom').text(' and ').atAll().newline().link('docs', URL).build(),
  post: () =>
    content
      .postBuilder()
      .locale('zh_cn', '标题')
      .paragraph(post.text('bold', ['bold']), post.link('link', URL), post.at('ou_1'))
      .paragraph(post.md('**md**'))
      .locale('en_us', 'Title')
      .paragraph(post.text('hello'), post.emotion('SMILE'))
      .paragraph(post.codeBlock('fmt.Println()', 'GO'))
      .paragraph(post.hr())
      .build(),
  image: () => content.image('img_v2_1'),
  file: () => content.file('file_v2_1'),
  audio: () => content.audio('file_v2_2'),
  media: () => content.media('file_v2_3', 'img_v2_3'),
  sticker: () => content.sticker('file_v2_4'),
  share_chat: () => content.shareChat('oc_1'),
  share_user: () => content.shareUser('ou_1'),
  divider: () => content.divider('新会话', true, { en_us: 'New session' }),
  template: () => content.template('ctp_1', { name: 'Tom' }, '1.0.0'),
  card_entity: () => content.cardEntity('7355372766134157313'),
  interactive: () => content.interactive({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'as is' }] } }),
  card: () =>
    new Card()
      .header('Deploy', { subtitle: 'prod', template: 'blue' })
      .config({ updateMulti: true, summary: 'deploy done', enableForward: false, widthMode: 'fill' })
      .markdown('**done** in 3 min', { elementId: 'summary' })
      .divider()
      .text('plain')
      .button('Open', { type: 'primary', url: URL })
      .button('Approve', { type: 'primary_filled', value: { action: 'approve', id: 7 } })
      .button('Both', { url: URL, value: { action: 'seen' } })
      .image('img_v2_1', 'cover')
      .element(
        elements.columnSet(
          [elements.markdown('left')],
          elements.column([elements.markdown('middle')], { weight: 2 }),
          elements.column([elements.image('img_v2_2')], { width: 'auto' }),
          elements.column([elements.text('fixed')], { width: '120px', elementId: 'fixed_col' }),
          { elementId: 'layout' },
        ),
      )
      .element({ tag: 'collapsible_panel', expanded: false, elements: [{ tag: 'markdown', content: 'card JSON as is' }] })
      .build(),
  card_streaming: () =>
    new Card()
      .config({
        streamingMode: true,
        summary: '',
        streamingConfig: { printFrequencyMs: { default: 70, android: 70, ios: 70, pc: 70 }, printStep: 2, printStrategy: 'fast' },
      })
      .markdown('截至今日，项目完成度已达80%', { elementId: 'markdown_1' })
      .build(),
  element_button: () => elements.button('Retry', { type: 'danger', value: { retry: true } }),
  element_column: () => elements.column([elements.markdown('x')], { weight: 3 }),
}

/** What a builder gave, in the core's answer form. */
function answer(built) {
  if (built instanceof Content) return { msg_type: built.msgType, content: built.toContentString() }
  return { element: built }
}

test('every shared case: the JS builders write exactly what the core builds', () => {
  assert.deepEqual(Object.keys(BUILDERS).sort(), CASES.map((c) => c.name).sort())
  for (const c of CASES) {
    const built = answer(BUILDERS[c.name]())
    // Strings compare key order too.
    assert.equal(JSON.stringify(built), JSON.stringify(c.built), c.name)
    if (built.content !== undefined) {
      assert.deepEqual(BUILDERS[c.name]().content, JSON.parse(c.built.content), c.name)
    }
  }
})

test('a card writes schema, header, config, body, as the core does', () => {
  const card = new Card().config({ updateMulti: true }).header('t').markdown('x')
  assert.deepEqual(Object.keys(card.toJSON()), ['schema', 'header', 'config', 'body'])
  assert.equal(card.toString(), JSON.stringify(card.toJSON()))
  assert.deepEqual(card.toJSON().header.title, { content: 't', tag: 'plain_text' })
})

test('a bad builder argument is an InvalidArgumentError naming its path in the spec', () => {
  const violation = (build) => {
    try {
      build()
    } catch (error) {
      assert.ok(error instanceof InvalidArgumentError, String(error))
      return error.violations.map((v) => [v.path, v.rule])
    }
    assert.fail('no error')
  }
  assert.deepEqual(violation(() => new Card().button('x', { type: 'shiny' }).check()), [['card.elements[0].button.type', 'enum']])
  assert.deepEqual(violation(() => new Card().config({ widthMode: 'huge', colour: 'red' }).markdown('x').check()), [
    ['card.config.colour', 'unknown_field'],
  ])
  assert.deepEqual(violation(() => elements.column([], { width: 'auto', weight: 2 })), [['element.column.weight', 'forbidden']])
  assert.deepEqual(violation(() => new Card().markdown('a', { elementId: 'x' }).markdown('b', { elementId: 'x' }).toJSON()), [
    ['content.body.elements[1].element_id', 'unique'],
  ])
  assert.deepEqual(violation(() => new Card().toJSON()), [['content', 'required']])
  assert.deepEqual(violation(() => new Content('hologram', {}).toContentString()), [['hologram', 'enum']])
  assert.deepEqual(violation(() => content.media('').msgType), [['content.file_key', 'required']])
})

test('content constructors give the platform content string', () => {
  assert.equal(content.text('hi').toContentString(), '{"text":"hi"}')
  assert.equal(content.image('img_1').toContentString(), '{"image_key":"img_1"}')
  assert.equal(content.file('file_1').msgType, 'file')
  assert.equal(content.shareChat('oc_1').toContentString(), '{"chat_id":"oc_1"}')
  assert.equal(content.cardEntity('7355').toContentString(), '{"type":"card","data":{"card_id":"7355"}}')
  const text = content.textBuilder('Hi ').atUser('ou_1', 'Tom').text(' and ').atAll().newline().link('docs', 'https://www.feishu.cn/').build()
  assert.deepEqual(JSON.parse(text.toContentString()), {
    text: 'Hi <at user_id="ou_1">Tom</at> and <at user_id="all"></at>\n[docs](https://www.feishu.cn/)',
  })
})

test('a post built node by node passes the core and keeps its locales', () => {
  const message = content
    .postBuilder()
    .locale('zh_cn', '标题')
    .paragraph(post.text('bold', ['bold']), post.link('link', 'https://www.feishu.cn/'), post.at('ou_1'))
    .paragraph(post.md('**md**'))
    .locale('en_us', 'Title')
    .paragraph(post.text('hello'), post.emotion('SMILE'))
    .build()
  const parsed = JSON.parse(message.toContentString())
  assert.deepEqual(Object.keys(parsed), ['zh_cn', 'en_us'])
  assert.equal(parsed.zh_cn.content.length, 2)
})

test('bad content is an InvalidArgumentError from the core', () => {
  assert.throws(() => content.image('').toContentString(), InvalidArgumentError)
  // A card component is no message: refused by the core, as in every binding.
  assert.throws(
    () => new Content('element', { markdown: { content: 'x' } }).toContentString(),
    (e) => e instanceof InvalidArgumentError && e.violations[0].path === 'spec' && e.violations[0].rule === 'format',
  )
  assert.throws(
    () => content.post({ zh_cn: { content: [[post.md('x'), post.text('y')]] } }).toContentString(),
    (e) => e instanceof InvalidArgumentError && e.violations.length > 0,
  )
})

test('a card built with Card passes the core card checks and is created and sent', async () => {
  const card = new Card()
    .header('Deploy', { subtitle: 'prod', template: 'blue' })
    .config({ updateMulti: true, summary: 'deploy done' })
    .markdown('**done** in 3 min')
    .divider()
    .text('plain')
    .button('Open', { type: 'primary', url: 'https://www.feishu.cn/' })
    .element(elements.columnSet([elements.markdown('left')], [elements.markdown('right')]))
    .check()
  const json = card.toJSON()
  assert.equal(json.schema, '2.0')
  assert.equal(json.config.update_multi, true)
  assert.equal(json.body.elements.length, 5)
  const fake = FakeServer.start()
  try {
    const client = new Client(fake.clientOptions())
    const created = await client.createCard({ type: 'card_json', data: card })
    const sent = await client.sendCard('open_id', 'ou_1', { cardId: created.cardId })
    assert.match(sent.messageId, /^om_/)
    const inline = await client.sendCard('open_id', 'ou_1', card)
    assert.equal(inline.msgType, 'interactive')
    assert.equal(fake.inbox().cards.length, 1)
  } finally {
    fake.stop()
  }
})

test('checkCard reports every violation of a card JSON', () => {
  assert.throws(() => checkCard('{"schema":"2.0"'), InvalidArgumentError)
  assert.throws(
    () => checkCard({ schema: '1.0', config: { update_multi: false }, body: { elements: [{ tag: 'hr', element_id: '1bad' }] } }),
    (e) => e instanceof InvalidArgumentError && e.violations.length >= 3,
  )
  checkCard({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'ok' }] } })
})

test('key conversion is mechanical and spares content, cards and action maps', () => {
  assert.deepEqual(toSnake({ receiveIdType: 'open_id', content: { userName: 'x' } }), { receive_id_type: 'open_id', content: { userName: 'x' } })
  assert.deepEqual(toCamel({ invalid_open_ids: ['a'], i18n_text: 1, ids_2: 2 }), { invalidOpenIds: ['a'], i18nText: 1, ids_2: 2 })
  assert.deepEqual(toSnake({ appFeedCard: { buttons: { buttons: [{ actionMap: { orderId: '1' } }] } } }), {
    app_feed_card: { buttons: { buttons: [{ action_map: { orderId: '1' } }] } },
  })
})
