package io.github.larkmsg

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The typed API against the bundled fake: every operation, errors, concurrency, the fake itself. */
class ClientTest {
    private val fake = FakeServer.start(FakeOptions())
    private val client = fake.client()

    @AfterEach
    fun stop() {
        client.close()
        fake.close()
    }

    private fun text(value: String) = (Larkmsg.buildContent("""{"text": "$value"}""") as BuiltContent.Message)

    @Test
    fun `every operation runs typed, suspending and blocking`() =
        runBlocking {
            val hello = text("hello")
            val sent =
                client.sendMessage(
                    SendMessageRequest(receiveIdType = "open_id", receiveId = "ou_1", msgType = hello.msgType, content = hello.content),
                )
            assertTrue(sent.messageId.startsWith("om_"), sent.toString())
            assertEquals("text", sent.msgType)
            val reply =
                client.replyMessageBlocking(
                    ReplyMessageRequest(messageId = sent.messageId, msgType = hello.msgType, content = hello.content),
                )
            assertEquals(sent.messageId, reply.parentId)
            val batch =
                client.batchSend(
                    BatchSendRequest(msgType = "text", content = """{"text": "hi all"}""", openIds = listOf("ou_1", "ou_unknown_2")),
                )
            assertEquals(listOf("ou_unknown_2"), batch.invalidOpenIds)
            val card = """{"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "**hi**"}]}}"""
            val entity = client.createCardBlocking(CreateCardRequest(type = "card_json", data = card))
            assertTrue(entity.cardId.isNotEmpty())
            val feed =
                client.createAppFeedCard(
                    CreateAppFeedCardRequest(
                        appFeedCard = AppFeedCard(title = "标题", link = AppFeedLink(link = "https://www.feishu.cn/")),
                        userIds = listOf("ou_1", "ou_unknown_1"),
                    ),
                )
            assertEquals(listOf("ou_unknown_1"), feed.failedCards.map { it.userId })
            val inbox = fake.inbox()
            assertEquals(listOf(2, 1, 1, 1), listOf(inbox.messages.size, inbox.batches.size, inbox.cards.size, inbox.feedCards.size))
        }

    @Test
    fun `a broken rule fails before sending, with every violation`() {
        val error =
            assertThrows<InvalidArgumentException> {
                client.createAppFeedCardBlocking(
                    CreateAppFeedCardRequest(appFeedCard = AppFeedCard(title = "x".repeat(61)), userIds = emptyList()),
                )
            }
        assertEquals("invalid_argument", error.kind)
        assertFalse(error.maybeSent)
        val paths = error.violations.map { it.path }.toSet()
        assertTrue("app_feed_card.title" in paths && "user_ids" in paths, error.violations.toString())
        assertTrue(error.message!!.contains("app_feed_card.title"), error.message)
        assertEquals(0L, fake.requests("create_app_feed_card"))
    }

    @Test
    fun `sendText and the call by name break the same rules the same way`() {
        val uuid = "u".repeat(51)
        val typed = assertThrows<InvalidArgumentException> { client.sendTextBlocking("fax_id", "", "hi", uuid) }
        val request = """{"receive_id_type":"fax_id","receive_id":"","msg_type":"text","content":"{\"text\":\"hi\"}","uuid":"$uuid"}"""
        val byName = assertThrows<InvalidArgumentException> { client.callBlocking("send_message", request) }
        val typedRules = typed.violations.map { it.path to it.rule }.toSet()
        assertEquals(byName.violations.map { it.path to it.rule }.toSet(), typedRules)
        assertTrue(setOf("receive_id_type", "receive_id", "uuid").all { path -> typedRules.any { it.first == path } }, typedRules.toString())
        assertEquals(0L, fake.requests("send_message"))
        val sent = client.sendTextBlocking("open_id", "ou_1", "引号 \" 与 \\")
        assertEquals("""{"text":"引号 \" 与 \\"}""", sent.body?.content)
    }

