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
//! [`enable_with`] hands each line to a [`Sink`] instead (the bindings pass them on to
//! Python's `logging` and to a Node callback). Failures of calls are warnings, failed
//! attempts that are tried again are infos, the rest debug and trace.
//!
//! A Rust program with its own subscriber does not need this module: larkmsg's events go
//! to that subscriber, and [`enable`] fails with [`ErrorKind::Config`].

use std::io::Write as _;
use std::sync::{Arc, Mutex, Once, PoisonError, RwLock};

use tracing::{Level, Metadata};
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::{Targets, filter_fn};
use tracing_subscriber::fmt::MakeWriter;
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
/// Where lines go instead of stderr, when [`enable_with`] was called last.
static SINK: RwLock<Option<Sink>> = RwLock::new(None);

/// One log line as a [`Sink`] receives it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Record<'a> {
    /// The event's level.
    pub level: Level,
    /// The event's target: `larkmsg::call`, `larkmsg::auth`, `larkmsg::shared`, …
    pub target: &'a str,
    /// The line without level and target: the spans (`larkmsg.call{endpoint="send_message"}`),
    /// the message and the event's fields.
    pub message: &'a str,
}

impl Record<'_> {
    /// The level's name in lower case, as the directives spell it: `error`, `warn`, `info`,
    /// `debug` or `trace`.
    pub fn level_name(&self) -> &'static str {
        match self.level {
            Level::ERROR => "error",
            Level::WARN => "warn",
            Level::INFO => "info",
            Level::DEBUG => "debug",
            Level::TRACE => "trace",
        }
    }
}

/// Receives each log line, on whatever thread logged it; it must not block for long.
pub type Sink = Arc<dyn Fn(&Record<'_>) + Send + Sync>;

/// Logs larkmsg's events at and above the directive's levels to stderr.
///
/// `directive`: a level (`trace`, `debug`, `info`, `warn`, `error`, `off`) for larkmsg's
/// events, and/or `target=level` pairs separated by commas (`"info,larkmsg::call=trace"`);
/// a dependency's events (`hyper_util=debug`) only where a pair names it.
/// Fails with [`ErrorKind::InvalidArgument`] for a directive that does not parse and with
/// [`ErrorKind::Config`] when another `tracing` subscriber is installed in this process.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] or [`ErrorKind::Config`], as above.
pub fn enable(directive: &str) -> Result<()> {
    install(directive, None)
}

/// Hands larkmsg's events at and above the directive's levels to `sink`, one line each,
/// instead of writing them to stderr (until [`enable`] is called again).
///
/// # Errors
/// As [`enable`].
pub fn enable_with(directive: &str, sink: Sink) -> Result<()> {
    install(directive, Some(sink))
}

fn install(directive: &str, sink: Option<Sink>) -> Result<()> {
    let filter = parse(directive)?;
    *SINK.write().unwrap_or_else(PoisonError::into_inner) = sink;
    let mut installed = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(handle) = installed.as_ref() {
        return handle
            .reload(filter)
            .map_err(|e| Error::new(ErrorKind::Config, format!("cannot change the log directive: {e}")));
    }
    let (filter, handle) = reload::Layer::new(filter);
    let to_stderr = tracing_subscriber::fmt::layer()
        .with_writer(|| crate::fork::GatedStderr)
        .with_ansi(false)
        .with_filter(filter_fn(|_| !has_sink()));
    let to_sink = tracing_subscriber::fmt::layer()
        .with_writer(ToSink)
        .with_ansi(false)
        .without_time()
        .with_level(false)
        .with_target(false)
        .with_filter(filter_fn(|_| has_sink()));
    let subscriber = Registry::default().with(filter).with(to_stderr).with(to_sink);
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

fn has_sink() -> bool {
    SINK.read().unwrap_or_else(PoisonError::into_inner).is_some()
}

/// Makes a [`Line`] for each event.
struct ToSink;

impl<'a> MakeWriter<'a> for ToSink {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line { level: Level::INFO, target: String::from("larkmsg"), text: Vec::new() }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Line {
        Line { level: *meta.level(), target: meta.target().to_owned(), text: Vec::with_capacity(128) }
    }
}

/// One event's line, handed to the sink when the formatter is done with it.
struct Line {
    level: Level,
    target: String,
    text: Vec<u8>,
}

impl std::io::Write for Line {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.text);
        let message = text.trim_end();
        if message.is_empty() {
            return;
        }
        let sink = SINK.read().unwrap_or_else(PoisonError::into_inner).clone();
        match sink {
            Some(sink) => sink(&Record { level: self.level, target: &self.target, message }),
            // The sink was removed since the line was made: stderr, as without one.
            None => {
                let _ = writeln!(crate::fork::GatedStderr, "{} {}: {message}", self.level, self.target);
            }
        }
    }
}

/// The filter of a directive: a bare level is larkmsg's (its own targets); a dependency's
/// events pass only where the directive names it (`hyper_util=debug`).
fn parse(directive: &str) -> Result<Targets> {
    if directive.trim().is_empty() {
        return Err(Error::new(ErrorKind::InvalidArgument, "the log directive must not be empty"));
    }
    let scoped: Vec<String> = directive
        .trim()
        .split(',')
        .map(
            |part| {
                if part.contains('=') { part.trim().to_owned() } else { format!("larkmsg={}", part.trim()) }
            },
        )
        .collect();
    scoped.join(",").parse().map_err(|e| {
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
        assert!(parse("trace").unwrap().would_enable("larkmsg::call", &Level::TRACE));
        assert!(!parse("trace").unwrap().would_enable("hyper_util::client", &Level::ERROR));
        assert!(parse("debug,hyper_util=debug").unwrap().would_enable("hyper_util::client", &Level::DEBUG));
        for bad in ["", "  ", "larkmsg=loud", "larkmsg=trace=debug", "loud"] {
            let error = parse(bad).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidArgument, "{bad}");
        }
    }

    #[test]
    fn a_level_name_is_the_directive_of_that_level() {
        let levels = [Level::ERROR, Level::WARN, Level::INFO, Level::DEBUG, Level::TRACE];
        for (at, level) in levels.iter().enumerate() {
            let name = Record { level: *level, target: "larkmsg::call", message: "" }.level_name();
            let filter = parse(name).unwrap();
            assert!(filter.would_enable("larkmsg::call", level), "{name}");
            if let Some(finer) = levels.get(at + 1) {
                assert!(!filter.would_enable("larkmsg::call", finer), "{name} lets {finer} through");
            }
        }
    }
}
