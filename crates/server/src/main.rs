//! `zhibu-server`: see `--help`.

use clap::Parser;
use tracing_subscriber::EnvFilter;
use zhibu_server::config::LogFormat;
use zhibu_server::store::Db;
use zhibu_server::{App, Config};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match config.log_format {
        LogFormat::Json => logs.json().init(),
        LogFormat::Text => logs.init(),
    }
    match serve(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("zhibu-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let db = match &config.database_url {
        Some(url) => Db::postgres(url).await,
        None => Db::sqlite(&config.data_dir).await,
    }
    .map_err(|e| format!("cannot open the database: {e}"))?;
    match &config.database_url {
        Some(_) => tracing::info!("database: PostgreSQL"),
        None => tracing::info!(dir = %config.data_dir.display(), "database: SQLite"),
    }
    if let Some(dist) = &config.dist
        && !dist.join("index.html").is_file()
    {
        return Err(format!("{} has no index.html: build the app first (cargo xtask run does)", dist.display()));
    }
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let app = App::new(db, config.clone());
    let limits = app.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            limits.limits.shrink();
        }
    });
    tracing::info!("listening on http://{}", config.bind);
    zhibu_server::serve::run(listener, app, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}
