package io.github.larkmsg

/** The library's functions that are not calls: content and card building, logging, version. */
object Larkmsg {
    /** The library's version. */
    @JvmStatic
    val version: String get() = nativeVersion()

    /**
     * Builds message content or one card component from a spec as JSON text, with the
     * core's builders: `{"text": "hi"}`, `{"post": {...}}`, `{"card": {"elements": [...]}}`,
     * `{"element": {"button": {...}}}`, … Give a [BuiltContent.Message] to [Client.send].
     * A spec that does not decode, or content that breaks a rule of send message, fails
     * with an [InvalidArgumentException] naming every violation.
     */
    @JvmStatic
    @Throws(LarkException::class)
    fun buildContent(specJson: String): BuiltContent = lark { nativeBuildContent(specJson) }

    /**
     * Logs the core's events to stderr, filtered by [directive] (`info`, `larkmsg=trace`,
     * …); `LARKMSG_LOG` does the same from the environment. Secrets are never logged.
     */
    @JvmStatic
    @Throws(LarkException::class)
    fun enableLogging(directive: String) = lark { nativeEnableLogging(directive) }
}
