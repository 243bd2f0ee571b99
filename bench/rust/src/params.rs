//! The driver protocol's parameters (see bench/README.md).

use serde::Deserialize;

/// What the orchestrator asks one driver run to do.
#[derive(Debug, Deserialize)]
pub struct Params {
    /// `construct`, `send`, `stream` or `campaign`.
    pub mode: Mode,
    /// The fake's base URL.
    pub base_url: String,
    /// The app's id.
    pub app_id: String,
    /// The app's secret.
    pub app_secret: String,
    /// Sends to make.
    #[serde(default)]
    pub count: usize,
    /// Concurrent senders.
    #[serde(default = "one")]
    pub concurrency: usize,
    /// Receivers (open_ids), used round robin.
    #[serde(default)]
    pub receivers: Vec<String>,
    /// Whether the client paces itself to the documented quotas.
    #[serde(default)]
    pub pacing: bool,
    /// A Redis URL: the quotas and the token are shared with the other processes using it.
    #[serde(default)]
    pub redis_url: Option<String>,
    /// No send starts after this many seconds.
    #[serde(default = "max_seconds")]
    pub max_seconds: f64,
    /// Send mode: how long each sender pauses after each call (a load below every quota).
    #[serde(default)]
    pub pause_ms: u64,
    /// Campaign mode: the campaign's id.
    #[serde(default)]
    pub campaign_id: String,
    /// Send mode: `blocking` sends from `concurrency` OS threads through `BlockingClient`
    /// instead of tokio tasks.
    #[serde(default)]
    pub variant: Option<String>,
    /// Stream mode: tokens appended per second.
    #[serde(default = "rate")]
    pub rate: f64,
}

/// The things a driver measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Client construction time.
    Construct,
    /// Sends from concurrent senders.
    Send,
    /// A `count`-token answer streamed into a card entity at `rate` tokens per second.
    Stream,
    /// One campaign (`send_campaign`) to each of `receivers`, `concurrency` sends in flight.
    Campaign,
}

fn rate() -> f64 {
    200.0
}

fn one() -> usize {
    1
}

fn max_seconds() -> f64 {
    120.0
}
