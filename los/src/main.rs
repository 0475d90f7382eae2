//! The Los binary: `serve`, `migrate`, `demo`, `init`, `admin`, `audit verify`, `audit checkpoint`,
//! `token create`, `scim`.
//!
//! Configuration comes from flags, then environment variables, then an optional TOML file (`--config`),
//! then defaults. The default database is an embedded SQLite file under `./data/`.
#![forbid(unsafe_code)]

mod admin;
mod config;
mod remind;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use los_store::{Store, TokenKind};
use tracing_subscriber::EnvFilter;

use crate::config::{Config, FileConfig, GlobalArgs};

#[derive(Parser)]
#[command(
    name = "los",
    version,
    about = "Los: case coordination for services to children, young people and their families"
)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations, load reference data and serve HTTP.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "LOS_LISTEN")]
        listen: Option<String>,
        /// Load the demo municipality and offer the demo users on the login page.
        #[arg(long, env = "LOS_DEMO")]
        demo: bool,
        /// Mark cookies Secure (set when Los runs behind HTTPS).
        #[arg(long, env = "LOS_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Failed log-ins and token checks allowed per client address and minute before it is answered
        /// 429 (0 turns the limit off) [default: 20].
        #[arg(long, env = "LOS_FAILURES_PER_MINUTE")]
        failures_per_minute: Option<u32>,
        /// Where meeting invitations go: smtp://host:port, smtps://user:password@host, or file:/dir
        /// (default: [mail] transport; without one, invitations are refused with a clear message).
        #[arg(long, env = "LOS_MAIL")]
        mail: Option<String>,
        /// The sender address of invitations.
        #[arg(long, env = "LOS_MAIL_FROM")]
        mail_from: Option<String>,
        /// Where Los is served, for the links in invitations.
        #[arg(long, env = "LOS_BASE_URL")]
        base_url: Option<String>,
    },
    /// Apply pending database migrations (or list them with --status).
    Migrate {
        #[arg(long)]
        status: bool,
    },
    /// Load the demo municipality (idempotent).
    Demo {
        /// Then add this many synthetic cases to it, for the benchmark (each run adds more).
        #[arg(long)]
        scale: Option<usize>,
    },
    /// Set up a municipality from the reference data and its first administrator (idempotent).
    Init(admin::InitArgs),
    /// Administer a municipality's services, employees and roles, as an administrator (`--as USER`).
    Admin(Box<admin::AdminArgs>),
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// E-mail each employee with open tasks a count of them, once a day (run from cron or a timer).
    Remind {
        /// smtp://host:port, smtps://user:password@host, or file:/dir (one .eml file per message).
        #[arg(long, env = "LOS_MAIL")]
        mail: Option<String>,
        /// The sender address.
        #[arg(long, env = "LOS_MAIL_FROM")]
        mail_from: Option<String>,
        /// Where Los is served, for the link to the worklist.
        #[arg(long, env = "LOS_BASE_URL")]
        base_url: Option<String>,
        /// The language of the message: nb, nn or en.
        #[arg(long, default_value = "nb")]
        lang: String,
        /// List who would get a reminder, and send nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Provisioning from the municipality's directory over SCIM (docs/DEPLOYMENT.md).
    Scim {
        #[command(subcommand)]
        command: ScimCommand,
    },
}

#[derive(Subcommand)]
enum ScimCommand {
    /// The bearer tokens the directory (Entra ID) provisions with.
    Token {
        #[command(subcommand)]
        command: ScimTokenCommand,
    },
    /// Map a directory group to a role: its active members hold the role in the service (or the
    /// organisation) while they are members.
    MapGroup {
        /// The group's SCIM id, or its display name when only one group has it.
        #[arg(long)]
        group: String,
        /// The service id, e.g. nordby-skole.
        #[arg(long, conflicts_with = "organisation", required_unless_present = "organisation")]
        service: Option<String>,
        /// An organisation id, for a role in the organisation as a whole (leader, administrator).
        #[arg(long)]
        organisation: Option<String>,
        /// case_worker, coordinator, child_coordinator, coordinating_unit_handler, leader or administrator.
        #[arg(long)]
        role: String,
    },
    /// List the group mappings.
    Mappings,
    /// Remove a group mapping (by the id `los scim mappings` shows); the memberships it gave end.
    UnmapGroup {
        /// The mapping's id.
        id: i64,
    },
}

