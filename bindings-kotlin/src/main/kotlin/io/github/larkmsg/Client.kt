package io.github.larkmsg

/**
 * A Feishu / Lark client: every operation of the registry ([Operations]) and the card
 * stream ([streamCard]) as a suspending method for coroutines and a blocking `…Blocking`
 * method for Java and plain threads.
 *
 * Every call validates its request in the core before anything is sent, authenticates
 * (one token fetch serves all concurrent callers), paces itself to the documented quotas
 * and retries only when that cannot send twice. One client serves any number of threads
 * and coroutines; [close] it when done (later calls fail with a [ConfigException]).
 *
 * ```kotlin
 * Client("cli_xxx", "secret").use { client ->
 *     val message = client.sendText("open_id", "ou_xxx", "Hello")
 *     println(message.messageId)
 * }
 * ```
 */
class Client private constructor(
    private val handle: NativeClient,
    private val shown: String,
) : Operations(), AutoCloseable {
    /** A client of a self-built app, authenticated by its [appId] and [appSecret]. */
    @JvmOverloads
    @Throws(LarkException::class)
    constructor(appId: String, appSecret: String, options: ClientOptions = ClientOptions()) :
        this(lark { NativeClient.app(appId, appSecret, options) }, describe(appId, options))

    override fun native(): NativeClient = handle

    /**
     * Runs the call [name] (`send_message`, `reply_message`, …) with its flat request as
     * JSON text (path parameters, query parameters and body fields together, snake_case);
     * gives the result as JSON text.
     */
    @Throws(LarkException::class)
    suspend fun call(name: String, requestJson: String): String = lark { handle.call(name, requestJson) }

    /** [call], blocking the calling thread until it is done. */
    @Throws(LarkException::class)
    fun callBlocking(name: String, requestJson: String): String = lark { handle.callBlocking(name, requestJson) }

    /**
     * Sends the failed call of [error] again exactly as it was sent, with the same `uuid`:
     * the remedy when [LarkException.maybeSent]; within the platform's one-hour window it
     * never makes a second message. Gives the result as JSON text; an
     * [InvalidArgumentException] when [error] cannot be resent safely (a broken rule, a batch).
     */
    @Throws(LarkException::class)
    suspend fun resend(error: LarkException): String {
        val (name, request) = resendOf(error)
        return call(name, request)
    }

    /** [resend], blocking the calling thread until it is done. */
    @Throws(LarkException::class)
    fun resendBlocking(error: LarkException): String {
        val (name, request) = resendOf(error)
        return callBlocking(name, request)
    }

    /**
     * Sends a plain text message to one receiver ([receiveIdType]: `open_id`, `union_id`,
     * `user_id`, `email` or `chat_id`). Without a [uuid] the core gives one, so that a
     * repeat after a lost answer cannot send a second message.
     */
    @Throws(LarkException::class)
    suspend fun sendText(receiveIdType: String, receiveId: String, text: String, uuid: String? = null): Message =
        lark { handle.sendText(receiveIdType, receiveId, text, uuid) }

    /** [sendText], blocking the calling thread until it is done. */
    @JvmOverloads
    @Throws(LarkException::class)
    fun sendTextBlocking(receiveIdType: String, receiveId: String, text: String, uuid: String? = null): Message =
        lark { handle.sendTextBlocking(receiveIdType, receiveId, text, uuid) }

    /** Sends content built by [Larkmsg.buildContent] to one receiver. */
    @Throws(LarkException::class)
    suspend fun send(
        receiveIdType: String,
        receiveId: String,
        content: BuiltContent.Message,
        uuid: String? = null,
    ): Message = sendMessage(sendRequest(receiveIdType, receiveId, content, uuid))

    /** [send], blocking the calling thread until it is done. */
    @JvmOverloads
    @Throws(LarkException::class)
    fun sendBlocking(
        receiveIdType: String,
        receiveId: String,
        content: BuiltContent.Message,
        uuid: String? = null,
    ): Message = sendMessageBlocking(sendRequest(receiveIdType, receiveId, content, uuid))

    /**
     * Creates a card entity in streaming mode from [options], sends it (to
     * `receiveIdType`/`receiveId`, or as a reply to `replyTo`) and gives the [CardStream] to
     * append the answer to. Bad options fail with an [InvalidArgumentException] naming every
     * violation before anything is sent; a card entity created but not sent is never shown.
     */
    @Throws(LarkException::class)
    suspend fun streamCard(options: StreamCardOptions): CardStream = CardStream(lark { handle.streamCard(options) })

    /** [streamCard], blocking the calling thread until the card is sent. */
    @Throws(LarkException::class)
    fun streamCardBlocking(options: StreamCardOptions): CardStream = CardStream(lark { handle.streamCardBlocking(options) })

    /** Gives a store app the latest `app_ticket` the platform pushed. */
    @Throws(LarkException::class)
    fun setAppTicket(appTicket: String) = lark { handle.setAppTicket(appTicket) }

    /** Closes the client; later calls fail with a [ConfigException]. */
    override fun close() = handle.shutdown()

    /** The app id and where the client sends; never a secret. */
    override fun toString(): String = shown

    companion object {
        /** A client of a store (ISV) app installed by [tenantKey]; give it each pushed ticket with [setAppTicket]. */
        @JvmStatic
        @JvmOverloads
        @Throws(LarkException::class)
        fun storeApp(
            appId: String,
            appSecret: String,
            tenantKey: String,
            appTicket: String? = null,
            options: ClientOptions = ClientOptions(),
        ): Client =
            Client(
                lark { NativeClient.storeApp(appId, appSecret, tenantKey, appTicket, options) },
                describe(appId, options, tenantKey),
            )

        /** A client that sends with a ready tenant access token (it cannot fetch another). */
        @JvmStatic
        @JvmOverloads
        @Throws(LarkException::class)
        fun withTenantAccessToken(token: String, options: ClientOptions = ClientOptions()): Client =
            Client(lark { NativeClient.withTenantAccessToken(token, options) }, describe(null, options))

        /**
         * A client from the core's options as JSON text, snake_case as every binding passes
         * them (`{"app_id": …, "app_secret": …, "base_url": …, "retry": {"max_attempts": 2}}`):
         * for options kept as JSON.
         */
        @JvmStatic
        @Throws(LarkException::class)
        fun fromOptionsJson(optionsJson: String): Client =
            Client(lark { NativeClient.fromOptionsJson(optionsJson) }, "Client(from options JSON)")

        private fun describe(appId: String?, options: ClientOptions, tenantKey: String? = null): String {
            val shown =
                listOf("appId" to appId, "tenantKey" to tenantKey, "domain" to options.domain, "baseUrl" to options.baseUrl)
                    .filter { it.second != null }
                    .joinToString(", ") { "${it.first}=${it.second}" }
            return "Client($shown)"
        }

        private fun sendRequest(
            receiveIdType: String,
            receiveId: String,
            content: BuiltContent.Message,
            uuid: String?,
        ) = SendMessageRequest(
            receiveIdType = receiveIdType,
            receiveId = receiveId,
            msgType = content.msgType,
            content = content.content,
            uuid = uuid,
        )
    }
}

/** The call and flat request that resend a failed call, or why it cannot be resent. */
private fun resendOf(error: LarkException): Pair<String, String> {
    val name = error.details.resendCall
    val request = error.details.resendRequestJson
    if (name == null || request == null) {
        val message = "this error cannot be resent safely: only a failed call with a uuid can be (${error.kind})"
        throw InvalidArgumentException(ErrorDetails(kind = "invalid_argument", message = message, display = "invalid_argument: $message"))
    }
    return name to request
}
