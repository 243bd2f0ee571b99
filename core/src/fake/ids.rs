//! Identifiers shaped like the platform's: log ids, message ids, card ids, tokens.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A log id like `202409131613579778D691D6E05516DE2D`: the time (UTC+8) as 14 digits,
/// then 20 upper-case hex digits.
pub(crate) fn log_id() -> String {
    let secs = unix_time().as_secs() as i64 + 8 * 3600;
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}{:020X}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        fastrand::u128(..) >> 48
    )
}

/// Time since the Unix epoch (zero if the clock is before it).
pub(crate) fn unix_time() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}

/// Milliseconds since the Unix epoch as a decimal string, as in `create_time`.
pub(crate) fn unix_millis() -> String {
    unix_time().as_millis().to_string()
}

/// `om_` + 32 hex digits.
pub(crate) fn message_id() -> String {
    format!("om_{:032x}", fastrand::u128(..))
}

/// `bm-` + 32 hex digits: a batch message id.
pub(crate) fn batch_message_id() -> String {
    format!("bm-{:032x}", fastrand::u128(..))
}

/// The thread id (`omt_` + 16 hex) a reply in a thread opens under `message_id`.
pub(crate) fn thread_id_for(message_id: &str) -> String {
    format!("omt_{:016x}", fnv1a(message_id, 0x9e37_79b9_7f4a_7c15))
}

/// A 19-digit numeric card entity id like `7355372766134157313`.
pub(crate) fn card_id() -> String {
    format!("7{:018}", fastrand::u64(0..1_000_000_000_000_000_000))
}

/// A token: `prefix` + 40 letters and digits.
pub(crate) fn token(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 40);
    out.push_str(prefix);
    out.extend((0..40).map(|_| fastrand::alphanumeric()));
    out
}

/// An app ticket: 32 letters and digits.
pub(crate) fn app_ticket() -> String {
    (0..32).map(|_| fastrand::alphanumeric()).collect()
}

/// The chat id (`oc_` + 32 hex) of a receiver: stable, so a user's p2p chat keeps its id.
pub(crate) fn chat_id_for(receive_id: &str) -> String {
    format!(
        "oc_{:016x}{:016x}",
        fnv1a(receive_id, 0xcbf2_9ce4_8422_2325),
        fnv1a(receive_id, 0x8422_2325_cbf2_9ce4)
    )
}

fn fnv1a(text: &str, seed: u64) -> u64 {
    text.bytes().fold(seed, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Converts days since 1970-01-01 to (year, month, day) (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_979), (2024, 9, 13));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn shapes() {
        let log = log_id();
        assert_eq!(log.len(), 34);
        assert!(log[..14].bytes().all(|b| b.is_ascii_digit()));
        assert!(log[14..].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase()));
        assert_eq!(message_id().len(), 35);
        let card = card_id();
        assert_eq!(card.len(), 19);
        assert!(card.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(chat_id_for("ou_1"), chat_id_for("ou_1"));
        assert_ne!(chat_id_for("ou_1"), chat_id_for("ou_2"));
        assert!(token("t-").starts_with("t-"));
    }
}
