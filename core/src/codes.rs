//! The platform's error codes: one table of what each means (its [`ErrorKind`]) and what
//! to do after it, used by the transport for every answer and by authentication for the
//! token endpoints' answers.
//!
//! It lists every code of the endpoint pages' error tables, of the rate-limit rules and
//! of the common error codes the client can meet. A code not listed is an `api` error,
//! waited out at HTTP 429 and backed off at HTTP 5xx.

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

use ErrorKind::{Api, Auth, Permission, RateLimited};
use Then::{Backoff, Fail, HoldSubject, NewToken, WaitForReset};

/// The codes the client knows: the code, its kind and what to do after it. Only codes a
/// source documents as a rejected token ask for a new one.
const TABLE: &[(i64, ErrorKind, Then)] = &[
    // Tokens (common error codes).
    (TOKEN_MISSING, Auth, NewToken),        // Need a token
    (TENANT_TOKEN_INVALID, Auth, NewToken), // Invalid access token for authorization
    (APP_TOKEN_INVALID, Auth, NewToken),    // invalid app token
    (99_991_665, Auth, NewToken),           // invalid tenant code: tenant_access_token 非法
    (99_991_671, Auth, NewToken),           // Invalid token: must start with t-/u-
    (99_991_668, Auth, Fail),               // user_access_token invalid
    (99_991_677, Auth, Fail),               // user token expired
    // The token endpoints (HTTP 200 with a code).
    (APP_TICKET_INVALID, Auth, Fail), // get app access token fail (the app_ticket is invalid)
    (10_013, Auth, Fail),             // get tenant access token fail
    (10_014, Auth, Fail),             // app unauthorized: the app is not usable
    (10_015, Auth, Fail),             // wrong app secret
    (234_002, Auth, Fail),            // Unauthorized (uploads, HTTP 401)
    // The app or the caller is not allowed (scopes, IP, state, monthly quota).
    (99_991_672, Permission, Fail), // Access denied: a scope is required
    (99_991_401, Permission, Fail), // the caller's IP is denied by the app's settings
    (99_991_403, Permission, Fail), // this month's API call quota is used up (HTTP 429: waiting does not help)
    (99_991_662, Permission, Fail), // app not in use (stopped)
    (99_991_673, Permission, Fail), // unauthorized app: not installed or not usable in the tenant
    (99_991_676, Permission, Fail), // token no permission
    (99_991_679, Permission, Fail), // the user did not authorize the operation
    // Throttling.
    (THROTTLED, RateLimited, WaitForReset), // request trigger frequency limit (HTTP 429, or 400 on legacy APIs)
    (11_232, RateLimited, WaitForReset),    // batch send: the message system's overall limit
    (230_020, RateLimited, HoldSubject),    // more than 5 messages per second to one user or chat
    (11_233, RateLimited, HoldSubject),     // batch send: a chat's 5 messages per second
    (11_247, RateLimited, Fail),            // batch send: the app's 500,000 messages a day are used up
    // Internal errors the platform asks to retry later.
    (1500, Api, Backoff),    // internal error
    (2200, Api, Backoff),    // internal error, often under frequent calls
    (5000, Api, Backoff),    // internal error
    (10_101, Api, Backoff),  // internal error
    (300_120, Api, Backoff), // Server Internal Error (card elements)
    (232_096, Api, Backoff), // Meta writing has stopped, please try again later (uploads)
    // A message with this uuid is being sent right now: it may well be sent.
    (230_049, Api, Backoff),
    // Send message and reply.
    (230_001, Api, Fail),        // invalid request parameter
    (230_002, Api, Fail),        // the bot is not in the group
    (230_006, Permission, Fail), // the bot ability is not activated
    (230_011, Api, Fail),        // the message is recalled
    (230_013, Permission, Fail), // the user is outside the bot's availability
    (230_015, Api, Fail),        // a p2p chat cannot be shared
    (230_017, Permission, Fail), // the bot does not own the resource
    (230_018, Permission, Fail), // the group's settings forbid it
    (230_019, Api, Fail),        // the topic does not exist
    (230_022, Api, Fail),        // the content contains sensitive information
    (230_025, Api, Fail),        // the content is too long
    (230_027, Permission, Fail), // lack of necessary permissions
    (230_028, Api, Fail),        // the message did not pass the data loss prevention audit
    (230_029, Api, Fail),        // the user has resigned
    (230_034, Api, Fail),        // the receive_id is invalid
    (230_035, Permission, Fail), // no permission to send (muted, blocked, tenant policy)
    (230_036, Api, Fail),        // the tenant's crypt key was deleted
    (230_038, Permission, Fail), // cross-tenant p2p chats are not allowed here
    (230_050, Permission, Fail), // the message is invisible to the operator
    (230_053, Permission, Fail), // the user stopped the bot from sending messages
    (230_054, Api, Fail),        // this message type is not available here
    (230_055, Api, Fail),        // the uploaded file's type does not match msg_type
    (230_071, Api, Fail),        // the chat does not support replies in threads
    (230_072, Api, Fail),        // aggregated messages do not support replies in threads
    (230_075, Api, Fail),        // encrypted chats are not supported
    (230_099, Api, Fail),        // the card content could not be created (sub-code in msg)
    (230_111, Api, Fail),        // the message will self-destruct soon
    (232_009, Api, Fail),        // the chat was dissolved
    // Batch send (HTTP 200 with a code).
    (10_002, Api, Fail), // create or send message fail; card entities: invalid parameter
    (10_003, Api, Fail), // invalid parameter
    (11_101, Api, Fail), // open_id does not exist
    (11_203, Permission, Fail), // no scope to send to user_ids
    (11_204, Permission, Fail), // no scope to send to departments
    (11_205, Permission, Fail), // the app has no bot
    (11_207, Permission, Fail), // the app is not usable in this tenant
    (11_209, Permission, Fail), // the app does not exist
    (11_210, Permission, Fail), // the app is not installed in this tenant
    (11_223, Permission, Fail), // no scope to write messages
    (11_227, Api, Fail), // the image key does not exist
    (11_231, Api, Fail), // the chat does not exist
    (11_235, Permission, Fail), // only the group's admins may mention everyone
    (11_246, Api, Fail), // the message content could not be created
    (11_312, Api, Fail), // the message did not pass the audit
    // Card entities.
    (200_220, Api, Fail),        // the card content could not be generated (bad card JSON)
    (200_510, Api, Fail),        // card streaming timed out
    (200_740, Api, Fail),        // the card entity does not exist
    (200_750, Api, Fail),        // the card entity has expired
    (200_770, Api, Fail),        // uuid conflict
    (200_810, Api, Fail),        // the card is in an interaction and cannot be updated
    (200_850, Api, Fail),        // card streaming timed out
    (200_860, Api, Fail),        // the card exceeds the size limit
    (300_121, Api, Fail),        // the element could not be replaced
    (300_122, Api, Fail),        // the card's settings could not be updated
    (300_301, Api, Fail),        // duplicate element_id
    (300_302, Api, Fail),        // update_multi is false
    (300_303, Api, Fail),        // only schema 2.0 is supported
    (300_305, Api, Fail),        // more than 200 components
    (300_307, Api, Fail),        // the card DSL is empty
    (300_309, Api, Fail),        // card streaming is closed
    (300_310, Api, Fail),        // only text can be updated
    (300_311, Permission, Fail), // the app may not update or use this card
    (300_312, Api, Fail),        // an element's tag cannot be updated
    (300_313, Api, Fail),        // the element's properties could not be updated
    (300_314, Api, Fail),        // the element could not be deleted
    (300_315, Api, Fail),        // the element could not be added
    (300_317, Api, Fail),        // the card's sequence did not increase
    // Uploads.
    (234_001, Api, Fail),        // invalid request parameter
    (234_006, Api, Fail),        // the file is too large
    (234_007, Permission, Fail), // the app's bot ability is off
    (234_010, Api, Fail),        // the file is empty
    (234_011, Api, Fail),        // the image format is not recognized
    (234_039, Api, Fail),        // the image resolution is too high
    (234_041, Api, Fail),        // the tenant's master key was deleted
    (234_042, Api, Fail),        // the hybrid deployment's storage failed
];

