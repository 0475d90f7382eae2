//! `los init` and `los admin`: setting up a municipality and administering its directory from the command
//! line. `los init` runs with the database's authority (like `los migrate`); `los admin` acts as an
//! administrator (`--as USER`), through the same store methods, access policy and audit log as the pages
//! and the API.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use los_domain::admin::{EmployeeText, ServiceText, StaffIdentity, employee_details, service_details};
use los_domain::ident::Kommunenummer;
use los_domain::model::User;
use los_store::{Directory, NewMembership, NewService, Store, StoreError};

/// `los init`.
#[derive(Args)]
pub struct InitArgs {
    /// The municipality number (kommunenummer), e.g. 4601 for Bergen.
    #[arg(long)]
    pub municipality: String,
    /// The first administrator: their e-mail address, or their subject at the identity provider (the
    /// value of the provider's subject_claim).
    #[arg(long)]
    pub admin: String,
}

/// `los admin`.
#[derive(Args)]
pub struct AdminArgs {
    /// The administrator acting (their user id, as `los init` prints it).
    #[arg(long = "as", value_name = "USER")]
    pub actor: String,
    #[command(subcommand)]
    pub command: AdminCommand,
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// List the services and employees of the directory (with ids, memberships and whether active).
    Directory {
        /// The organisation whose directory (needed only by an administrator of several).
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Services of the directory.
    Service {
        #[command(subcommand)]
        command: ServiceCommand,
    },
    /// Employees of the directory.
    Employee {
        #[command(subcommand)]
        command: EmployeeCommand,
    },
    /// An employee's roles in services and organisations.
    Membership {
        #[command(subcommand)]
        command: MembershipCommand,
    },
}

/// A service's details; on `edit`, what is left out stays as it is (an empty value clears it).
#[derive(Args, Default)]
pub struct ServiceFields {
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    /// The service's own organisation number (underenhet).
    #[arg(long)]
    pub orgnr: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long)]
    pub opening_hours: Option<String>,
}

