//! Sending many requests at once: de-duplicating ids, splitting lists into the sizes a
//! request allows, and driving the requests concurrently (the pacer keeps them to the
//! quotas), stopping early after a failure that every later request would share.

use std::collections::HashSet;
use std::future::Future;

use futures_util::StreamExt as _;
use futures_util::stream::FuturesUnordered;

use crate::error::{Error, ErrorKind};

/// Requests in flight at once when a call does not say (the pacer keeps them to the
/// quotas; this only hides the latency).
pub(crate) const DEFAULT_CONCURRENCY: usize = 16;

/// The code of batch send's daily cap (500,000 messages per app and day).
const DAILY_CAP: i64 = 11_247;

/// `ids` without repeats, in their first order.
pub(crate) fn unique(ids: &[String]) -> Vec<String> {
    let mut seen = HashSet::with_capacity(ids.len());
    ids.iter().filter(|id| seen.insert(id.as_str())).cloned().collect()
}

/// The `chunk`-th slice of `size` items of `ids` (empty past the end).
pub(crate) fn slice(ids: &[String], chunk: usize, size: usize) -> Vec<String> {
    ids.iter().skip(chunk * size).take(size).cloned().collect()
}

/// Whether every later request would fail the same way: credentials, permissions,
/// configuration, a bad argument, or batch send's daily cap.
pub(crate) fn stops_everything(error: &Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::Auth | ErrorKind::Permission | ErrorKind::Config | ErrorKind::InvalidArgument
    ) || error.code() == Some(DAILY_CAP)
}

/// What happened to each item: its outcome, or `None` when it was never sent (the call
/// stopped after a failure every later request would share).
pub(crate) type Outcomes<R> = Vec<Option<Result<R, Error>>>;

/// Sends one request per item, `concurrency` at a time, calling `done` after each (one
/// call at a time); stops starting new ones after a failure that [`stops_everything`], and
/// then calls `done` for each item never sent, with the error that stopped it.
pub(crate) async fn drive<'a, T, R, F, Fut>(
    items: &'a [T],
    concurrency: usize,
    send: F,
    mut done: impl FnMut(&'a T, &Result<R, Error>),
) -> Outcomes<R>
where
    F: Fn(&'a T) -> Fut,
    Fut: Future<Output = Result<R, Error>>,
{
    let mut outcomes: Outcomes<R> = std::iter::repeat_with(|| None).take(items.len()).collect();
    let mut running = FuturesUnordered::new();
    let (mut next, mut stopped) = (0, false);
    loop {
        while !stopped && next < items.len() && running.len() < concurrency.max(1) {
            let (index, request) = (next, send(&items[next]));
            running.push(async move { (index, request.await) });
            next += 1;
        }
        let Some((i, outcome)) = running.next().await else { break };
        if let Err(error) = &outcome {
            stopped |= stops_everything(error);
        }
        done(&items[i], &outcome);
        outcomes[i] = Some(outcome);
    }
    // What was never sent is done too (as failed), so that progress ends at its total.
    if stopped {
        let never_sent = Err(not_sent(&outcomes));
        for (item, outcome) in items.iter().zip(&outcomes) {
            if outcome.is_none() {
                done(item, &never_sent);
            }
        }
    }
    outcomes
}

/// The error of each request that was never sent: the failure that stopped the call,
/// named.
pub(crate) fn not_sent<R>(outcomes: &Outcomes<R>) -> Error {
    let cause =
        outcomes.iter().flatten().filter_map(|outcome| outcome.as_ref().err()).find(|e| stops_everything(e));
    match cause {
        Some(cause) => Error::new(cause.kind(), format!("not sent: an earlier request failed with {cause}")),
        None => Error::new(ErrorKind::Api, "not sent"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failure_every_request_shares_stops_the_rest() {
        let items: Vec<u32> = (0..10).collect();
        let (mut seen, mut never_sent) = (0, 0);
        let outcomes = drive(
            &items,
            1,
            |item| {
                let item = *item;
                async move {
                    match item {
                        2 => Err(Error::new(ErrorKind::Timeout, "slow")),
                        4 => Err(Error::new(ErrorKind::Permission, "no scope")),
                        _ => Ok(item),
                    }
                }
            },
            |_, outcome| {
                seen += 1;
                if outcome.as_ref().is_err_and(|e| e.message().starts_with("not sent")) {
                    never_sent += 1;
                }
            },
        )
        .await;
        assert_eq!(seen, 10, "every item is done, so that progress ends at its total");
        assert_eq!(never_sent, 5);
        assert!(matches!(outcomes[2], Some(Err(_))) && matches!(outcomes[3], Some(Ok(3))));
        assert!(outcomes[5..].iter().all(Option::is_none));
        assert_eq!(unique(&["a".into(), "b".into(), "a".into()]), ["a", "b"]);
        assert_eq!(slice(&unique(&["a".into(), "b".into(), "c".into()]), 1, 2), ["c"]);
    }
}
