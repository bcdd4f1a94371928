//! Running the server: bind, serve, and stop gracefully on SIGTERM or Ctrl-C: the listener
//! closes, requests in flight finish (every write commits before its answer is sent, so
//! nothing acknowledged is lost), the sender of messages finishes the message it is sending,
//! then the store is closed.

use crate::{App, AttachmentPlace, Options, Shared, WebStore, routes};
use gongkai_services::notify::send::{Worker, step};
use gongkai_services::requests::DeskCache;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("无法监听 {addr}：{reason}")]
    Bind { addr: String, reason: String },
    #[error("服务器运行出错：{0}")]
    Io(#[from] std::io::Error),
    #[error("无法读取数据库：{0}")]
    Store(String),
}

/// Binds `addr` (`127.0.0.1:8080`; port 0 picks a free port).
pub async fn bind(addr: &str) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr).await.map_err(|e| ServeError::Bind {
        addr: addr.to_owned(),
        reason: match e.kind() {
            std::io::ErrorKind::AddrInUse => "端口已被占用".to_owned(),
            std::io::ErrorKind::PermissionDenied => "没有权限使用该端口".to_owned(),
            std::io::ErrorKind::AddrNotAvailable => "本机没有这个地址".to_owned(),
            _ => e.to_string(),
        },
    })
}

/// Serves on `listener` until `shutdown` resolves, then lets requests in flight finish. The
/// catalogue's `search` index is brought up to the store first.
pub async fn serve<S: WebStore>(
    listener: TcpListener,
    store: S,
    search: gongkai_search::AnySearch,
    attachments: AttachmentPlace,
    mut options: Options,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    // The audit log's pseudonym key, read once rather than for every write.
    if options.settings.audit_key.is_none() {
        let key = store
            .installation_key()
            .await
            .map_err(|e| ServeError::Store(e.to_string()))?;
        options.settings.audit_key = Some(key);
    }
    // Documents stored while no index was applying them (see `catalogue::Ctx::catch_up`).
    gongkai_services::portal::Public::new(&store, &options.settings)
        .map_err(|e| ServeError::Store(e.to_string()))?
        .catch_up_index(&search)
        .await
        .map_err(|e| ServeError::Store(e.to_string()))?;
    let app: Shared<S> = Arc::new(App {
        store,
        options,
        desks: DeskCache::default(),
        pages: crate::cache::PageCache::default(),
        views: crate::views::ViewCounter::default(),
        search,
        attachments,
    });
    let router = routes::router(app.clone());
    // The page views are written every few seconds, and once more after the last request.
    let flusher = app.options.count_views.then(|| {
        let app = app.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(app.options.views_flush);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                crate::views::flush(&app.store, &app.views).await;
            }
        })
    });
    // The queued messages are sent by a task of their own, stopped after the last request.
    let (stop_sender, stopped) = tokio::sync::watch::channel(false);
    let sender = app.options.notify.clone().and_then(|n| {
        match Worker::new(n.transports, app.options.settings.notify.clone()) {
            Ok(worker) => Some(tokio::spawn(send_messages(
                app.clone(),
                worker,
                n.every,
                stopped,
            ))),
            Err(e) => {
                tracing::error!(error = %e, "消息发送未能启动");
                None
            }
        }
    });
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    if let Some(task) = flusher {
        task.abort();
    }
    let _ = stop_sender.send(true);
    if let Some(task) = sender {
        let _ = task.await;
    }
    crate::views::flush(&app.store, &app.views).await;
    served?;
    Ok(())
}

/// How often the sender runs the daily scan of due-soon and overdue requests (it queues each
/// account's messages once a day, whenever it runs).
const SCAN_EVERY: chrono::Duration = chrono::Duration::hours(1);

/// The server's sender of messages: every `every`, the daily scan when due, then the messages
/// due; until `stopped` turns true, and never in the middle of a message (a claimed message is
/// finished before the task ends). Several server processes each run one: the queue's claims
/// keep them from sending a message twice.
async fn send_messages<S: WebStore>(
    app: Shared<S>,
    worker: Worker,
    every: std::time::Duration,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_scan: Option<chrono::DateTime<chrono::Utc>> = None;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.changed() => return,
        }
        let now = crate::now();
        let scan = last_scan.is_none_or(|t| now - t >= SCAN_EVERY);
        match step(&worker, &app.store, &app.settings(), scan, now).await {
            Ok((scanned, round)) => {
                if scan {
                    last_scan = Some(now);
                }
                if round.claimed > 0 || scanned > 0 {
                    tracing::info!(
                        scanned,
                        sent = round.sent,
                        retried = round.retried,
                        failed = round.failed,
                        "消息发送"
                    );
                }
            }
            Err(e) => tracing::warn!(error = %e, "消息发送出错，稍后重试"),
        }
        if *stopped.borrow() {
            return;
        }
    }
}

/// Resolves on SIGTERM (a service manager stopping the server) or Ctrl-C.
pub async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("stopping: finishing requests in flight");
}