#[derive(Subcommand)]
pub enum ServiceCommand {
    /// List a new service: its type from the welfare-service taxonomy (GET /api/v1/service-types).
    Create {
        #[arg(long = "type")]
        service_type: String,
        #[command(flatten)]
        fields: ServiceFields,
        /// municipal | county | state | private (default: as the taxonomy says for the type).
        #[arg(long)]
        owner_type: Option<String>,
        /// A county, state or private owner's name.
        #[arg(long)]
        owner_name: Option<String>,
        /// A county, state or private owner's organisation number.
        #[arg(long)]
        owner_orgnr: Option<String>,
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Change a service's details.
    Edit {
        #[arg(long)]
        id: String,
        #[command(flatten)]
        fields: ServiceFields,
    },
    /// Deactivate a service (it leaves the directory; cases keep naming it).
    Deactivate {
        #[arg(long)]
        id: String,
    },
    /// Reactivate a service.
    Activate {
        #[arg(long)]
        id: String,
    },
}

#[derive(Subcommand)]
pub enum EmployeeCommand {
    /// Add an employee, who logs in by e-mail address or subject.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        /// The subject at the identity provider.
        #[arg(long)]
        subject: Option<String>,
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Change an employee's name, e-mail address or subject (an empty value clears it).
    Edit {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        subject: Option<String>,
    },
    /// Deactivate an employee: no log-in, tokens revoked, no reminders.
    Deactivate {
        #[arg(long)]
        id: String,
    },
    /// Reactivate an employee.
    Activate {
        #[arg(long)]
        id: String,
    },
}

#[derive(Subcommand)]
pub enum MembershipCommand {
    /// Give an employee a role: case_worker, coordinator, child_coordinator, coordinating_unit_handler (in a
    /// service), leader or administrator (in a service or the organisation).
    Add {
        #[arg(long)]
        user: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        service: Option<String>,
        #[arg(long)]
        organisation: Option<String>,
    },
    /// End a membership (it is kept as history).
    End {
        #[arg(long)]
        id: i64,
    },
}

/// Prints a refusal the way an administrator reads it, and exits 2; other errors go up.
fn refused(e: StoreError) -> anyhow::Result<ExitCode> {
    match e {
        StoreError::Invalid { code, field, message } => {
            match field {
                Some(f) => eprintln!("error: {f}: {message} ({code})"),
                None => eprintln!("error: {message} ({code})"),
            }
            Ok(ExitCode::from(2))
        }
        StoreError::Denied(r) => {
            eprintln!("error: refused: {} (denied.{})", r.detail, r.code);
            Ok(ExitCode::from(2))
        }
        StoreError::NotFound { kind, id } => {
            eprintln!("error: {kind} {id} was not found");
            Ok(ExitCode::from(2))
        }
        other => Err(other.into()),
    }
}

/// `los init --municipality KNR --admin VALUE`.
pub async fn init(store: &Store, args: &InitArgs) -> anyhow::Result<ExitCode> {
    let knr = match Kommunenummer::parse(&args.municipality) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: municipality: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let admin = match StaffIdentity::parse(&args.admin) {
        Ok(a) => a,
        Err(e) => return refused(e.into_store()),
    };
    let r = match store.init_municipality(&knr, &admin).await {
        Ok(r) => r,
        Err(e) => return refused(e),
    };
    if r.changed() {
        if r.organisation_created {
            println!("organisation {} ({}) created", r.organisation_id, r.organisation_name);
        }
        if r.admin_created {
            println!("employee {} created", r.admin_user_id);
        }
        if r.admin_reactivated {
            println!("employee {} reactivated", r.admin_user_id);
        }
        if r.membership_created {
            println!("{} is administrator of {}", r.admin_user_id, r.organisation_id);
        }
    } else {
        println!(
            "nothing to do: {} ({}) is set up and {} is its administrator",
            r.organisation_id, r.organisation_name, r.admin_user_id
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The domain's refusal as the store's, to be printed like every other.
trait IntoStore {
    fn into_store(self) -> StoreError;
}

impl IntoStore for los_domain::admin::AdminError {
    fn into_store(self) -> StoreError {
        StoreError::Invalid { code: self.code, field: self.field, message: self.message }
    }
}

/// `los admin --as USER …`.
pub async fn admin(store: &Store, args: &AdminArgs) -> anyhow::Result<ExitCode> {
    let actor = match store.active_user(&args.actor).await {
        Ok(u) => u,
        Err(e) => return refused(e),
    };
    match run(store, &actor, &args.command).await {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => refused(e),
    }
}

fn text(v: &Option<String>, current: Option<&str>) -> String {
    v.clone().unwrap_or_else(|| current.unwrap_or_default().to_owned())
}

async fn run(store: &Store, actor: &User, command: &AdminCommand) -> Result<(), StoreError> {
    match command {
        AdminCommand::Directory { organisation } => {
            print_directory(&store.directory(actor, organisation.as_deref()).await?)
        }
        AdminCommand::Service { command } => match command {
            ServiceCommand::Create { service_type, fields, owner_type, owner_name, owner_orgnr, organisation } => {
                let details =
                    service_details(&service_text(fields, &Default::default())).map_err(IntoStore::into_store)?;
                let new = NewService {
                    organisation_id: organisation.clone(),
                    service_type: service_type.clone(),
                    details,
                    owner_type: owner_type.clone().unwrap_or_default(),
                    owner_name: owner_name.clone().unwrap_or_default(),
                    owner_orgnr: owner_orgnr.clone().unwrap_or_default(),
                };
                println!("{}", store.create_service(actor, &new).await?);
            }
            ServiceCommand::Edit { id, fields } => {
                let dirs = store.directories(actor).await?;
                let current = dirs
                    .iter()
                    .flat_map(|d| &d.services)
                    .find(|s| &s.id == id)
                    .ok_or_else(|| StoreError::NotFound { kind: "service", id: id.clone() })?;
                let now = Owned {
                    name: Some(current.name.clone()),
                    description: Some(current.description.clone()),
                    orgnr: current.orgnr.clone(),
                    phone: current.phone.clone(),
                    email: current.email.clone(),
                    address: current.address.clone(),
                    opening_hours: current.opening_hours.clone(),
                };
                let details = service_details(&service_text(fields, &now)).map_err(IntoStore::into_store)?;
                store.update_service(actor, id, &details).await?;
                println!("service {id} changed");
            }
            ServiceCommand::Deactivate { id } => {
                said("service", id, store.set_service_active(actor, id, false).await?, false)
            }
            ServiceCommand::Activate { id } => {
                said("service", id, store.set_service_active(actor, id, true).await?, true)
            }
        },
        AdminCommand::Employee { command } => match command {
            EmployeeCommand::Create { name, email, subject, organisation } => {
                let d = employee_details(&EmployeeText {
                    display_name: name,
                    email: email.as_deref().unwrap_or_default(),
                    external_subject: subject.as_deref().unwrap_or_default(),
                })
                .map_err(IntoStore::into_store)?;
                println!("{}", store.create_employee(actor, organisation.as_deref(), &d).await?);
            }
            EmployeeCommand::Edit { id, name, email, subject } => {
                let dirs = store.directories(actor).await?;
                let current = dirs
                    .iter()
                    .flat_map(|d| &d.employees)
                    .find(|e| &e.id == id)
                    .ok_or_else(|| StoreError::NotFound { kind: "employee", id: id.clone() })?;
                let (n, e, s) = (
                    text(name, Some(&current.display_name)),
                    text(email, current.email.as_deref()),
                    text(subject, current.external_subject.as_deref()),
                );
                let d = employee_details(&EmployeeText { display_name: &n, email: &e, external_subject: &s })
                    .map_err(IntoStore::into_store)?;
                store.update_employee(actor, id, &d).await?;
                println!("employee {id} changed");
            }
            EmployeeCommand::Deactivate { id } => {
                said("employee", id, store.set_employee_active(actor, id, false).await?, false)
            }
            EmployeeCommand::Activate { id } => {
                said("employee", id, store.set_employee_active(actor, id, true).await?, true)
            }
        },
        AdminCommand::Membership { command } => match command {
            MembershipCommand::Add { user, role, service, organisation } => {
                let m = NewMembership {
                    service_id: service.clone(),
                    organisation_id: organisation.clone(),
                    role: role.clone(),
                };
                println!("{}", store.add_employee_membership(actor, user, &m).await?);
            }
            MembershipCommand::End { id } => {
                let (changed, _) = store.end_employee_membership(actor, *id).await?;
                println!("membership {id} {}", if changed { "ended" } else { "had already ended" });
            }
        },
    }
    Ok(())
}

/// What (de)activating did: `changed` false when it was so already.
fn said(what: &str, id: &str, changed: bool, active: bool) {
    let done = match (changed, active) {
        (true, true) => "activated",
        (true, false) => "deactivated",
        (false, true) => "was already active",
        (false, false) => "was already deactivated",
    };
    println!("{what} {id} {done}");
}

/// A service's current details, for `edit`.
#[derive(Default)]
struct Owned {
    name: Option<String>,
    description: Option<String>,
    orgnr: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    opening_hours: Option<String>,
}

/// The details to check: each flag given, else the current value.
fn service_text<'a>(f: &'a ServiceFields, now: &'a Owned) -> ServiceText<'a> {
    let pick = |given: &'a Option<String>, current: &'a Option<String>| {
        given.as_deref().or(current.as_deref()).unwrap_or_default()
    };
    ServiceText {
        name: pick(&f.name, &now.name),
        description: pick(&f.description, &now.description),
        orgnr: pick(&f.orgnr, &now.orgnr),
        phone: pick(&f.phone, &now.phone),
        email: pick(&f.email, &now.email),
        address: pick(&f.address, &now.address),
        opening_hours: pick(&f.opening_hours, &now.opening_hours),
    }
}

fn print_directory(d: &Directory) {
    let active = |a: bool| if a { "active" } else { "deactivated" };
    println!("{} ({})", d.organisation.name, d.organisation.id);
    println!("services:");
    for s in &d.services {
        println!(
            "  {:<40}  {:<11}  {:<9}  {:<28}  {}",
            s.id,
            active(s.active),
            s.owner_type.as_str(),
            s.service_type,
            s.name
        );
    }
    println!("employees:");
    for e in &d.employees {
        println!(
            "  {:<40}  {:<11}  {}  <{}>  subject {}",
            e.id,
            active(e.active),
            e.display_name,
            e.email.as_deref().unwrap_or("-"),
            e.external_subject.as_deref().unwrap_or("-")
        );
        for m in &e.memberships {
            println!(
                "    membership {:<6} {:<26} {:<40} {}",
                m.id,
                m.role.as_str(),
                m.service_id.as_deref().unwrap_or(&m.organisation_id),
                m.ended_at.map_or_else(|| "live".to_owned(), |t| format!("ended {}", t.format("%Y-%m-%d %H:%M")))
            );
        }
    }
}
