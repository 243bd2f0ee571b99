//! `larkmsg-fake`: runs the fake Feishu server until killed.
//!
//! ```text
//! larkmsg-fake [--port N] [--latency-ms N] [--quotas] [--token-lifetime-secs N] [--exit-on-stdin-eof]
//! ```
//!
//! Prints the base URL (`http://127.0.0.1:PORT`) as the first line of stdout, then serves
//! until the process is killed (SIGTERM, SIGINT). With `--exit-on-stdin-eof` it also stops
//! when its stdin closes, so a test harness that holds a pipe to it cannot leak it.

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use larkmsg::fake::{FakeConfig, FakeServer};

const USAGE: &str = "usage: larkmsg-fake [--port N] [--latency-ms N] [--quotas] \
                     [--token-lifetime-secs N] [--exit-on-stdin-eof]";

struct Options {
    config: FakeConfig,
    exit_on_stdin_eof: bool,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options { config: FakeConfig::default(), exit_on_stdin_eof: false };
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let value = args.next().ok_or_else(|| format!("{name} needs a value"))?;
            value.parse().map_err(|_| format!("{name}: `{value}` is not a non-negative integer"))
        };
        match arg.as_str() {
            "--port" => {
                options.config.port = u16::try_from(number("--port")?)
                    .map_err(|_| "--port must be at most 65535".to_owned())?;
            }
            "--latency-ms" => {
                options.config.latency = Duration::from_millis(number("--latency-ms")?);
            }
            "--token-lifetime-secs" => {
                options.config.token_lifetime = Duration::from_secs(number("--token-lifetime-secs")?);
            }
            "--quotas" => options.config.quotas = true,
            "--exit-on-stdin-eof" => options.exit_on_stdin_eof = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let fake = match FakeServer::start(options.config).await {
        Ok(fake) => fake,
        Err(error) => {
            eprintln!("larkmsg-fake: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{}", fake.url()).and_then(|()| stdout.flush()).is_err() {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    if options.exit_on_stdin_eof {
        let (closed, wait) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let mut sink = [0u8; 1024];
            let mut stdin = std::io::stdin();
            while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
            let _ = closed.send(());
        });
        let _ = wait.await;
        fake.shutdown().await;
    } else {
        std::future::pending::<()>().await;
    }
    ExitCode::SUCCESS
}
