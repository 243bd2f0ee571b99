package io.github.larkmsg

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.boolean
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.Collections

/**
 * The card stream through the Kotlin API, suspending and blocking, against the fake with
 * the platform's quotas on. The 2,000-token answer is appended in about 2 s (the core's own
 * test streams it at 200 tokens per second on a paused clock); what matters is what the
 * fake saw: the exact text, no refused operation, at most 10 operations on the card in any
 * second, strictly increasing sequences.
 */
class StreamTest {
    private val fake = FakeServer.start(FakeOptions(quotas = true))
    private val client = fake.client(ClientOptions(quotas = true))

    @AfterEach
    fun stop() {
        client.close()
        fake.close()
    }

    private fun token(n: Int) = listOf("流式", " word$n", " $n.", "\n")[n % 4]

    private fun card(cardId: String): JsonObject = parse(fake.card(cardId) ?: error("no card $cardId in the fake")).jsonObject

    private fun answer(card: JsonObject) = card.getValue("texts").jsonObject.getValue("answer").jsonPrimitive.content

    private fun streaming(card: JsonObject) = card.getValue("streaming_mode").jsonPrimitive.boolean

    private fun operations(card: JsonObject) = card.getValue("operations").jsonArray.map { it.jsonObject }

    private fun codes(card: JsonObject) = operations(card).map { it.getValue("code").jsonPrimitive.long }

    private fun options(receiveId: String) = StreamCardOptions(receiveIdType = "open_id", receiveId = receiveId)

    private fun waitUntil(what: String, done: () -> Boolean) {
        val deadline = System.nanoTime() + 30_000_000_000
        while (!done()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for $what")
            Thread.sleep(20)
        }
    }

    @Test
    fun `a 2,000-token answer lands exactly within the card rate, streaming mode off`() =
        runBlocking {
            val header = """{"header": {"title": "AI"}}"""
            val stream = client.streamCard(options("ou_stream").copy(card = header))
            val answer = StringBuilder()
            val started = System.nanoTime()
            for (n in 0 until 2000) {
                answer.append(token(n))
                stream.append(token(n))
                if (n % 20 == 19) delay(maxOf(0, (n + 1) - (System.nanoTime() - started) / 1_000_000))
            }
            val summary = stream.finish()
            val card = card(stream.cardId)
            assertEquals(answer.toString(), answer(card))
            assertFalse(streaming(card))
            assertTrue(card.getValue("summary").jsonPrimitive.content.isNotEmpty(), card.toString())
            assertEquals(setOf(0L), codes(card).toSet())
            assertTrue(fake.counters().throttled.isEmpty(), fake.counters().toString())
            assertTrue(card.getValue("max_operations_per_second").jsonPrimitive.int <= 10, card.toString())
            val sequences = operations(card).map { it.getValue("sequence").jsonPrimitive.long }
            assertEquals(sequences.sorted().distinct(), sequences)
            assertEquals(card.getValue("sequence").jsonPrimitive.long, summary.sequence)
            assertEquals(answer.codePointCount(0, answer.length).toLong(), summary.textChars)
            assertTrue(summary.pushes in 2 until 2000, summary.toString())
            assertEquals(stream.messageId, summary.messageId)
            assertEquals(stream.cardId, parse(fake.inbox().messages.single()).jsonObject.getValue("card_id").jsonPrimitive.content)
        }

    @Test
    fun `the blocking forms stream and finish with the summary given`() {
        val stream = client.streamCardBlocking(options("ou_sync").copy(text = "…"))
        for (piece in listOf("Hello", ", ", "world")) stream.append(piece)
        assertEquals("Hello, world", stream.text)
        val summary = stream.finishBlocking(summary = "done")
        val card = card(stream.cardId)
        assertEquals("Hello, world", answer(card))
        assertEquals("done", card.getValue("summary").jsonPrimitive.content)
        assertFalse(streaming(card))
        assertEquals(summary, stream.finishBlocking(), "a second finish gives the same outcome")
        val late = assertThrows<InvalidArgumentException> { stream.append("!") }
        assertTrue(late.message!!.contains("finished"), late.message)
    }

