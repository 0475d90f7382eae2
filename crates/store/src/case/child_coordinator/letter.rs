//! The letter of a decision (spec 02 §1.10: written, reasoned, with the right to complain, the complaint
//! body and the deadline, kept with the case): assembled from the case and rendered by `los-letters` to text
//! and an accessible PDF in the decision's transaction, so the letter kept is the letter sent.

use chrono::NaiveDate;
use los_domain::child_coordinator::LEGAL_BASIS;
use los_domain::child_coordinator::decision::{ComplaintRoute, DecisionKind, LetterLanguage};
use los_domain::model::{Relation, User};
use los_letters::{ComplaintInfo, Language, Letter, LetterKind};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::*;
use crate::error::StoreError;
use crate::tx::Loaded;

/// What the decision says.
pub(super) struct Content<'a> {
    pub id: &'a str,
    pub kind: DecisionKind,
    pub reasons: &'a str,
    pub language: LetterLanguage,
    pub coordinator: Option<String>,
    pub route: &'a ComplaintRoute,
    pub decided_on: NaiveDate,
}

/// The coordinator a termination ends (the appointment ended last), as "Name, Service".
pub(super) async fn current_coordinator(
    conn: &impl ConnectionTrait,
    case_id: &str,
) -> Result<Option<String>, StoreError> {
    let a = cc_appointment::Entity::find()
        .filter(cc_appointment::Column::CaseId.eq(case_id))
        .filter(cc_appointment::Column::EndReason.is_not_null())
        .all(conn)
        .await?
        .into_iter()
        .max_by_key(|a| a.appointed_at);
    match a {
        Some(a) => Ok(Some(super::appoint::coordinator_name(conn, &a.coordinator_user_id, &a.service_id).await?)),
        None => Ok(None),
    }
}

/// Renders the letter to text and PDF.
pub(super) async fn render(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    settings: Option<&cc_setting::Model>,
    actor: &User,
    c: Content<'_>,
) -> Result<(String, Vec<u8>), StoreError> {
    let unit = match settings {
        Some(s) => service::Entity::find_by_id(s.unit_service_id.clone()).one(conn).await?,
        None => None,
    };
    let municipality = match settings {
        Some(s) => organisation::Entity::find_by_id(s.organisation_id.clone()).one(conn).await?.map(|o| o.name),
        None => None,
    };
    let parents: Vec<String> = l
        .guardianships
        .iter()
        .filter(|g| g.relation == Relation::Parent && g.parental_responsibility)
        .map(|g| g.adult_person_id.clone())
        .collect();
    let recipients = person::Entity::find()
        .filter(person::Column::Id.is_in(parents))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| format!("{} {}", p.given_name, p.family_name))
        .collect();
    let nb = c.language == LetterLanguage::Bokmal;
    let child_detail = match l.child.expected_due_date {
        Some(due) => format!("termin {}", due.format("%d.%m.%Y")),
        None => format!("{} {}", if nb { "født" } else { "fødd" }, l.child.birth_date.format("%d.%m.%Y")),
    };
    let unit_name = unit.as_ref().map_or_else(|| "Koordinerende enhet".to_owned(), |u| u.name.clone());
    let municipality = municipality.unwrap_or_else(|| "Kommunen".into());
    let letter = Letter {
        language: if nb { Language::Bokmal } else { Language::Nynorsk },
        kind: match c.kind {
            DecisionKind::Grant => LetterKind::Grant,
            DecisionKind::Refusal => LetterKind::Refusal,
            DecisionKind::Change => LetterKind::Change,
            DecisionKind::Termination => LetterKind::Termination,
        },
        unit_contact: unit
            .as_ref()
            .map(|u| {
                [u.address.as_deref(), u.email.as_deref(), u.phone.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ")
            })
            .unwrap_or_default(),
        complaint: ComplaintInfo {
            body: c.route.body.clone(),
            law: c.route.law.clone(),
            deadline_days: c.route.deadline_days,
            send_to: format!("{unit_name}, {municipality}"),
        },
        municipality,
        unit: unit_name.clone(),
        date: c.decided_on,
        reference: c.id.to_owned(),
        recipients,
        child_name: l.child.full_name(),
        child_detail,
        coordinator: c.coordinator,
        reasons: c.reasons.trim().to_owned(),
        legal_basis: LEGAL_BASIS.iter().map(|s| (*s).to_owned()).collect(),
        signed_by: format!("{}, {unit_name}", actor.display_name),
    };
    let text = los_letters::render_text(&letter);
    // Typst lays out the page on a blocking thread: the runtime keeps serving while it works.
    let pdf = tokio::task::spawn_blocking(move || los_letters::render_pdf(&letter))
        .await
        .map_err(|e| StoreError::Integrity(format!("the letter could not be rendered: {e}")))?
        .map_err(|e| StoreError::Integrity(format!("the letter could not be rendered: {e}")))?;
    Ok((text, pdf))
}
