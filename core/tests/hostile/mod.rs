//! A hostile HTTP server on 127.0.0.1 for the client tests: it answers every request with
//! whatever its handler says, raw bytes included (lies about lengths, endless bodies,
//! redirects), and keeps the requests it got.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// An endless body stops after this much, so that a client without a cap ends too.
const ENDLESS_LIMIT: usize = 512 * 1024 * 1024;
/// …or after this long.
const ENDLESS_TIME: Duration = Duration::from_secs(20);

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What the server sends back.
pub enum Reply {
    /// These bytes (status line, headers and body), then the connection is closed.
    Raw(Vec<u8>),
    /// A chunked 200 answer that never ends (until the client hangs up, or the limits).
    Endless,
    /// These bytes, then nothing more while the connection stays open.
    Stall(Vec<u8>),
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A running hostile server.
pub struct Hostile {
    url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    /// Bytes written by endless answers.
    pub streamed: Arc<std::sync::atomic::AtomicUsize>,
}

impl Hostile {
    /// Serves on a free port of 127.0.0.1 until the test's runtime ends.
    pub async fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let streamed = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let (kept, counted) = (Arc::clone(&requests), Arc::clone(&streamed));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (handler, kept, counted) =
                    (Arc::clone(&handler), Arc::clone(&kept), Arc::clone(&counted));
                tokio::spawn(async move { serve(stream, handler, kept, counted).await });
            }
        });
        Self { url, requests, streamed }
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// Requests whose path starts with `prefix`.
    pub fn count(&self, prefix: &str) -> usize {
        self.requests().iter().filter(|r| r.path.starts_with(prefix)).count()
    }
}

async fn serve(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    kept: Arc<Mutex<Vec<Request>>>,
    streamed: Arc<std::sync::atomic::AtomicUsize>,
) {
    let Some(request) = read_request(&mut stream).await else { return };
    kept.lock().unwrap().push(request.clone());
    match handler(&request) {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Stall(bytes) => {
            let _ = stream.write_all(&bytes).await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        Reply::Endless => {
            let head =
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(head).await.is_err() {
                return;
            }
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024)).into_bytes();
            let started = Instant::now();
            let mut sent = 0;
            while sent < ENDLESS_LIMIT && started.elapsed() < ENDLESS_TIME {
                if stream.write_all(&chunk).await.is_err() {
                    return;
                }
                sent += 64 * 1024;
                streamed.fetch_add(64 * 1024, std::sync::atomic::Ordering::Relaxed);
            }
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 8192];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let read = stream.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut start = lines.next()?.split(' ');
    let (method, path) = (start.next()?.to_owned(), start.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        body.extend_from_slice(&chunk[..read]);
    }
    Some(Request { method, path, headers, body })
}

/// An answer with a JSON body.
pub fn json(status: u16, extra_headers: &str, body: &str) -> Reply {
    Reply::Raw(
        format!(
            "HTTP/1.1 {status} Hostile\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
             connection: close\r\n{extra_headers}\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

/// An answer with a body of any media type (`content_type`).
pub fn page(status: u16, content_type: &str, body: &str) -> Reply {
    Reply::Raw(
        format!(
            "HTTP/1.1 {status} Hostile\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
             connection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

/// A token endpoint's answer.
pub fn token(token: &str, expire: u64) -> Reply {
    json(200, "", &format!(r#"{{"code":0,"msg":"ok","tenant_access_token":"{token}","expire":{expire}}}"#))
}

/// Send message's successful answer.
pub fn message() -> Reply {
    json(
        200,
        "",
        r#"{"code":0,"msg":"success","data":{"message_id":"om_1","msg_type":"text","create_time":"1","update_time":"1","chat_id":"oc_1","sender":{"id":"cli_1","id_type":"app_id","sender_type":"app"},"body":{"content":"{\"text\":\"hi\"}"}}}"#,
    )
}

/// Token answers on the auth endpoints, `other` for the rest.
pub fn with_tokens(
    other: impl Fn(&Request) -> Reply + Send + Sync + 'static,
) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    move |request| {
        if request.path.starts_with("/open-apis/auth/") { token("t-hostile", 7200) } else { other(request) }
    }
}

/// The peak resident memory of this process so far, in bytes (Linux).
pub fn peak_rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}
