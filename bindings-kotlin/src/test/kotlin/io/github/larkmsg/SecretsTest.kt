package io.github.larkmsg

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * No secret in any output: a child JVM logs at its most verbose and produces successes and
 * every error kind ([SecretsScenario]); its stdout and stderr hold neither the app secrets,
 * nor the app tickets, nor any token the fake issued.
 */
class SecretsTest {
    private val kinds =
        listOf("invalid_argument", "auth", "permission", "rate_limited", "api", "timeout", "network", "decode", "config", "internal")

    @Test
    fun `no secret in any output at the most verbose level`() {
        FakeServer.start(FakeOptions()).use { fake ->
            fake.registerApp(SecretsScenario.APP_ID, SecretsScenario.APP_SECRET, false)
            fake.registerApp(SecretsScenario.STORE_ID, SecretsScenario.STORE_SECRET, true)
            val firstTicket = fake.appTicket(SecretsScenario.STORE_ID)!!
            val java = Path.of(System.getProperty("java.home"), "bin", "java").toString()
            val child =
                ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SecretsScenario::class.java.name, fake.url(), firstTicket)
                    .redirectErrorStream(true)
                    .apply { environment().remove("LARKMSG_LOG") }
                    .start()
            val output = child.inputStream.bufferedReader().readText()
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the scenario did not finish")
            assertEquals(0, child.exitValue(), output)
            val tokens = fake.issuedTokens()
            val secrets =
                listOf(SecretsScenario.APP_SECRET, SecretsScenario.STORE_SECRET, SecretsScenario.BAD_TICKET, firstTicket) +
                    listOfNotNull(fake.appTicket(SecretsScenario.STORE_ID)) + tokens
            assertTrue(tokens.size >= 4, tokens.toString())
            val leaked = secrets.filter { it in output }
            assertTrue(leaked.isEmpty(), "secrets in the output: $leaked")

            // The capture works: the core's trace lines and every kind are there.
            for (expected in listOf(
                "TRACE",
                "larkmsg.call{endpoint=\"send_message\"",
                "call succeeded",
                "call failed",
                "fetched a new tenant access token",
                "token rejected; fetching a new one",
                "client toString=Client(appId=cli_secrets_kt",
                "at io.github.larkmsg.",
            )) {
                assertTrue(expected in output, "the output lacks $expected")
            }
            for (kind in kinds) {
                assertTrue("kind=$kind " in output, "no $kind error was printed")
            }
        }
    }
}