#[derive(Subcommand)]
enum ScimTokenCommand {
    /// Create a SCIM token and print it (once: only its hash is kept).
    Create {
        /// What the token is for, e.g. "Entra ID provisioning".
        #[arg(long)]
        label: String,
    },
    /// List SCIM tokens (never their secrets).
    List,
    /// Revoke a SCIM token at once, by the id `los scim token list` shows.
    Revoke {
        /// The token's id (at least 8 characters of it).
        id: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Set the e-mail address reminders go to (leave out --email to remove it).
    SetEmail {
        #[arg(long)]
        user: String,
        #[arg(long)]
        email: Option<String>,
    },
    /// Set who a staff member is at the identity provider: the value of the provider's subject_claim, or
    /// `hpr:NUMBER` for an HPR number (leave out --subject to remove it).
    SetSubject {
        #[arg(long)]
        user: String,
        #[arg(long)]
        subject: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain and check it against the checkpoint file (when configured); exit 3 naming the
    /// first bad entry, a cut-back or replaced chain, or a forged checkpoint.
    Verify,
    /// Append a signed checkpoint of the chain's length and head to the checkpoint file now.
    Checkpoint,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print it.
    Create {
        /// The user id, e.g. barnevern.
        #[arg(long)]
        user: String,
        /// What the token is for.
        #[arg(long)]
        label: Option<String>,
        /// Days until the token expires (1–365).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=365))]
        days: i64,
    },
    /// List API tokens (never their secrets): id, user, label, created, expires, last used, revoked.
    List {
        /// Only this user's tokens.
        #[arg(long)]
        user: Option<String>,
    },
    /// Revoke an API token at once, by the id `los token list` shows; recorded in the audit log.
    Revoke {
        /// The token's id (at least 8 characters of it).
        #[arg(long)]
        id: String,
    },
}

fn init_tracing(json: bool) {
    let filter = EnvFilter::try_from_env("LOS_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json { builder.json().init() } else { builder.init() }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let file = match FileConfig::load(cli.global.config.as_deref()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    init_tracing(cli.global.log_format.as_deref().or(file.log_format.as_deref()) == Some("json"));
    match run(cli, file).await {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(config: &Config) -> anyhow::Result<Store> {
    let store =
        Store::connect(&config.database, config.audit_key.clone()).await?.with_settings(config.settings.clone());
    tracing::info!(database = %config.database.redacted(), backend = store.backend().as_str(), "connected");
    Ok(store)
}

/// Before a command that may append to the audit chain: migrations, the audit key (a missing key file
/// beside a non-empty chain, or a key the chain was not written with, is refused), reference data.
async fn prepare(store: &Store, config: &mut Config) -> anyhow::Result<()> {
    let applied = store.migrate().await?;
    if applied > 0 {
        tracing::info!(applied, "migrations applied");
    }
    config.settle_key_file(store).await?;
    config.check_key(store).await?;
    store.sync_reference_data().await.context("loading reference data")?;
    Ok(())
}

async fn run(cli: Cli, file: FileConfig) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve {
            ref listen,
            demo,
            secure_cookies,
            failures_per_minute,
            ref mail,
            ref mail_from,
            ref base_url,
        } => {
            let mail = MailArgs { transport: mail.clone(), from: mail_from.clone(), base_url: base_url.clone() };
            serve(&cli, &file, listen.clone(), demo, secure_cookies, failures_per_minute, mail).await
        }
        Command::Migrate { status } => {
            let mut config = Config::resolve(&cli.global, &file)?;
            let store = open(&config).await?;
            if status {
                let (applied, pending) = store.migration_status().await?;
                for m in applied {
                    println!("applied  {m}");
                }
                for m in pending {
                    println!("pending  {m}");
                }
            } else {
                prepare(&store, &mut config).await?;
                println!("database is up to date");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { scale } => {
            let store = ready(&cli, &file).await?;
            if los_store::demo::load(&store).await? {
                println!("demo municipality loaded");
            } else {
                println!("demo municipality was already loaded");
            }
            if let Some(n) = scale {
                let total = los_store::scale::load(&store, n).await?;
                println!("{n} synthetic cases added; {total} synthetic cases in all");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Init(ref args) => {
            let store = ready(&cli, &file).await?;
            admin::init(&store, args).await
        }
        Command::Admin(ref args) => {
            let store = ready(&cli, &file).await?;
            admin::admin(&store, args).await
        }
        Command::Audit { command: AuditCommand::Verify } => audit_verify(&cli, &file).await,
        Command::Audit { command: AuditCommand::Checkpoint } => audit_checkpoint(&cli, &file).await,
        Command::Token { ref command } => token_command(&cli, &file, command).await,
        Command::Remind { .. } => remind_command(&cli, &file).await,
        Command::User { ref command } => user_command(&cli, &file, command).await,
        Command::Scim { ref command } => scim_command(&cli, &file, command).await,
    }
}

/// The store of a command that works on the data: configuration resolved, connected, migrations and
/// reference data applied.
async fn ready(cli: &Cli, file: &FileConfig) -> anyhow::Result<Store> {
    let mut config = Config::resolve(&cli.global, file)?;
    let store = open(&config).await?;
    prepare(&store, &mut config).await?;
    Ok(store)
}

/// `los token list | revoke | create`.
async fn token_command(cli: &Cli, file: &FileConfig, command: &TokenCommand) -> anyhow::Result<ExitCode> {
    let store = ready(cli, file).await?;
    match command {
        TokenCommand::List { user } => {
            let fmt = |t: Option<chrono::DateTime<chrono::Utc>>| {
                t.map_or_else(|| "-".to_owned(), |t| t.format("%Y-%m-%d %H:%M").to_string())
            };
            println!(
                "{:<12}  {:<16}  {:<16}  {:<16}  {:<16}  {:<16}  label",
                "id", "user", "created", "expires", "last used", "revoked"
            );
            for t in store.list_tokens(user.as_deref(), TokenKind::Api).await? {
                println!(
                    "{:<12}  {:<16}  {:<16}  {:<16}  {:<16}  {:<16}  {}",
                    t.id,
                    t.user_id,
                    fmt(Some(t.created_at)),
                    fmt(t.expires_at),
                    fmt(t.last_used_at),
                    fmt(t.revoked_at),
                    t.label.unwrap_or_default()
                );
            }
        }
        TokenCommand::Revoke { id } => {
            let t = store.revoke_token_by_id(id).await?;
            println!("token {} of {} revoked", t.id, t.user_id);
        }
        TokenCommand::Create { user, label, days } => {
            let token = store
                .create_token(
                    user,
                    TokenKind::Api,
                    Some(label.as_deref().unwrap_or("created with los token create")),
                    Some(chrono::Duration::days(*days)),
                )
                .await?;
            println!("{token}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `los scim token create | list | revoke`, `los scim map-group | mappings | unmap-group`.
async fn scim_command(cli: &Cli, file: &FileConfig, command: &ScimCommand) -> anyhow::Result<ExitCode> {
    let store = ready(cli, file).await?;
    let fmt = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(|| "-".to_owned(), |t| t.format("%Y-%m-%d %H:%M").to_string())
    };
    match command {
        ScimCommand::Token { command: ScimTokenCommand::Create { label } } => {
            let (secret, info) = store.create_scim_token(label).await?;
            eprintln!("SCIM token {} created; it is shown once, give it to the directory as its secret token", info.id);
            println!("{secret}");
        }
        ScimCommand::Token { command: ScimTokenCommand::List } => {
            println!("{:<12}  {:<16}  {:<16}  {:<16}  label", "id", "created", "last used", "revoked");
            for t in store.scim_tokens().await? {
                println!(
                    "{:<12}  {:<16}  {:<16}  {:<16}  {}",
                    t.id,
                    fmt(Some(t.created_at)),
                    fmt(t.last_used_at),
                    fmt(t.revoked_at),
                    t.label
                );
            }
        }
        ScimCommand::Token { command: ScimTokenCommand::Revoke { id } } => {
            let t = store.revoke_scim_token(id).await?;
            println!("SCIM token {} ('{}') revoked", t.id, t.label);
        }
        ScimCommand::MapGroup { group, service, organisation, role } => {
            let role = los_domain::model::Role::parse(role).with_context(|| {
                let all: Vec<&str> = los_domain::model::Role::ALL.iter().map(|r| r.as_str()).collect();
                format!("unknown role '{role}': one of {}", all.join(", "))
            })?;
            let m = store.scim_map_group(group, service.as_deref(), organisation.as_deref(), role).await?;
            println!(
                "mapping {}: members of '{}' are {} in {}",
                m.id,
                m.group_name,
                m.role,
                m.service_id.as_deref().unwrap_or(&m.organisation_id)
            );
        }
        ScimCommand::Mappings => {
            println!("{:<6}  {:<32}  {:<28}  {:<24}  group", "id", "group id", "service or organisation", "role");
            for m in store.scim_group_mappings().await? {
                println!(
                    "{:<6}  {:<32}  {:<28}  {:<24}  {}",
                    m.id,
                    m.group_id,
                    m.service_id.as_deref().unwrap_or(&m.organisation_id),
                    m.role.as_str(),
                    m.group_name
                );
            }
        }
        ScimCommand::UnmapGroup { id } => {
            store.scim_unmap_group(*id).await?;
            println!("mapping {id} removed; the memberships it gave have ended");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `los user set-email | set-subject`.
async fn user_command(cli: &Cli, file: &FileConfig, command: &UserCommand) -> anyhow::Result<ExitCode> {
    let store = ready(cli, file).await?;
    match command {
        UserCommand::SetEmail { user, email } => {
            store.set_user_email(user, email.as_deref()).await?;
            println!("{}", if email.is_some() { "e-mail address set" } else { "e-mail address removed" });
        }
        UserCommand::SetSubject { user, subject } => {
            store.set_external_subject(user, subject.as_deref()).await?;
            println!("{}", if subject.is_some() { "external subject set" } else { "external subject removed" });
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `los serve`: migrations, reference data, the demo when asked, then HTTP until a shutdown signal.
/// The mail settings given on the command line or in the environment (they win over `[mail]`).
struct MailArgs {
    transport: Option<String>,
    from: Option<String>,
    base_url: Option<String>,
}

impl MailArgs {
    /// The web process's mailer, when a transport is configured.
    fn mailer(self, file: &FileConfig) -> anyhow::Result<Option<std::sync::Arc<los_web::mail::Mailer>>> {
        let Some(transport) = self.transport.or(file.mail.transport.clone()) else { return Ok(None) };
        let from = self.from.or(file.mail.from.clone()).unwrap_or_else(|| "Los <los@localhost.invalid>".into());
        let base_url = self.base_url.or(file.mail.base_url.clone()).unwrap_or_else(|| "http://127.0.0.1:8080".into());
        Ok(Some(std::sync::Arc::new(los_web::mail::Mailer::new(&transport, &from, &base_url)?)))
    }
}

async fn serve(
    cli: &Cli,
    file: &FileConfig,
    listen: Option<String>,
    demo: bool,
    secure_cookies: bool,
    failures_per_minute: Option<u32>,
    mail: MailArgs,
) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    // Listen for the shutdown signal from the start: a SIGTERM during start-up then ends Los gracefully
    // (with its shutdown checkpoint) instead of killing it.
    let shutdown = shutdown_signal();
    let mut config = Config::resolve(&cli.global, file)?;
    let login = std::sync::Arc::new(file.oidc.providers()?);
    let mail = mail.mailer(file)?;
    let demo = demo || file.demo.unwrap_or(false);
    let listen = listen.or(file.listen.clone()).unwrap_or_else(|| "127.0.0.1:8080".into());
    let store = open(&config).await?;
    prepare(&store, &mut config).await?;
    if demo && los_store::demo::load(&store).await? {
        tracing::info!("demo municipality loaded");
    }
    let listener =
        tokio::net::TcpListener::bind(&listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let secure_cookies = secure_cookies || file.secure_cookies.unwrap_or(false);
    // Checkpoints at start, every interval and at shutdown anchor the chain outside the database.
    let checkpoints = match &config.audit_checkpoints {
        Some(path) => {
            store.write_audit_checkpoint(path).await.context("writing the audit checkpoint at start-up")?;
            Some(tokio::spawn(checkpoint_every(store.clone(), path.clone(), config.checkpoint_interval)))
        }
        None => {
            tracing::warn!(
                "no audit checkpoint file configured (--audit-checkpoints): removing the newest audit entries would go unnoticed"
            );
            None
        }
    };
    let failures_per_minute = failures_per_minute.or(file.failures_per_minute).unwrap_or(20);
    let failures = los_web::security::FailureLimiter::new(failures_per_minute);
    let app = los_web::router(los_web::AppState { store: store.clone(), demo, secure_cookies, failures, login, mail });
    tracing::info!(
        address = %listener.local_addr()?,
        demo,
        startup_ms = started.elapsed().as_millis() as u64,
        "Los is serving on http://{}",
        listener.local_addr()?
    );
    // The client's address is kept with each request for the failure limiter.
    let served = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await;
    if let (Some(task), Some(path)) = (checkpoints, &config.audit_checkpoints) {
        task.abort();
        store.write_audit_checkpoint(path).await.context("writing the audit checkpoint at shutdown")?;
    }
    served?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Writes a checkpoint every `interval` until aborted. A failed write is logged and retried next time.
async fn checkpoint_every(store: Store, path: PathBuf, interval: std::time::Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    loop {
        ticks.tick().await;
        if let Err(e) = store.write_audit_checkpoint(&path).await {
            tracing::error!(error = %e, "could not write the audit checkpoint");
        }
    }
}

/// `los audit verify`: exit 3 naming the first bad entry when the chain is broken, or the problem when the
/// chain does not match the checkpoint file (cut back, replaced) or the file holds a forged line.
async fn audit_verify(cli: &Cli, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let mut config = Config::resolve(&cli.global, file)?;
    let store = open(&config).await?;
    // No new key for a chain that has entries; a wrong key shows below as a broken chain.
    config.settle_key_file(&store).await?;
    let report = store.verify_audit_chain().await?;
    let mut broken = false;
    match report.first_bad {
        None => println!("audit chain intact: {} entries verified", report.checked),
        Some(bad) => {
            broken = true;
            println!(
                "audit chain BROKEN at entry {}: {} ({} entries before it verified)",
                bad.seq, bad.problem, report.checked
            );
        }
    }
    if let Some(path) = &config.audit_checkpoints {
        let cps = store.verify_audit_checkpoints(path).await?;
        match cps.problem {
            None => println!(
                "checkpoints match: {} checkpoints in {}, the latest at entry {}",
                cps.checkpoints,
                path.display(),
                cps.latest_seq.unwrap_or(0)
            ),
            Some(problem) => {
                broken = true;
                println!("audit checkpoints FAILED: {problem}");
            }
        }
    } else {
        println!("no checkpoint file configured (--audit-checkpoints): entries removed at the end cannot be detected");
    }
    Ok(if broken { ExitCode::from(3) } else { ExitCode::SUCCESS })
}

/// `los audit checkpoint`: append one signed checkpoint now (e.g. from cron when Los is not serving).
async fn audit_checkpoint(cli: &Cli, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let mut config = Config::resolve(&cli.global, file)?;
    let Some(path) = config.audit_checkpoints.clone() else {
        anyhow::bail!(
            "set the checkpoint file with --audit-checkpoints, LOS_AUDIT_CHECKPOINTS or audit_checkpoints in the configuration file"
        );
    };
    let store = open(&config).await?;
    config.settle_key_file(&store).await?;
    config.check_key(&store).await?;
    let cp = store.write_audit_checkpoint(&path).await?;
    println!("checkpoint written to {}: {} entries, head {}", path.display(), cp.seq, cp.hash);
    Ok(ExitCode::SUCCESS)
}

async fn remind_command(cli: &Cli, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let Command::Remind { mail, mail_from, base_url, lang, dry_run } = &cli.command else {
        unreachable!("called for the remind command")
    };
    let Some(lang) = los_web::i18n::Lang::parse(lang) else {
        anyhow::bail!("--lang must be nb, nn or en");
    };
    let mut config = Config::resolve(&cli.global, file)?;
    let store = open(&config).await?;
    prepare(&store, &mut config).await?;
    let transport = match mail.as_deref().or(file.mail.transport.as_deref()) {
        Some(url) => Some(los_web::mail::Transport::from_url(url)?),
        None if *dry_run => None,
        None => {
            anyhow::bail!("set the mail transport with --mail, LOS_MAIL or [mail] transport in the configuration file")
        }
    };
    let from = mail_from.as_deref().or(file.mail.from.as_deref()).unwrap_or("Los <los@localhost.invalid>");
    let base_url = base_url.as_deref().or(file.mail.base_url.as_deref()).unwrap_or("http://127.0.0.1:8080");
    let sent = remind::run(&store, transport.as_ref(), from, base_url, lang, *dry_run).await?;
    if !dry_run {
        println!("{sent} reminders sent");
    }
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C or SIGTERM. The SIGTERM handler is installed when this is called, not when it is first awaited.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let term = async move {
            match term {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {},
            () = term => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}
