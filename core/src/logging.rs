//! Logging to the standard error stream, for the bindings and for programs without a
//! `tracing` subscriber of their own.
//!
//! larkmsg reports through `tracing`: a span per call (`larkmsg.call`, with the endpoint,
//! the attempts and the log id) and events for failed attempts, token fetches and the
//! outcome of each call. [`enable`] installs, once per process, a subscriber that writes
//! them to stderr, one line each, filtered by a directive: a level (`"debug"`), targets
//! with levels (`"larkmsg=trace"`, `"warn,larkmsg=debug"`) or `"off"`. Calling it again
//! replaces the directive. Clients built from [`crate::ClientOptions`] (every binding's)
//! read the directive from the environment variable [`ENV_VAR`] when logging was not
//! enabled before. No line ever carries the app secret, an app ticket or a token.
//!
//! A Rust program with its own subscriber does not need this module: larkmsg's events go
//! to that subscriber, and [`enable`] fails with [`ErrorKind::Config`].

use std::sync::{Mutex, Once, PoisonError};

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{Registry, reload};

use crate::error::{Error, ErrorKind, Result};

/// The environment variable read by [`crate::ClientOptions::build`]: a directive as for
/// [`enable`], e.g. `LARKMSG_LOG=debug`.
pub const ENV_VAR: &str = "LARKMSG_LOG";

/// Changes the directive of the installed subscriber.
type Handle = reload::Handle<Targets, Registry>;

static INSTALLED: Mutex<Option<Handle>> = Mutex::new(None);
static FROM_ENV: Once = Once::new();

/// Logs larkmsg's events at and above the directive's levels to stderr.
///
/// `directive`: a level (`trace`, `debug`, `info`, `warn`, `error`, `off`) for every
/// target, and/or `target=level` pairs separated by commas (`"info,larkmsg=trace"`).
/// Fails with [`ErrorKind::InvalidArgument`] for a directive that does not parse and with
/// [`ErrorKind::Config`] when another `tracing` subscriber is installed in this process.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] or [`ErrorKind::Config`], as above.
pub fn enable(directive: &str) -> Result<()> {
    let filter = parse(directive)?;
    let mut installed = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(handle) = installed.as_ref() {
        return handle
            .reload(filter)
            .map_err(|e| Error::new(ErrorKind::Config, format!("cannot change the log directive: {e}")));
    }
    let (filter, handle) = reload::Layer::new(filter);
    let subscriber = Registry::default()
        .with(filter)
        .with(tracing_subscriber::fmt::layer().with_writer(|| crate::fork::GatedStderr).with_ansi(false));
    tracing::subscriber::set_global_default(subscriber).map_err(|_| {
        Error::new(
            ErrorKind::Config,
            "another tracing subscriber is installed in this process; larkmsg logs to it",
        )
    })?;
    *installed = Some(handle);
    Ok(())
}

/// Enables logging from [`ENV_VAR`], once per process, unless [`enable`] was called
/// first. A directive that cannot be used is reported on stderr and otherwise ignored.
pub(crate) fn enable_from_env() {
    FROM_ENV.call_once(|| {
        let already = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner).is_some();
        let Some(directive) = std::env::var(ENV_VAR).ok().filter(|value| !value.trim().is_empty()) else {
            return;
        };
        if !already && let Err(error) = enable(&directive) {
            eprintln!("larkmsg: {ENV_VAR} ignored: {error}");
        }
    });
}

fn parse(directive: &str) -> Result<Targets> {
    if directive.trim().is_empty() {
        return Err(Error::new(ErrorKind::InvalidArgument, "the log directive must not be empty"));
    }
    directive.trim().parse().map_err(|e| {
        Error::new(ErrorKind::InvalidArgument, format!("the log directive {directive:?} does not parse: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_parse_or_name_the_problem() {
        for good in ["trace", "debug", "off", "larkmsg=trace", "warn,larkmsg=debug", " info "] {
            assert!(parse(good).is_ok(), "{good}");
        }
        for bad in ["", "  ", "larkmsg=loud", "larkmsg=trace=debug"] {
            let error = parse(bad).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidArgument, "{bad}");
        }
    }
}