    @Test
    fun `finish after the auto-close turns streaming mode on again`() {
        val stream = client.streamCardBlocking(options("ou_late"))
        stream.append("before")
        waitUntil("the first push") { answer(card(stream.cardId)) == "before" }
        fake.advanceClockSeconds(11.0 * 60)
        stream.append(" and after")
        val summary = stream.finishBlocking()
        val card = card(stream.cardId)
        assertEquals("before and after", answer(card))
        assertEquals(1L, summary.reopened)
        assertTrue(200850L in codes(card), codes(card).toString())
        assertFalse(streaming(card))
    }

    @Test
    fun `a sequence moved by another writer is overtaken`() {
        val stream = client.streamCardBlocking(options("ou_other"))
        stream.append("one")
        waitUntil("the first push") { answer(card(stream.cardId)) == "one" }
        val settings = """{"config": {"summary": {"content": "x"}}}"""
        client.updateCardSettingsBlocking(UpdateCardSettingsRequest(cardId = stream.cardId, settings = settings, sequence = 40))
        stream.append(" two")
        val summary = stream.finishBlocking()
        val card = card(stream.cardId)
        assertEquals("one two", answer(card))
        assertTrue(summary.sequenceConflicts >= 1 && summary.sequence > 40, summary.toString())
        assertTrue(300317L in codes(card), codes(card).toString())
    }

    @Test
    fun `a stream closed mid-way by a cancelled coroutine is finished in the background with the text so far`() =
        runBlocking {
            val appended = Collections.synchronizedList(mutableListOf<String>())
            val started = CompletableDeferred<CardStream>()
            val job =
                launch(Dispatchers.Default) {
                    client.streamCard(options("ou_cancel")).use { stream ->
                        started.complete(stream)
                        for (n in 0 until 10_000) {
                            stream.append(token(n))
                            appended.add(token(n))
                            delay(5)
                        }
                        stream.finish()
                    }
                }
            val stream = started.await()
            while (appended.size < 50) delay(10)
            job.cancel(CancellationException("the answer is abandoned"))
            job.join()
            waitUntil("the background finish") { !streaming(card(stream.cardId)) }
            assertEquals(appended.joinToString(""), answer(card(stream.cardId)))
            assertEquals(setOf(0L), codes(card(stream.cardId)).toSet())
            assertThrows<InvalidArgumentException> { stream.append("late") }
            Unit
        }

    @Test
    fun `bad options are refused before anything is sent`() {
        val bad = assertThrows<InvalidArgumentException> { client.streamCardBlocking(options("ou_1").copy(elementId = "1x", rateShare = 2.0)) }
        assertEquals(setOf("element_id", "rate_share"), bad.violations.map { it.path }.toSet(), bad.toString())
        assertFalse(bad.maybeSent)
        val nowhere = assertThrows<InvalidArgumentException> { runBlocking { client.streamCard(StreamCardOptions(text = "hi")) } }
        assertEquals(listOf("receive_id"), nowhere.violations.map { it.path })
        val button = """{"elements": [{"button": {"text": "b", "element_id": "answer"}}]}"""
        val notText = assertThrows<InvalidArgumentException> { client.streamCardBlocking(StreamCardOptions(replyTo = "om_1", card = button)) }
        assertEquals(listOf("card.element_id"), notText.violations.map { it.path })
        val negative = assertThrows<InvalidArgumentException> { client.streamCardBlocking(options("ou_1").copy(finishTimeoutMs = -1)) }
        assertTrue(negative.violations.any { it.path == "finish_timeout_ms" }, negative.toString())
        assertEquals(0L, fake.requests("create_card"))
        assertEquals(0L, fake.requests("send_message"))
    }

    @Test
    fun `a final text that cannot land is a timeout saying so`() {
        val stream = client.streamCardBlocking(options("ou_down").copy(finishTimeoutMs = 300))
        // The fault comes first: a push that landed before it would leave finish nothing to put.
        fake.injectFault("status_5xx", "update_card_element_content", 10_000, null)
        stream.append("lost")
        val error = assertThrows<TimeoutException> { stream.finishBlocking() }
        assertEquals("timeout", error.kind)
        assertTrue(error.message!!.contains("final text"), error.message)
    }
}
