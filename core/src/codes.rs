//! The platform's error codes the client acts on: one table of what each means (its
//! [`ErrorKind`]) and what to do after it, used by the transport for every answer and by
//! authentication for the token endpoints' codes.

use crate::error::{Error, ErrorKind};

/// What to do after an answer with a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Then {
    /// The token was not accepted: drop it, fetch a new one, try again (nothing took effect).
    NewToken,
    /// Throttled: wait for `x-ogw-ratelimit-reset`, then try again (nothing took effect).
    WaitForReset,
    /// The call's subject (a receiver) is throttled: hold it, then try again.
    HoldSubject,
    /// A failure that may have taken effect: back off and repeat only when that is safe.
    Backoff,
    /// Give up.
    Fail,
}

/// The tenant access token is missing.
pub(crate) const TOKEN_MISSING: i64 = 99_991_661;
/// The tenant access token is invalid or expired.
pub(crate) const TENANT_TOKEN_INVALID: i64 = 99_991_663;
/// The app access token is invalid (store apps' tenant token endpoint).
pub(crate) const APP_TOKEN_INVALID: i64 = 99_991_664;
/// The store app's `app_ticket` is invalid.
pub(crate) const APP_TICKET_INVALID: i64 = 10_012;
/// Request trigger frequency limit.
pub(crate) const THROTTLED: i64 = 99_991_400;
/// A card entity operation's `sequence` is not greater than the card's last one.
pub(crate) const CARD_SEQUENCE_NOT_INCREASING: i64 = 300_317;
/// A card entity's streaming mode is off.
pub(crate) const CARD_STREAMING_CLOSED: i64 = 300_309;
/// A card entity's streaming mode closed by itself (the streaming text page's code, and the
/// add components page's for the same message).
pub(crate) const CARD_STREAMING_TIMEOUTS: [i64; 2] = [200_850, 200_510];
/// A card entity is in a user's interaction and cannot be updated until it ends.
pub(crate) const CARD_IN_INTERACTION: i64 = 200_810;

/// The codes the client knows: the code, its kind and what to do after it.
const TABLE: &[(i64, ErrorKind, Then)] = &[
    (TOKEN_MISSING, ErrorKind::Auth, Then::NewToken),
    (TENANT_TOKEN_INVALID, ErrorKind::Auth, Then::NewToken),
    (APP_TOKEN_INVALID, ErrorKind::Auth, Then::NewToken),
    (99_991_665, ErrorKind::Auth, Then::NewToken),
    // Malformed token (it must start with t-/u-).
    (99_991_671, ErrorKind::Auth, Then::NewToken),
    (APP_TICKET_INVALID, ErrorKind::Auth, Then::Fail),
    (THROTTLED, ErrorKind::RateLimited, Then::WaitForReset),
    // More than 5 messages per second to one user or chat.
    (230_020, ErrorKind::RateLimited, Then::HoldSubject),
    // A message with this uuid is being sent right now: it may well be sent.
    (230_049, ErrorKind::Api, Then::Backoff),
    // Internal errors the platform asks to retry later.
    (1500, ErrorKind::Api, Then::Backoff),
    (2200, ErrorKind::Api, Then::Backoff),
    (5000, ErrorKind::Api, Then::Backoff),
    (10_101, ErrorKind::Api, Then::Backoff),
    // The app or the caller is not allowed.
    (99_991_672, ErrorKind::Permission, Then::Fail),
    (99_991_401, ErrorKind::Permission, Then::Fail),
    (99_991_403, ErrorKind::Permission, Then::Fail),
    (230_027, ErrorKind::Permission, Then::Fail),
    (230_035, ErrorKind::Permission, Then::Fail),
    (11_203, ErrorKind::Permission, Then::Fail),
    (11_204, ErrorKind::Permission, Then::Fail),
    (11_223, ErrorKind::Permission, Then::Fail),
    // Batch send: the app's daily message cap is used up.
    (11_247, ErrorKind::RateLimited, Then::Fail),
    // Uploads: the app's data is read-only for now ("please try again later").
    (232_096, ErrorKind::Api, Then::Backoff),
    // Uploads: authentication failed (HTTP 401; the page sends you to support).
    (234_002, ErrorKind::Auth, Then::Fail),
    // Uploads: the app has no bot capability.
    (234_007, ErrorKind::Permission, Then::Fail),
    // Uploads: the tenant's encryption key was deleted.
    (234_041, ErrorKind::Permission, Then::Fail),
    // Card entities: only the app that created one may use it.
    (300_311, ErrorKind::Permission, Then::Fail),
    // Card entities: an internal error the page asks to retry later.
    (300_120, ErrorKind::Api, Then::Backoff),
];

/// Whether a call that failed with `error` may succeed when made again later, unchanged:
/// throttled, timed out, a lost connection, a server error, or a card in a user's
/// interaction. Broken rules, refusals and unknown ids are not.
pub(crate) fn retry_later(error: &Error) -> bool {
    match error.kind() {
        ErrorKind::RateLimited | ErrorKind::Timeout | ErrorKind::Network => true,
        ErrorKind::Api | ErrorKind::Decode => match error.code() {
            Some(CARD_IN_INTERACTION) => true,
            Some(code) => {
                let (_, then) = classify(code, error.http_status().unwrap_or(0));
                matches!(then, Then::Backoff | Then::WaitForReset | Then::HoldSubject)
            }
            None => error.http_status().is_none_or(|status| status >= 500),
        },
        _ => false,
    }
}

/// The kind of a failed answer with `code` at HTTP `status`, and what to do next: the
/// table's entry, else by the status. A code that would fail the call is still waited out
/// at HTTP 429 (throttled) and backed off at 5xx (it may have taken effect).
pub(crate) fn classify(code: i64, status: u16) -> (ErrorKind, Then) {
    let known = TABLE.iter().find(|(known, _, _)| *known == code).map(|(_, kind, then)| (*kind, *then));
    let default_kind = if status == 429 { ErrorKind::RateLimited } else { ErrorKind::Api };
    let (kind, then) = known.unwrap_or((default_kind, Then::Fail));
    let then = match (then, status) {
        (Then::Fail, 429) => Then::WaitForReset,
        (Then::Fail, 500..) => Then::Backoff,
        (then, _) => then,
    };
    (kind, then)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_come_before_statuses() {
        assert_eq!(classify(99_991_663, 400), (ErrorKind::Auth, Then::NewToken));
        assert_eq!(classify(99_991_400, 400), (ErrorKind::RateLimited, Then::WaitForReset));
        assert_eq!(classify(230_002, 400), (ErrorKind::Api, Then::Fail));
        assert_eq!(classify(230_002, 429), (ErrorKind::RateLimited, Then::WaitForReset));
        assert_eq!(classify(1, 502), (ErrorKind::Api, Then::Backoff));
        assert_eq!(classify(10_012, 200), (ErrorKind::Auth, Then::Fail));
        assert_eq!(classify(99_991_672, 503), (ErrorKind::Permission, Then::Backoff));
        assert_eq!(classify(11_247, 429), (ErrorKind::RateLimited, Then::WaitForReset));
    }

    #[test]
    fn each_code_is_listed_once() {
        for (i, (code, _, _)) in TABLE.iter().enumerate() {
            assert!(TABLE[i + 1..].iter().all(|(other, _, _)| other != code), "{code} twice");
        }
    }
}
