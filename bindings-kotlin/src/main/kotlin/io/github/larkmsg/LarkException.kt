package io.github.larkmsg

import java.time.Duration

/**
 * Base of every larkmsg error: a sealed hierarchy with one class per kind of the core
 * (`ErrorClasses.kt`, generated from the core's list of kinds; [AuthException],
 * [PermissionDeniedException] and [RateLimitedException] are [ApiException]s).
 *
 * [kind] is the stable snake_case name every binding shares; `message` is the readable
 * form with code, HTTP status and log id. No secret or token ever appears in an error.
 */
sealed class LarkException(
    /** Everything the core knows about the failure. */
    val details: ErrorDetails,
) : Exception(details.display) {
    /** The stable kind (`invalid_argument`, `auth`, `rate_limited`, …). */
    val kind: String get() = details.kind

    /** The platform's error `code`, when it answered with one. */
    val code: Long? get() = details.code

    /** The platform's error `msg`, when it answered with one. */
    val msg: String? get() = details.msg

    /** The HTTP status of the answer, when there was one. */
    val httpStatus: Int? get() = details.httpStatus

    /** The request's log id (`X-Tt-Logid`): what support asks for. */
    val logId: String? get() = details.logId

    /** The platform's troubleshooting link. */
    val troubleshooter: String? get() = details.troubleshooter

    /** The rules the request broke ([InvalidArgumentException]); nothing was sent. */
    val violations: List<Violation> get() = details.violations

    /** Scopes or policies the platform says the app lacks. */
    val permissionViolations: List<PermissionViolation> get() = details.permissionViolations

    /** Fields the platform rejected. */
    val fieldViolations: List<FieldViolation> get() = details.fieldViolations

    /** How long the platform asked to wait before trying again, when it said. */
    val retryAfter: Duration? get() = details.retryAfterMs?.let(Duration::ofMillis)

    /**
     * Whether the request may have taken effect although the call failed. When `false`,
     * nothing was sent. A message is sent again safely with the same `uuid`; a batch has no
     * such key: find out whether it arrived before sending it again.
     */
    val maybeSent: Boolean get() = details.maybeSent

    /** The de-duplication key the failed request carried (yours, or the generated one); [Client.resend] sends it again with it. */
    val uuid: String? get() = details.uuid
}

/** Runs a native call, turning its failure into the [LarkException] of its kind. */
internal inline fun <T> lark(call: () -> T): T =
    try {
        call()
    } catch (failure: NativeException.Failure) {
        throw exceptionOf(failure.details)
    }