    @Test
    fun `errors are a sealed hierarchy with the core's details`() =
        runBlocking {
            fake.injectFault("rate_limit", "send_message", 5, null)
            val quick = fake.client(ClientOptions(retry = RetryOptions(maxAttempts = 1)))
            val throttled = assertThrows<RateLimitedException> { quick.sendTextBlocking("open_id", "ou_1", "hi") }
            val asApi: ApiException = throttled
            assertEquals(429, asApi.httpStatus)
            assertNotNull(throttled.code)
            assertNotNull(throttled.logId)
            quick.close()
            Client.withTenantAccessToken("t-not-issued", ClientOptions(baseUrl = fake.url())).use { bogus ->
                val auth = assertThrows<AuthException> { runBlocking { bogus.sendText("open_id", "ou_1", "hi") } }
                assertTrue(auth is ApiException && !auth.maybeSent, auth.toString())
            }
            val described: String =
                when (val error: LarkException = throttled) {
                    is InvalidArgumentException -> "invalid"
                    is ApiException -> "api ${error.kind}"
                    is TimeoutException, is NetworkException, is DecodeException -> "transport"
                    is ConfigException, is TlsException, is LarkInternalException -> "other"
                }
            assertEquals("api rate_limited", described)
        }

    @Test
    fun `a result that does not decode is a decode error that may have been sent`() {
        fake.injectFault("malformed", "send_message", 1, null)
        fake.client(ClientOptions(retry = RetryOptions(maxAttempts = 1))).use { once ->
            val error = assertThrows<DecodeException> { once.sendTextBlocking("open_id", "ou_1", "hi") }
            assertTrue(error.maybeSent, error.toString())
        }
    }

    @Test
    fun `a send whose answer was lost is resent once with its uuid`() {
        fake.injectFault("drop_after_read", "send_message", 1, null)
        fake.client(ClientOptions(retry = RetryOptions(maxAttempts = 1))).use { once ->
            val error = assertThrows<NetworkException> { once.sendTextBlocking("open_id", "ou_1", "once") }
            assertTrue(error.maybeSent, error.toString())
            val uuid = error.uuid
            assertNotNull(uuid)
            val resent = once.resendBlocking(error)
            assertTrue(resent.contains(uuid!!), resent)
            val messages = fake.inbox().messages
            assertEquals(1, messages.size)
            assertThrows<InvalidArgumentException> {
                once.resendBlocking(assertThrows<InvalidArgumentException> { once.sendTextBlocking("open_id", "", "x") })
            }
        }
    }

    @Test
    fun `1000 coroutines share one client and one token`() =
        runBlocking(Dispatchers.Default) {
            // A roomy timeout: 1000 calls in flight on a debug build on a busy machine.
            val patient = fake.client(ClientOptions(timeouts = TimeoutOptions(requestMs = 60_000)))
            val messages = (0 until 1000).map { i -> async { patient.sendText("open_id", "ou_${i % 10}", "n $i") } }.awaitAll()
            patient.close()
            assertEquals(1000, messages.map { it.messageId }.toSet().size)
            assertEquals(1000, fake.inbox().messages.size)
            assertEquals(1L, fake.tokenRequests())
        }

    @Test
    fun `a cancelled coroutine ends its call and the client goes on`() =
        runBlocking {
            fake.setLatencyMs(5000)
            val started = System.nanoTime()
            val job = launch { client.sendText("open_id", "ou_1", "slow") }
            delay(200)
            job.cancel()
            withTimeout(2000) { job.join() }
            assertTrue(System.nanoTime() - started < 3_000_000_000L, "the cancellation waited for the call")
            fake.setLatencyMs(0)
            assertTrue(client.sendText("open_id", "ou_1", "after").messageId.startsWith("om_"))
        }

