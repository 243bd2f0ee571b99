//! A private deployment behind TLS with its own certificate authority: the fake on
//! 127.0.0.1 behind a TLS front with a test CA (`tests/tls/`). Without the CA the call
//! fails with kind `tls`, at once and without retries; with the CA as PEM bytes or as a
//! file, it goes through.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use larkmsg::{ErrorKind, ReceiveIdType};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

fn tls_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/tls").join(name)
}

/// Serves TLS on a free port of 127.0.0.1 and passes the plain bytes on to `backend`;
/// counts the connections it accepted.
async fn tls_front(backend: String) -> (String, Arc<AtomicUsize>) {
    let certificates =
        CertificateDer::pem_file_iter(tls_file("server.pem")).unwrap().map(Result::unwrap).collect();
    let key = PrivateKeyDer::from_pem_file(tls_file("server.key")).unwrap();
    let config = ServerConfig::builder().with_no_client_auth().with_single_cert(certificates, key).unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let (acceptor, backend) = (acceptor.clone(), backend.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                let Ok(mut plain) = TcpStream::connect(backend).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn a_private_ca_is_trusted_once_added_and_refused_clearly_before() {
    let fake = common::fake().await;
    let (url, accepted) = tls_front(fake.url().trim_start_matches("http://").to_owned()).await;

    let untrusted = common::builder(&fake).base_url(&url).build().unwrap();
    let error = untrusted.send_text(ReceiveIdType::OpenId, "ou_1", "hi").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Tls, "{error}");
    assert!(error.message().contains("certificate"), "{error}");
    assert!(error.message().contains("root_certificates"), "{error}");
    assert!(!error.maybe_sent(), "{error}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "a TLS failure is not retried");

    let pem = std::fs::read(tls_file("ca.pem")).unwrap();
    let with_bytes = common::builder(&fake).base_url(&url).root_certificates_pem(pem).build().unwrap();
    with_bytes.send_text(ReceiveIdType::OpenId, "ou_1", "over TLS").await.unwrap();
    let with_file =
        common::builder(&fake).base_url(&url).root_certificates_file(tls_file("ca.pem")).build().unwrap();
    with_file.send_text(ReceiveIdType::OpenId, "ou_1", "over TLS again").await.unwrap();
    assert_eq!(fake.inbox().messages.len(), 2);
}
