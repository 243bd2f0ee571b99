package io.github.larkmsg

import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.boolean
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.nio.file.Files
import java.nio.file.Path
import kotlin.io.path.extension
import kotlin.io.path.relativeTo

/**
 * Every case of tests/conformance/cases through the Kotlin API, blocking and suspending
 * (the format is in tests/conformance/README.md). A case with `skip` is reported skipped
 * with its reason.
 */
class ConformanceTest {
    private val root = casesRoot.resolve("conformance/cases")
    private val files: List<Path> =
        Files.walk(root).use { paths -> paths.filter { it.extension == "json" }.sorted().toList() }

    @Test
    fun `the suite is there`() {
        assertTrue(files.size >= 50, "only ${files.size} cases under $root")
    }

    @TestFactory
    fun blocking(): List<DynamicTest> = files.map { DynamicTest.dynamicTest(name(it)) { run(it, blocking = true) } }

    @TestFactory
    fun suspending(): List<DynamicTest> = files.map { DynamicTest.dynamicTest(name(it)) { run(it, blocking = false) } }

    private fun name(path: Path) = path.relativeTo(root).toString()

    private fun run(path: Path, blocking: Boolean) {
        val raw = read(path).jsonObject
        raw["skip"]?.let { Assumptions.abort<Unit>("skipped by the case: ${it.jsonPrimitive.content}") }
        val case = expand(raw).jsonObject
        val call = case.getValue("call").jsonPrimitive.content
        FakeServer.start(FakeOptions()).use { fake ->
            fake.client(options(case["client"]?.jsonObject)).use { client ->
                for (action in case["before"]?.jsonArray.orEmpty()) {
                    before(fake, client, action.jsonObject, blocking)
                }
                val input = case.getValue("input").toString()
                val outcome: Any =
                    try {
                        if (blocking) client.callBlocking(call, input) else runBlocking { client.call(call, input) }
                    } catch (error: LarkException) {
                        error
                    }
                check(case, fake, outcome)
            }
        }
    }

    /** The default client of the fake with the case's `client` overrides. */
    private fun options(overrides: JsonObject?): ClientOptions {
        val retry = overrides?.get("retry")?.jsonObject
        val timeouts = overrides?.get("timeouts")?.jsonObject
        val unknown = overrides?.keys.orEmpty() - setOf("retry", "timeouts")
        assertTrue(unknown.isEmpty(), "client overrides this runner does not know: $unknown")
        fun JsonObject?.long(key: String) = this?.get(key)?.jsonPrimitive?.long
        return ClientOptions(
            retry =
                RetryOptions(
                    maxAttempts = retry.long("max_attempts"),
                    initialBackoffMs = retry.long("initial_backoff_ms") ?: 10,
                    maxBackoffMs = retry.long("max_backoff_ms") ?: 50,
                    maxThrottleWaitMs = retry.long("max_throttle_wait_ms"),
                    receiverBackoffMs = retry.long("receiver_backoff_ms"),
                ),
            timeouts = TimeoutOptions(requestMs = timeouts.long("request_ms") ?: 2000, totalMs = timeouts.long("total_ms")),
        )
    }

    private fun before(fake: FakeServer, client: Client, action: JsonObject, blocking: Boolean) {
        when {
            "fault" in action -> fake.control("POST", "faults", action.getValue("fault").toString())
            "card" in action -> fake.control("POST", "cards", action.getValue("card").toString())
            "control" in action -> action.getValue("control").jsonObject.let {
                fake.control(it.text("method"), it.text("name"), it["body"]?.toString() ?: "{}")
            }
            action["revoke_tokens"]?.jsonPrimitive?.boolean == true -> fake.revokeTokens()
            action["warm_up"]?.jsonPrimitive?.boolean == true -> {
                if (blocking) {
                    client.sendTextBlocking("open_id", "ou_warm_up", "warm up")
                } else {
                    runBlocking { client.sendText("open_id", "ou_warm_up", "warm up") }
                }
                fake.reset()
            }
            else -> throw AssertionError("unknown before action $action")
        }
    }

    private fun check(case: JsonObject, fake: FakeServer, outcome: Any) {
        val expect = case.getValue("expect").jsonObject
        if ("ok" in expect) {
            assertTrue(outcome is String, "expected ok, got $outcome")
            val result = parse(outcome as String)
            assertTrue(subset(expect.getValue("ok"), result), "expected subset ${expect["ok"]}, got $result")
        } else {
            assertTrue(outcome is LarkException, "expected an error, got $outcome")
            val error = outcome as LarkException
            assertEquals(exceptionOf(error.details).javaClass, error.javaClass)
            for ((key, want) in expect.getValue("error").jsonObject) {
                if (key == "violations") {
                    val expected = want.jsonArray.map { it.jsonObject.let { v -> v.text("path") to v.text("rule") } }.toSet()
                    val actual = error.violations.map { it.path to it.rule }.toSet()
                    assertEquals(expected, actual, error.toString())
                    assertEquals(want.jsonArray.size, error.violations.size, error.toString())
                } else {
                    val got = field(error, key)
                    assertTrue(subset(want, got), "$key: expected $want, got $got ($error)")
                }
            }
        }
        val counters = fake.counters()
        case["expect_requests"]?.let {
            assertEquals(it.jsonPrimitive.long, counters.requests[case.text("call")] ?: 0L, "requests")
        }
        case["expect_token_requests"]?.let {
            assertEquals(it.jsonPrimitive.long, counters.tokenRequests.values.sum(), "token requests")
        }
        case["expect_inbox"]?.jsonObject?.let { want ->
            val inbox = fake.inbox()
            val got = mapOf(
                "messages" to inbox.messages, "batches" to inbox.batches, "cards" to inbox.cards,
                "feedCards" to inbox.feedCards, "images" to inbox.images, "files" to inbox.files,
            )
            for ((key, count) in want) {
                val name = if (key == "feed_cards") "feedCards" else key
                assertEquals(count.jsonPrimitive.int, got.getValue(name).size, "inbox $key")
            }
        }
        case["expect_card"]?.jsonObject?.let { want ->
            val card = fake.card(want.text("card_id"))?.let(::parse)
            assertTrue(subset(want, card), "card: expected subset $want, got $card")
        }
    }

    /** A field of the error as a case names it, read through the exception's properties. */
    private fun field(error: LarkException, key: String): JsonElement =
        when (key) {
            "kind" -> JsonPrimitive(error.kind)
            "code" -> error.code?.let(::JsonPrimitive) ?: JsonNull
            "http_status" -> error.httpStatus?.let(::JsonPrimitive) ?: JsonNull
            "maybe_sent" -> JsonPrimitive(error.maybeSent)
            "retry_after_ms" -> error.retryAfter?.toMillis()?.let(::JsonPrimitive) ?: JsonNull
            else -> throw AssertionError("a case expects $key, which this runner does not know")
        }

    private fun JsonObject.text(key: String) = getValue(key).jsonPrimitive.content
}