    @Test
    fun `a panic inside a call is an internal error, suspending and blocking`() {
        val options = """{"app_id": "${fake.defaultAppId()}", "app_secret": "${fake.defaultAppSecret()}",
            "base_url": "${fake.url()}", "_panic_in_calls_for_tests": true}"""
        Client.fromOptionsJson(options).use { panicking ->
            val blocking = assertThrows<LarkInternalException> { panicking.sendTextBlocking("open_id", "ou_1", "hi") }
            assertTrue(blocking.maybeSent && blocking.message!!.contains("panic"), blocking.toString())
            val suspending = assertThrows<LarkInternalException> { runBlocking { panicking.sendText("open_id", "ou_1", "hi") } }
            assertEquals("internal", suspending.kind)
        }
    }

    @Test
    fun `a closed client refuses calls with a config error`() {
        val closed = fake.client()
        closed.close()
        assertThrows<ConfigException> { closed.sendTextBlocking("open_id", "ou_1", "hi") }
        assertThrows<ConfigException> { runBlocking { closed.call("send_message", "{}") } }
    }

    @Test
    fun `the JSON call names unknown calls and bad JSON`() {
        val unknown = assertThrows<InvalidArgumentException> { client.callBlocking("send_nothing", "{}") }
        assertTrue(unknown.message!!.contains("send_message"), unknown.message)
        assertThrows<InvalidArgumentException> { client.callBlocking("send_message", "{not json") }
    }

    @Test
    fun `bad options are errors that name the option and show no secret`() {
        val error =
            assertThrows<InvalidArgumentException> {
                Client.fromOptionsJson("""{"app_id": "cli_1", "app_secret": "SeCrEt-kt", "timeouts": {"request_ms": -1}}""")
            }
        assertTrue(error.violations.any { it.path.startsWith("timeouts") }, error.toString())
        assertFalse(error.toString().contains("SeCrEt-kt"))
        assertThrows<ConfigException> { Client("cli_1", "s", ClientOptions(domain = "mars")) }
        val shown = Client("cli_shown", "SeCrEt-kt", ClientOptions(baseUrl = fake.url())).use { it.toString() }
        assertEquals("Client(appId=cli_shown, baseUrl=${fake.url()})", shown)
    }

    @Test
    fun `the fake serves users' tests with faults, counters and apps`() {
        fake.injectFault("status_5xx", "send_message", 1, null)
        val message = client.sendBlocking("open_id", "ou_1", text("retried"))
        assertEquals(2L, fake.requests("send_message"))
        assertEquals(message.messageId, parse(fake.inbox().messages.single()).jsonObject["message_id"]!!.jsonPrimitive.content)
        fake.registerApp("cli_mine", "mine-secret", false)
        Client("cli_mine", "mine-secret", ClientOptions(baseUrl = fake.url())).use { mine ->
            mine.sendTextBlocking("chat_id", "oc_1", "from my app")
        }
        assertTrue(fake.issuedTokens().size >= 2)
        val refused = assertThrows<FakeException.Control> { fake.control("POST", "faults", """{"kind": "nope"}""") }
        assertEquals(400, refused.status)
        fake.stop()
        assertThrows<FakeException.Control> { fake.inbox() }
    }

    @Test
    fun `every shared builder case builds exactly`() {
        val cases = read(casesRoot.resolve("builders/cases.json")).jsonObject.getValue("cases")
        for (case in (cases as kotlinx.serialization.json.JsonArray).map { it.jsonObject }) {
            val built = Larkmsg.buildContent(case.getValue("spec").toString())
            val want = case.getValue("built").jsonObject
            when (built) {
                is BuiltContent.Message -> {
                    assertEquals(want.getValue("msg_type").jsonPrimitive.content, built.msgType, case.toString())
                    assertEquals(want.getValue("content").jsonPrimitive.content, built.content, case.toString())
                }
                is BuiltContent.Element -> assertEquals(want.getValue("element"), parse(built.json), case.toString())
            }
        }
        val typo =
            assertThrows<InvalidArgumentException> {
                Larkmsg.buildContent("""{"card": {"elements": [{"button": {"text": "OK", "colour": "red"}}]}}""")
            }
        assertEquals(listOf("card.elements[0].button.colour"), typo.violations.map { it.path })
    }
}
