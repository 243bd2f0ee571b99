package io.github.larkmsg

import kotlinx.coroutines.runBlocking
import kotlin.system.exitProcess

/**
 * The child process of [SecretsTest]: logging at its most verbose, then successes and every
 * error kind through the blocking and suspending API, printing every form of every outcome.
 *
 * Arguments: the fake's URL, the first app ticket of [STORE_ID].
 */
object SecretsScenario {
    const val APP_ID = "cli_secrets_kt"
    const val APP_SECRET = "SeCrEt-kt-5d0c2a91"
    const val STORE_ID = "cli_secrets_kt_store"
    const val STORE_SECRET = "StOrE-SeCrEt-kt-7e41b3"
    const val BAD_TICKET = "BaD-TiCkEt-kt-90ab17"

    private fun quick(url: String) =
        ClientOptions(
            baseUrl = url,
            quotas = false,
            retry = RetryOptions(maxAttempts = 1, maxThrottleWaitMs = 0),
            timeouts = TimeoutOptions(requestMs = 500),
        )

    private fun show(label: String, outcome: Any?) {
        println("$label toString=$outcome")
        if (outcome is LarkException) {
            println("$label kind=${outcome.kind} logId=${outcome.logId} details=${outcome.details}")
            println("$label message=${outcome.message}")
            outcome.printStackTrace(System.out)
        }
    }

    private fun attempt(label: String, run: () -> Any?) {
        try {
            show(label, run())
        } catch (error: LarkException) {
            show(label, error)
        }
    }

    @JvmStatic
    fun main(args: Array<String>) {
        val (url, ticket) = args
        Larkmsg.enableLogging("trace,hyper=trace,hyper_util=trace,h2=trace,reqwest=trace,rustls=trace")
        val fake = FakeControl(url)
        Client(APP_ID, APP_SECRET, quick(url)).use { client ->
            show("client", client)
            attempt("ok") { client.sendTextBlocking("open_id", "ou_1", "hi") }
            attempt("invalid") {
                client.sendMessageBlocking(SendMessageRequest(receiveIdType = "open_id", receiveId = "ou_1", msgType = "text", content = "{}"))
            }
            attempt("api") { client.sendTextBlocking("open_id", "ou_unknown_1", "hi") }
            for (kind in listOf("permission_denied", "rate_limit", "malformed", "drop_before_read", "status_5xx", "slow")) {
                fake.fault(kind)
                attempt(kind) { client.sendTextBlocking("open_id", "ou_1", "hi") }
            }
            val token = fake.firstToken()
            Client.withTenantAccessToken(token, quick(url)).use { tokenClient ->
                show("token client", tokenClient)
                attempt("token ok") { tokenClient.sendTextBlocking("open_id", "ou_1", "hi") }
                fake.fault("revoke_tokens")
                attempt("token revoked") { tokenClient.sendTextBlocking("open_id", "ou_1", "hi") }
            }
            attempt("after revocation") { client.sendTextBlocking("open_id", "ou_1", "hi") }
            attempt("ticket for a self-built app") { client.setAppTicket(BAD_TICKET) }
            runBlocking {
                attempt("async ok") { runBlocking { client.sendText("open_id", "ou_1", "hi") } }
                fake.fault("permission_denied")
                attempt("async permission") { runBlocking { client.sendText("open_id", "ou_1", "hi") } }
            }
        }
        Client.storeApp(STORE_ID, STORE_SECRET, "fake_tenant", ticket, quick(url)).use { store ->
            show("store client", store)
            attempt("store ok") { store.sendTextBlocking("open_id", "ou_1", "hi") }
        }
        Client.storeApp(STORE_ID, STORE_SECRET, "fake_tenant", BAD_TICKET, quick(url)).use { wrong ->
            attempt("store wrong ticket") { wrong.sendTextBlocking("open_id", "ou_1", "hi") }
        }
        attempt("empty app id") { Client("", APP_SECRET, ClientOptions(baseUrl = url)) }
        attempt("unknown domain") { Client(APP_ID, APP_SECRET, ClientOptions(domain = "mars")) }
        attempt("secret in the wrong option") { Client.fromOptionsJson("""{"app_id": "$APP_ID", "app_secret": "s", "domain": "$APP_SECRET"}""") }
        attempt("panic") {
            Client.fromOptionsJson(
                """{"app_id": "$APP_ID", "app_secret": "$APP_SECRET", "base_url": "$url", "_panic_in_calls_for_tests": true}""",
            ).use { it.sendTextBlocking("open_id", "ou_1", "hi") }
        }
        attempt("bad directive") { Larkmsg.enableLogging("larkmsg=loud") }
        exitProcess(0)
    }
}

/** The fake's HTTP controls, as another process drives them. */
private class FakeControl(private val url: String) {
    private val http = java.net.http.HttpClient.newHttpClient()

    fun post(name: String, body: String) = send(name, "POST", body)

    fun fault(kind: String) = post("faults", """{"kind": "$kind", "endpoint": "send_message", "delay_ms": 1500}""")

    fun firstToken(): String = Regex("\"(t-[^\"]+)\"").find(send("tokens", "GET", null))!!.groupValues[1]

    private fun send(name: String, method: String, body: String?): String {
        val publisher =
            body?.let { java.net.http.HttpRequest.BodyPublishers.ofString(it) } ?: java.net.http.HttpRequest.BodyPublishers.noBody()
        val request =
            java.net.http.HttpRequest.newBuilder(java.net.URI.create("$url/_fake/$name"))
                .method(method, publisher)
                .header("Content-Type", "application/json")
                .build()
        return http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body()
    }
}
