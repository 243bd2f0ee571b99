package io.github.larkmsg

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import java.util.UUID

/**
 * Clients sharing a Redis store (`ClientOptions(shared = SharedOptions(...))`): one token
 * fetch for all of them, and together within the quotas the fake enforces. test.sh starts
 * the Redis server (LARKMSG_TEST_REDIS_URL).
 */
class SharedStoreTest {
    private fun redisUrl(): String? {
        val url = System.getenv("LARKMSG_TEST_REDIS_URL")
        if (url.isNullOrEmpty()) {
            assertFalse(System.getenv("LARKMSG_REQUIRE_REDIS") != null, "LARKMSG_TEST_REDIS_URL is not set (test.sh starts Redis)")
            assumeTrue(false, "no Redis server: run bindings-kotlin/test.sh")
        }
        return url
    }

    @Test
    fun `clients sharing Redis fetch one token and keep to the quotas together`() {
        val url = redisUrl() ?: return
        FakeServer.start(FakeOptions(quotas = true)).use { fake ->
            val shared = SharedOptions(redisUrl = url, keyPrefix = "kt-${UUID.randomUUID()}:")
            val clients = List(3) { fake.client(ClientOptions(quotas = true, shared = shared)) }
            try {
                runBlocking {
                    (0 until 90)
                        .map { n -> async { clients[n % 3].sendText("open_id", "ou_${n % 30}", "m$n") } }
                        .awaitAll()
                }
            } finally {
                clients.forEach { it.close() }
            }
            val counters = fake.counters()
            assertEquals(90, fake.inbox().messages.size)
            assertEquals(0L, counters.throttled.values.sum(), counters.toString())
            assertEquals(1L, counters.tokenRequests.values.sum(), counters.toString())
        }
    }
}
