package io.github.larkmsg

/**
 * A card entity being streamed into, the "typewriter" answer of an AI assistant (see
 * [Client.streamCard]): [append] each token as it comes, then [finish].
 *
 * The core does the work: [append] and [push] never wait for the network, they change the
 * text that a background task pushes (the latest full text, at a share of the card's 10
 * operations per second, with the card's `sequence` owned by the stream and streaming
 * mode turned on again after it closed by itself). [finish] puts the exact text on the
 * card, turns streaming mode off and sets the summary, repeating each step after failures
 * that may pass until the options' finish timeout. A stream [close]d without [finish], as
 * `use` does when the block throws or its coroutine is cancelled, is finished in the
 * background with the text so far.
 *
 * ```kotlin
 * client.streamCard(StreamCardOptions(receiveIdType = "open_id", receiveId = "ou_xxx")).use { stream ->
 *     answer.collect { token -> stream.append(token) }
 *     stream.finish()
 * }
 * ```
 */
class CardStream internal constructor(private val native: NativeCardStream) : AutoCloseable {
    /** The card entity's id. */
    val cardId: String = native.cardId()

    /** The id of the message that sent the card. */
    val messageId: String = native.messageId()

    /** The text so far. */
    val text: String get() = native.text()

    /**
     * Appends [delta] (a token of an answer) to the text; never waits. Fails with the error
     * that stopped the stream, or an [InvalidArgumentException] after [finish] or [close] or
     * when the text would pass the card's 100,000 characters.
     */
    @Throws(LarkException::class)
    fun append(delta: String) = lark { native.append(delta) }

    /** Replaces the whole text; never waits. Fails as [append] does. */
    @Throws(LarkException::class)
    fun push(text: String) = lark { native.push(text) }

    /**
     * Finishes the stream: [text], when given, replaces the text first; then the exact text
     * is put on the card, streaming mode is turned off and the summary set ([summary], else
     * the options' one, else the start of the text). Calling it again gives the same
     * outcome. Fails with a [TimeoutException] saying which step did not land before the
     * finish timeout, the error that stopped the stream earlier, or the platform's refusal.
     */
    @Throws(LarkException::class)
    suspend fun finish(text: String? = null, summary: String? = null): StreamSummary = lark { native.finish(text, summary) }

    /** [finish], blocking the calling thread until it is done. */
    @JvmOverloads
    @Throws(LarkException::class)
    fun finishBlocking(text: String? = null, summary: String? = null): StreamSummary =
        lark { native.finishBlocking(text, summary) }

    /** Finishes the stream in the background with the text so far, unless it was finished; never waits. */
    override fun close() = native.finishInBackground()

    /** The card entity's id; never the text. */
    override fun toString(): String = "CardStream(cardId=$cardId)"
}
