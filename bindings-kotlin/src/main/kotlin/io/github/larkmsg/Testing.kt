@file:JvmName("Testing")

package io.github.larkmsg

/**
 * A client of the fake's default app that sends to this fake, for tests of your own code:
 * [options] with this fake's URL as `baseUrl` and, where [options] leaves them unset, no
 * client-side quotas, quick backoffs (10 ms, at most 50 ms) and a 2 s request timeout.
 *
 * ```kotlin
 * FakeServer.start(FakeOptions()).use { fake ->
 *     fake.client().use { client -> client.sendText("open_id", "ou_1", "hi") }
 *     check(fake.inbox().messages.size == 1)
 * }
 * ```
 */
@JvmOverloads
fun FakeServer.client(options: ClientOptions = ClientOptions()): Client =
    Client(
        defaultAppId(),
        defaultAppSecret(),
        options.copy(
            baseUrl = url(),
            quotas = options.quotas ?: false,
            retry = options.retry ?: RetryOptions(initialBackoffMs = 10, maxBackoffMs = 50),
            timeouts = options.timeouts ?: TimeoutOptions(requestMs = 2000),
        ),
    )

/** Starts a fake Feishu server on 127.0.0.1 (for Java: `Testing.startFake()`). */
@JvmOverloads
fun startFake(options: FakeOptions = FakeOptions()): FakeServer = FakeServer.start(options)
