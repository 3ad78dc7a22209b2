//! The `shipgate` command line: serve, migrate, openapi, sandbox, api-key.

use std::process::ExitCode;

use std::net::SocketAddr;

use clap::{Parser, Subcommand};

use shipgate::app::{Application, shutdown_signal};
use shipgate::config::{Config, DEFAULT_DATABASE_URL, LogFormat};
use shipgate::demo::{self, Demo};
use shipgate::domain::CarrierKind;
use shipgate::service::api_keys::{self, KeyMode};
use shipgate::{api, sandbox, store, telemetry};

#[derive(Parser)]
#[command(name = "shipgate", version, about = "Unified shipping gateway: one REST API in front of many carriers")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API and its background workers.
    Serve(Box<Config>),
    /// Create the database if needed and apply migrations, then exit.
    Migrate {
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Exit 0 when the local service answers /readyz (container health checks).
    Healthcheck {
        #[arg(long, default_value = "http://127.0.0.1:8080/readyz")]
        url: String,
    },
    /// Serve the four carrier simulators only (see docs/sandbox.md).
    Sandbox {
        #[arg(long, env = "SHIPGATE_SANDBOX_LISTEN", default_value = "127.0.0.1:8081")]
        listen: SocketAddr,
    },
    /// Manage API keys.
    #[command(subcommand)]
    ApiKey(ApiKeyCommand),
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Create a key for a tenant (created when new) and print it once.
    Create {
        #[arg(long)]
        tenant: String,
        #[arg(long, value_enum, default_value_t = KeyMode::Live)]
        mode: KeyMode,
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let log_format = match &cli.command {
        Command::Serve(config) => config.log_format,
        _ => LogFormat::Pretty,
    };
    telemetry::init(log_format);
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Serve(config) => {
            let sandbox = config.sandbox.then_some(config.sandbox_listen);
            let app = Application::build(*config).await.map_err(|e| e.to_string())?;
            let address = app.local_addr();
            // Kept alive for as long as the service runs.
            let _demo = match sandbox {
                Some(listen) => {
                    let demo = demo::start(app.state(), listen).await?;
                    print_demo(&demo, address);
                    Some(demo)
                }
                None => None,
            };
            tracing::info!(%address, "shipgate listening; docs at /docs");
            app.run_until(shutdown_signal()).await.map_err(|e| e.to_string())
        }
        Command::Sandbox { listen } => {
            let running = sandbox::spawn(Default::default(), listen).await.map_err(|e| e.to_string())?;
            println!("carrier sandbox listening on {}", running.base_url);
            for kind in CarrierKind::ALL {
                println!("  {:<12} {}", kind.as_str(), demo::sandbox_base_url(kind, &running.base_url));
            }
            println!("  admin        {}/_sandbox (clock, scenarios, faults, rate limits, stats)", running.base_url);
            shutdown_signal().await;
            running.shutdown().await;
            Ok(())
        }
        Command::Migrate { database_url } => {
            store::ensure_database(&database_url).await.map_err(|e| e.to_string())?;
            let db = store::pool(&database_url, 2).map_err(|e| e.to_string())?;
            store::migrate(&db).await.map_err(|e| e.to_string())?;
            println!("migrations applied");
            Ok(())
        }
        Command::Openapi => {
            print!("{}", api::openapi::document_json());
            Ok(())
        }
        Command::Healthcheck { url } => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let client = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(2))
                .build()
                .map_err(|e| e.to_string())?;
            let response = client.get(&url).send().await.map_err(|e| format!("{url}: {e}"))?;
            if response.status().is_success() { Ok(()) } else { Err(format!("{url} answered {}", response.status())) }
        }
        Command::ApiKey(ApiKeyCommand::Create { tenant, mode, database_url }) => {
            store::ensure_database(&database_url).await.map_err(|e| e.to_string())?;
            let db = store::pool(&database_url, 2).map_err(|e| e.to_string())?;
            store::migrate(&db).await.map_err(|e| e.to_string())?;
            let key = api_keys::create(&db, &tenant, mode).await.map_err(|e| e.to_string())?;
            eprintln!("API key for tenant `{}` ({}); it is shown only once:", key.tenant_name, key.tenant);
            println!("{}", key.secret);
            Ok(())
        }
    }
}

fn print_demo(demo: &Demo, address: SocketAddr) {
    let port = address.port();
    println!();
    println!("shipgate sandbox demo");
    println!("  API            http://localhost:{port}/v1   (Swagger UI: http://localhost:{port}/docs/)");
    println!("  API key        {}", demo.api_key);
    println!("  sandbox        {}   (admin: {}/_sandbox)", demo.sandbox.base_url, demo.sandbox.base_url);
    for (kind, id) in &demo.accounts {
        println!("  {:<14} carrier account {id}", kind.as_str());
    }
    println!();
    println!("  export KEY={}", demo.api_key);
    println!("  curl -s localhost:{port}/v1/carrier-accounts -H \"Authorization: Bearer $KEY\"");
    println!();
}
