// The Kotlin column of the benchmark suite: `java -cp … DriverKt '<params JSON>'`.
//
// Construct mode times, from the start of main, loading the library (JNA and the native
// library) and building a `Client`; send mode runs `concurrency` coroutines on one client,
// each taking the next index from a shared counter and awaiting `sendText`; campaign mode
// makes one `sendCampaign` call to every receiver. The last line of stdout is the result as
// JSON (see bench/README.md).

import io.github.larkmsg.CampaignRequest
import io.github.larkmsg.Client
import io.github.larkmsg.ClientOptions
import io.github.larkmsg.LarkException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.boolean
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.double
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonObject
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong
import kotlin.math.ceil
import kotlin.system.exitProcess

fun main(args: Array<String>) {
    val started = System.nanoTime()
    val params = Json.parseToJsonElement(args.single()).jsonObject
    fun text(key: String) = params.getValue(key).jsonPrimitive.content
    val pacing = params["pacing"]?.jsonPrimitive?.boolean ?: false
    val client = Client(text("app_id"), text("app_secret"), ClientOptions(baseUrl = text("base_url"), quotas = pacing))
    val result =
        if (text("mode") == "construct") {
            buildJsonObject { put("construct_ms", (System.nanoTime() - started) / 1e6) }
        } else if (text("mode") == "campaign") {
            campaign(
                client,
                campaignId = text("campaign_id"),
                concurrency = maxOf(1, params["concurrency"]?.jsonPrimitive?.int ?: 1),
                receivers = params.getValue("receivers").jsonArray.map { it.jsonPrimitive.content },
            )
        } else {
            send(
                client,
                count = params.getValue("count").jsonPrimitive.int,
                concurrency = maxOf(1, params["concurrency"]?.jsonPrimitive?.int ?: 1),
                receivers = params.getValue("receivers").jsonArray.map { it.jsonPrimitive.content },
                maxSeconds = params["max_seconds"]?.jsonPrimitive?.double ?: 120.0,
            )
        }
    println(result)
    client.close()
    exitProcess(0)
}

// One campaign to every receiver, reported as a send run (no latencies).
private fun campaign(client: Client, campaignId: String, concurrency: Int, receivers: List<String>) =
    runBlocking(Dispatchers.Default) {
        val request =
            CampaignRequest(
                campaignId = campaignId,
                receiveIdType = "open_id",
                receiveIds = receivers,
                msgType = "text",
                content = """{"text": "bench campaign"}""",
                concurrency = concurrency.toLong(),
            )
        val started = System.nanoTime()
        val report = client.sendCampaign(request)
        val elapsed = (System.nanoTime() - started) / 1e9
        val errors = mutableMapOf<String, Long>()
        for (failure in report.failed) {
            val error = Json.parseToJsonElement(failure.error).jsonObject
            val kind = error["kind"]?.jsonPrimitive?.content ?: "?"
            val label = error["code"]?.takeIf { it !is JsonNull }?.jsonPrimitive?.content?.let { "$kind:$it" } ?: kind
            errors[label] = (errors[label] ?: 0) + 1
        }
        if (report.pending.isNotEmpty()) errors["pending"] = report.pending.size.toLong()
        val failed = errors.values.sum()
        buildJsonObject {
            put("attempted", report.sent.size + failed)
            put("succeeded", report.sent.size)
            put("failed", failed)
            putJsonObject("errors") { errors.forEach { (label, n) -> put(label, n) } }
            put("elapsed_s", elapsed)
            putJsonObject("latency_ms") {
                put("p50", JsonPrimitive(null as Double?))
                put("p99", JsonPrimitive(null as Double?))
                put("max", JsonPrimitive(null as Double?))
            }
            put("truncated", report.sent.size + failed < receivers.size)
        }
    }

private fun send(client: Client, count: Int, concurrency: Int, receivers: List<String>, maxSeconds: Double) =
    runBlocking(Dispatchers.Default) {
        val next = AtomicInteger(0)
        val latencies = LongArray(count)
        val done = AtomicInteger(0)
        val errors = ConcurrentHashMap<String, AtomicLong>()
        val started = System.nanoTime()
        val stopAt = started + (maxSeconds * 1e9).toLong()
        val senders =
            (0 until concurrency).map {
                launch {
                    while (true) {
                        val i = next.getAndIncrement()
                        if (i >= count || receivers.isEmpty() || System.nanoTime() >= stopAt) break
                        val call = System.nanoTime()
                        try {
                            client.sendText("open_id", receivers[i % receivers.size], "bench $i")
                        } catch (error: LarkException) {
                            val label = error.code?.let { "${error.kind}:$it" } ?: error.kind
                            errors.computeIfAbsent(label) { AtomicLong() }.incrementAndGet()
                        }
                        latencies[done.getAndIncrement()] = System.nanoTime() - call
                    }
                }
            }
        senders.forEach { it.join() }
        val elapsed = (System.nanoTime() - started) / 1e9
        val attempted = done.get()
        val sorted = latencies.copyOf(attempted).sorted()
        fun rank(percent: Double) = sorted.getOrNull(maxOf(1, ceil(percent / 100 * sorted.size).toInt()) - 1)?.let { it / 1e6 }
        val failed = errors.values.sumOf { it.get() }
        buildJsonObject {
            put("attempted", attempted)
            put("succeeded", attempted - failed)
            put("failed", failed)
            putJsonObject("errors") { errors.forEach { (label, n) -> put(label, n.get()) } }
            put("elapsed_s", elapsed)
            putJsonObject("latency_ms") {
                put("p50", JsonPrimitive(rank(50.0)))
                put("p99", JsonPrimitive(rank(99.0)))
                put("max", JsonPrimitive(sorted.lastOrNull()?.let { it / 1e6 }))
            }
            put("truncated", attempted < count)
        }
    }
