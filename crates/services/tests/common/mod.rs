//! Local sinks the tests send to: an SMTP server and an SMS gateway on ports of this machine,
//! each keeping what it received.
#![allow(dead_code, clippy::unwrap_used)]

use base64::Engine;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// The text of a base64 message body as sent (after the blank line that ends the headers).
pub fn body_text(message: &str) -> String {
    let (_, body) = message
        .split_once("\r\n\r\n")
        .expect("headers, then the body");
    let encoded: String = body.split_whitespace().collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim_end_matches('.'))
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

/// An SMTP server on a local port, taking any number of connections, keeping each message
/// (headers and body as sent) once the client ends its `DATA`.
pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    /// What it received so far.
    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }
}

pub async fn smtp_sink() -> SmtpSink {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let kept = messages.clone();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            tokio::spawn(smtp_session(socket, kept.clone()));
        }
    });
    SmtpSink { port, messages }
}

async fn smtp_session(socket: tokio::net::TcpStream, kept: Arc<Mutex<Vec<String>>>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
    let mut data: Option<String> = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(text) = data.as_mut() {
            if line == "." {
                kept.lock().unwrap().push(data.take().unwrap_or_default());
                write.write_all(b"250 queued\r\n").await.unwrap();
            } else {
                text.push_str(&line);
                text.push_str("\r\n");
            }
            continue;
        }
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let answer: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
            "DATA" => {
                data = Some(String::new());
                b"354 go on\r\n"
            }
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                break;
            }
            _ => b"250 ok\r\n",
        };
        write.write_all(answer).await.unwrap();
    }
}

/// One request the SMS gateway received: the signature header and the body.
#[derive(Debug, Clone)]
pub struct Posted {
    pub signature: Option<String>,
    pub body: Vec<u8>,
    /// The status it was answered.
    pub status: u16,
}

/// An SMS gateway on a local port (axum): answers 500 to the first `fail_first` requests, then
/// 200, and keeps every request with its answer.
pub struct HttpSink {
    pub url: String,
    posted: Arc<Mutex<Vec<Posted>>>,
}

impl HttpSink {
    pub fn posted(&self) -> Vec<Posted> {
        self.posted.lock().unwrap().clone()
    }

    /// The JSON bodies of the requests answered 200.
    pub fn delivered(&self) -> Vec<serde_json::Value> {
        self.posted()
            .into_iter()
            .filter(|p| p.status == 200)
            .map(|p| serde_json::from_slice(&p.body).unwrap())
            .collect()
    }
}

pub async fn http_sink(fail_first: usize) -> HttpSink {
    use axum::http::{HeaderMap, StatusCode};
    let posted: Arc<Mutex<Vec<Posted>>> = Arc::new(Mutex::new(Vec::new()));
    let kept = posted.clone();
    let app = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let kept = kept.clone();
            async move {
                let mut list = kept.lock().unwrap();
                let status = if list.len() < fail_first {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                };
                list.push(Posted {
                    signature: headers
                        .get("x-signature")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned),
                    body: body.to_vec(),
                    status: status.as_u16(),
                });
                status
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    HttpSink {
        url: format!("http://127.0.0.1:{port}/sms"),
        posted,
    }
}
