'use strict'
// Content and card builders: the platform's JSON, checked and serialized by the core.
const test = require('node:test')
const assert = require('node:assert/strict')
const { Client, Card, InvalidArgumentError, checkCard, content, elements, post, toCamel, toSnake } = require('larkmsg')
const { FakeServer } = require('larkmsg/testing')

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
