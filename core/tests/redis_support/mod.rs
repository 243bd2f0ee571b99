//! A real Redis server for the tests of the shared store: `redis-server` on a free
//! loopback port, no persistence, stopped when dropped. `scripts/redis.sh install` puts
//! the Debian package in place; without it the tests say so and stop, unless
//! `LARKMSG_REQUIRE_REDIS=1` (as CI sets) makes that a failure.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` process the test owns.
pub struct RedisServer {
    port: u16,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts one, or gives `None` (after saying why) when `redis-server` is not installed
    /// and Redis is not required.
    pub fn start() -> Option<Self> {
        let binary = binary();
        if Command::new(&binary).arg("--version").stdout(Stdio::null()).status().is_err() {
            assert!(
                std::env::var_os("LARKMSG_REQUIRE_REDIS").is_none(),
                "{binary} is missing: run scripts/redis.sh install"
            );
            eprintln!("skipped: {binary} is not installed (scripts/redis.sh install)");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server = Self { port, child: None };
        server.restart();
        Some(server)
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server (its data is gone).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port and waits until it accepts connections.
    pub fn restart(&mut self) {
        self.stop();
        let child = Command::new(binary())
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start on port {}", self.port);
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn binary() -> String {
    std::env::var("LARKMSG_REDIS_SERVER").unwrap_or_else(|_| "redis-server".to_owned())
}