/// The table's entry for `code`.
pub(crate) fn lookup(code: i64) -> Option<(ErrorKind, Then)> {
    TABLE.iter().find(|(known, _, _)| *known == code).map(|(_, kind, then)| (*kind, *then))
}

/// Whether a call that failed with `error` may succeed when made again later, unchanged:
/// throttled, timed out, a lost connection, a server error, or a card in a user's
/// interaction. Broken rules, refusals and unknown ids are not.
pub(crate) fn retry_later(error: &Error) -> bool {
    match error.kind() {
        RateLimited | ErrorKind::Timeout | ErrorKind::Network => true,
        Api | ErrorKind::Decode => match error.code() {
            Some(CARD_IN_INTERACTION) => true,
            Some(code) => {
                let (_, then) = classify(code, error.http_status().unwrap_or(0));
                matches!(then, Backoff | WaitForReset | HoldSubject)
            }
            None => error.http_status().is_none_or(|status| status >= 500),
        },
        _ => false,
    }
}

/// The kind of a failed answer with `code` at HTTP `status`, and what to do next: the
/// table's entry, else by the status. A listed code that fails the call is backed off at
/// HTTP 5xx (the request may have taken effect); a code the table does not list is
/// waited out at HTTP 429 and backed off at 5xx.
pub(crate) fn classify(code: i64, status: u16) -> (ErrorKind, Then) {
    match lookup(code) {
        Some((kind, Fail)) if status >= 500 => (kind, Backoff),
        Some(known) => known,
        None if status == 429 => (RateLimited, WaitForReset),
        None if status >= 500 => (Api, Backoff),
        None => (Api, Fail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_come_before_statuses() {
        assert_eq!(classify(99_991_663, 400), (Auth, NewToken));
        assert_eq!(classify(99_991_400, 400), (RateLimited, WaitForReset));
        assert_eq!(classify(230_002, 400), (Api, Fail));
        assert_eq!(classify(1, 429), (RateLimited, WaitForReset));
        assert_eq!(classify(1, 502), (Api, Backoff));
        assert_eq!(classify(10_012, 200), (Auth, Fail));
        assert_eq!(classify(99_991_672, 503), (Permission, Backoff));
    }

    #[test]
    fn quotas_that_waiting_cannot_restore_fail_even_at_429() {
        // The monthly call quota comes at HTTP 429; the daily batch cap at 200.
        assert_eq!(classify(99_991_403, 429), (Permission, Fail));
        assert_eq!(classify(11_247, 429), (RateLimited, Fail));
        assert_eq!(classify(11_247, 200), (RateLimited, Fail));
    }

    #[test]
    fn the_rate_limit_codes_are_throttling() {
        assert_eq!(classify(11_232, 200), (RateLimited, WaitForReset));
        assert_eq!(classify(11_233, 200), (RateLimited, HoldSubject));
        assert_eq!(classify(230_020, 400), (RateLimited, HoldSubject));
    }

    #[test]
    fn only_documented_token_codes_ask_for_a_new_token() {
        let new_token: Vec<i64> =
            TABLE.iter().filter(|(_, _, then)| *then == NewToken).map(|(code, _, _)| *code).collect();
        assert_eq!(new_token, [99_991_661, 99_991_663, 99_991_664, 99_991_665, 99_991_671]);
        for app_state in [99_991_662, 99_991_673, 99_991_676] {
            assert_eq!(classify(app_state, 400), (Permission, Fail), "{app_state}");
        }
    }

    #[test]
    fn each_code_is_listed_once() {
        for (i, (code, _, _)) in TABLE.iter().enumerate() {
            assert!(TABLE[i + 1..].iter().all(|(other, _, _)| other != code), "{code} twice");
        }
    }
}
