//! Starting and stopping the server: used by `halles serve` and by the tests.

use crate::mailer::Mailer;
use halles_store::Store;
use halles_web::{AppState, WebConfig};
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A running server (and its worker, when started with one).
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<()>,
    worker: Option<JoinHandle<()>>,
}

impl Running {
    /// The base URL, such as `http://127.0.0.1:8080`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Asks the server and worker to stop, and waits for in-flight requests to finish.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.server.await;
        if let Some(w) = self.worker {
            let _ = w.await;
        }
    }

    /// Waits until the server stops by itself (after a signal).
    pub async fn wait(self) {
        let _ = self.server.await;
        let _ = self.shutdown.send(true);
        if let Some(w) = self.worker {
            let _ = w.await;
        }
    }
}

/// Serves the app on `listener`; with `mailer`, also runs the background worker.
pub fn start(
    store: Store,
    web: WebConfig,
    listener: TcpListener,
    mailer: Option<Mailer>,
) -> std::io::Result<Running> {
    let addr = listener.local_addr()?;
    let (tx, rx) = watch::channel(false);
    let base_url = web.base_url.clone();
    let router = halles_web::router(AppState::new(store.clone(), web));
    let mut server_rx = rx.clone();
    let server = tokio::spawn(async move {
        let shutdown = async move {
            tokio::select! {
                _ = server_rx.wait_for(|stop| *stop) => {}
                _ = signal() => { tracing::info!("shutdown signal received"); }
            }
        };
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(e) = axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "server stopped with an error");
        }
    });
    let worker = mailer.map(|m| tokio::spawn(crate::worker::run_until(store, m, base_url, rx)));
    Ok(Running {
        addr,
        shutdown: tx,
        server,
        worker,
    })
}

/// Ctrl-C or SIGTERM.
pub async fn signal() {
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
        _ = ctrl_c => {}
        _ = term => {}
    }
}
