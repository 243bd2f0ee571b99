package io.github.larkmsg

import com.sun.net.httpserver.HttpServer
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonObject
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import java.net.InetSocketAddress

/** A typed result keeps the fields of the platform's answer that this version does not model. */
class AnswerTest {
    private val answers = mutableListOf<String>()
    private val server =
        HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
            createContext("/") { exchange ->
                val body =
                    if (exchange.requestURI.path.startsWith("/open-apis/auth/")) {
                        """{"code":0,"msg":"ok","tenant_access_token":"t-answer","expire":7200}"""
                    } else {
                        answers.removeFirst()
                    }
                val bytes = body.toByteArray()
                exchange.responseHeaders.add("content-type", "application/json")
                exchange.sendResponseHeaders(200, bytes.size.toLong())
                exchange.responseBody.use { it.write(bytes) }
            }
            start()
        }
    private val client =
        Client("cli_answer", "answer-secret", ClientOptions(baseUrl = "http://127.0.0.1:${server.address.port}", quotas = false))

    @AfterEach
    fun stop() {
        client.close()
        server.stop(0)
    }

    private fun send() = client.sendTextBlocking("open_id", "ou_1", "hi")

    @Test
    fun `a platform addition to the answer stays on the typed result`() {
        answers += """{"code":0,"msg":"success","data":{"message_id":"om_1","chat_id":"oc_1","new_field":{"a":1},"gone":null}}"""
        val message = send()
        assertEquals("om_1", message.messageId)
        assertEquals("oc_1", message.chatId)
        val unmodeled = Json.parseToJsonElement(message.unmodeledFields!!).jsonObject
        assertEquals(setOf("new_field"), unmodeled.keys, unmodeled.toString())
        assertEquals(JsonPrimitive(1), unmodeled["new_field"]!!.jsonObject["a"])
    }

    @Test
    fun `an answer of modeled fields alone leaves nothing unmodeled`() {
        answers += """{"code":0,"msg":"success","data":{"message_id":"om_2","msg_type":"text"}}"""
        assertNull(send().unmodeledFields)
    }
}
