//! The tasks one case gives one employee, computed from the rows read for all the cases (`rows.rs`).

use los_domain::coordination::{AssessmentResult, ReleaseArea, release_areas_missing_in, release_preparation_due};
use los_domain::planning::{PlanStatus, cooperation_necessary, evaluation_due, upcoming_transitions};
use los_domain::rights::rights_to_screen;

use super::CaseWork;
use super::rows::{Rows, of};
use crate::case::plan::current_versions;
use crate::error::StoreError;
use crate::store::Settings;
use crate::tx::parse_enum;

/// The open dispute of a case, with its age, for the decision-maker.
pub(super) fn dispute_task(rows: &Rows, w: &mut CaseWork<'_>) {
    if let Some(dispute) = rows.disputes.get(&w.l.case.id) {
        w.arose("decide_dispute", None, dispute.positions.clone(), dispute.raised_at);
    }
}

/// The tasks of a case for a service taking part in it.
pub(super) fn service_tasks(settings: &Settings, rows: &Rows, w: &mut CaseWork<'_>) -> Result<(), StoreError> {
    let case_id = w.l.case.id.as_str();
    let current = rows.coordination.get(case_id);
    // Coordinator's tasks fall to the coordinating service; with no coordinator, to every service.
    let coordinating = current.map(|c| c.service_id.as_str());
    let coordinator_work = coordinating.is_none_or(|c| w.is_mine(c));
    for p in of(&rows.prompts, case_id) {
        match p.service_id.as_deref() {
            Some(s) if p.kind == "reassess" && w.is_mine(s) => {
                w.arose("reassess", Some(s), p.reason.clone(), p.created_at)
            }
            None if p.kind == "review_coordinator" && coordinator_work => {
                w.arose("review_coordinator", coordinating, p.reason.clone(), p.created_at)
            }
            _ => {}
        }
    }
    feedback_tasks(rows, w);
    if coordinator_work {
        // Another service asks to cooperate: the coordinator (or, with none, each service) answers it.
        for j in of(&rows.join_requests, case_id) {
            w.arose("join_request", coordinating, j.service_id.clone(), j.requested_at);
        }
    }
    closing_task(w);
    if let Some(c) = current
        && c.communicated_at.is_none()
        && w.is_mine(&c.service_id)
    {
        w.arose("communicate", Some(&c.service_id), String::new(), c.decided_at);
    }
    if coordinator_work {
        coordinator_tasks(settings, rows, w, coordinating);
    }
    release_task(settings, rows, w)?;
    meeting_tasks(rows, w);
    ip_tasks(rows, w);
    Ok(())
}

/// The individual plan's tasks (issue 13: keeping it alive): the evaluation the plan names falls due for the
/// service with the main responsibility; a service's measures past their end fall to it. The detail is a
/// count, never the measure's text, since a service responsible for a measure need not be one the consent
/// lets read the plan.
fn ip_tasks(rows: &Rows, w: &mut CaseWork<'_>) {
    let Some(ip) = rows.ip.get(&w.l.case.id) else { return };
    if let (Some(holder), Some(on)) = (ip.responsible.as_deref(), ip.next_evaluation)
        && on <= w.today
        && w.is_mine(holder)
    {
        w.on("ip_evaluate", Some(holder), String::new(), on, (w.today - on).num_days());
    }
    let mine: Vec<String> = w.mine.clone();
    for service in mine {
        let late: Vec<chrono::NaiveDate> =
            ip.overdue.iter().filter(|(s, _)| *s == service).map(|(_, ends)| *ends).collect();
        if let Some(oldest) = late.iter().min() {
            w.on("ip_overdue", Some(&service), late.len().to_string(), *oldest, (w.today - *oldest).num_days());
        }
    }
}

/// A closing another service proposed: the user's service confirms it or continues the cooperation. The
/// detail is the proposal's reason code.
fn closing_task(w: &mut CaseWork<'_>) {
    let case = &w.l.case;
    let Some(p) = los_domain::closing::proposal(case.state, &case.state_changes) else { return };
    let proposer = p.service_id.as_deref();
    if let Some(mine) = w.mine.iter().find(|m| Some(m.as_str()) != proposer).cloned() {
        let reason = p.reason.map(|r| r.as_str().to_owned()).unwrap_or_default();
        w.arose("confirm_closing", Some(&mine), reason, p.changed_at);
    }
}

/// The coordinator's tasks: transitions ahead, rights to screen, and the evaluation that is due.
fn coordinator_tasks(settings: &Settings, rows: &Rows, w: &mut CaseWork<'_>, coordinating: Option<&str>) {
    let case_id = w.l.case.id.as_str();
    let assessments = of(&rows.assessments, case_id);
    let necessary = cooperation_necessary(assessments.iter().map(|a| (a.service_id.as_str(), a.result)));
    let last_plan = of(&rows.plan, case_id).iter().map(|p| p.created_at).max();
    let last = assessments.first().map(|a| a.assessed_at).into_iter().chain(last_plan).max();
    let sentence_ends = rows.sentence.get(case_id).map(|s| s.ends_on);
    let notice = settings.transition_notice_days;
    for (t, day) in upcoming_transitions(w.l.child.birth_date, sentence_ends, w.today, notice) {
        let age_days = -(day - w.today).num_days();
        w.on("transition_ahead", coordinating, t.as_str().to_owned(), day, age_days);
    }
    // Rights not yet screened once cooperation is necessary (spec 01 §8.C item 15), since then.
    let to_screen = rights_to_screen(necessary, of(&rows.rights, case_id));
    if !to_screen.is_empty() {
        let since = assessments
            .iter()
            .filter(|a| a.result == AssessmentResult::Necessary)
            .map(|a| a.assessed_at)
            .min()
            .unwrap_or(w.now);
        let codes: Vec<&str> = to_screen.iter().map(|k| k.as_str()).collect();
        w.arose("screen_rights", coordinating, codes.join(","), since);
    }
    let days = settings.evaluation_days;
    if evaluation_due(necessary, last, w.now, days) {
        let since = last.unwrap_or(w.now);
        w.arose("evaluate", coordinating, days.to_string(), since);
    }
}

/// The lead service of a sentence prepares the transition plan before the sentence ends.
fn release_task(settings: &Settings, rows: &Rows, w: &mut CaseWork<'_>) -> Result<(), StoreError> {
    let case_id = w.l.case.id.as_str();
    let Some(s) = rows.sentence.get(case_id) else {
        return Ok(());
    };
    if !w.is_mine(&s.youth_coordinator_service) {
        return Ok(());
    }
    let (plan, _) = current_versions(of(&rows.plan, case_id));
    let areas = plan
        .iter()
        .map(|p| {
            let status = parse_enum(&p.status, PlanStatus::parse, "plan status")?;
            Ok((status, p.release_area.as_deref().and_then(ReleaseArea::parse)))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let missing = release_areas_missing_in(areas);
    if release_preparation_due(s.ends_on, w.today, settings.transition_notice_days, &missing) {
        let codes: Vec<&str> = missing.iter().map(|a| a.as_str()).collect();
        let age_days = -(s.ends_on - w.today).num_days();
        w.on("prepare_release", Some(&s.youth_coordinator_service), codes.join(","), s.ends_on, age_days);
    }
    Ok(())
}

/// Reports from the family to one of the actor's services, until resolved. The worklist says that there is
/// one; the text is read on the case page, where the read is audited.
fn feedback_tasks(rows: &Rows, w: &mut CaseWork<'_>) {
    for f in of(&rows.feedback, &w.l.case.id) {
        if w.is_mine(&f.recipient_service) {
            w.arose("feedback", Some(&f.recipient_service), String::new(), f.sent_at);
        }
    }
}

/// Meetings coming up, their open preparation, missing minutes, and follow-ups the actor's services own.
fn meeting_tasks(rows: &Rows, w: &mut CaseWork<'_>) {
    let case_id = w.l.case.id.as_str();
    let minutes = of(&rows.minutes, case_id);
    let prep = of(&rows.preparation, case_id);
    // Follow-ups the user's service owns, by their due day (overdue ones have a positive age).
    for a in of(&rows.actions, case_id) {
        if w.is_mine(&a.owner_service) {
            let age_days = (w.local.date() - a.due_on).num_days();
            w.on("follow_up", Some(&a.owner_service), a.description.clone(), a.due_on, age_days);
        }
    }
    for m in of(&rows.meetings, case_id) {
        let arranging = w.is_mine(&m.arranged_by_service);
        let invited = m.invited.split(',').any(|s| w.is_mine(s)) || arranging;
        let days = (m.starts_at.date() - w.local.date()).num_days();
        let detail = format!("{} {}", m.starts_at.format("%H:%M"), m.agenda);
        let service = Some(m.arranged_by_service.as_str());
        if invited && m.starts_at >= w.local && days <= 14 {
            // `prep` holds the open checklist items only.
            let open = prep.iter().filter(|p| p.meeting_id == m.id).count();
            if arranging && open > 0 {
                w.on("prepare", service, open.to_string(), m.starts_at.date(), -days);
            }
            w.on("meeting", service, detail, m.starts_at.date(), -days);
        } else if m.starts_at < w.local && arranging && !minutes.contains(&m.id) {
            w.on("minutes", service, detail, m.starts_at.date(), -days);
        }
    }
}

/// The child-coordinator matters of the coordinating unit's cases, with what their next steps depend on.
pub(super) struct CcRow {
    pub matter: crate::entities::cc_matter::Model,
    pub handover: bool,
    pub open_complaints: bool,
    pub consents: usize,
    pub consents_in_force: usize,
    /// The current assessment found both rights met.
    pub also_ordinary: bool,
    pub appointments: Vec<crate::entities::cc_appointment::Model>,
}

/// The rows of the unit's matters, each table read once, and each municipality's lead time before 18 (by
/// kommunenummer).
pub(super) async fn cc_rows(
    conn: &impl sea_orm::ConnectionTrait,
    case_ids: &[String],
    kommuner: &[String],
) -> Result<(std::collections::HashMap<String, CcRow>, std::collections::HashMap<String, u32>), StoreError> {
    use crate::entities::{cc_appointment, cc_assessment, cc_complaint, cc_consent, cc_handover, cc_matter};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let mut out = std::collections::HashMap::new();
    if case_ids.is_empty() {
        return Ok((out, std::collections::HashMap::new()));
    }
    let ids = || case_ids.to_vec();
    let handovers = cc_handover::Entity::find().filter(cc_handover::Column::CaseId.is_in(ids())).all(conn).await?;
    let complaints = cc_complaint::Entity::find()
        .filter(cc_complaint::Column::CaseId.is_in(ids()))
        .filter(cc_complaint::Column::State.ne("implemented"))
        .all(conn)
        .await?;
    let consents = cc_consent::Entity::find().filter(cc_consent::Column::CaseId.is_in(ids())).all(conn).await?;
    let assessments = cc_assessment::Entity::find()
        .filter(cc_assessment::Column::CaseId.is_in(ids()))
        .filter(cc_assessment::Column::SupersededAt.is_null())
        .all(conn)
        .await?;
    let appointments =
        cc_appointment::Entity::find().filter(cc_appointment::Column::CaseId.is_in(ids())).all(conn).await?;
    for m in cc_matter::Entity::find().filter(cc_matter::Column::CaseId.is_in(ids())).all(conn).await? {
        let of = |case: &str| case == m.case_id;
        out.insert(
            m.case_id.clone(),
            CcRow {
                handover: handovers.iter().any(|h| of(&h.case_id)),
                open_complaints: complaints.iter().any(|c| of(&c.case_id)),
                consents: consents.iter().filter(|c| of(&c.case_id)).count(),
                consents_in_force: consents.iter().filter(|c| of(&c.case_id) && c.withdrawn_at.is_none()).count(),
                also_ordinary: assessments.iter().any(|a| of(&a.case_id) && a.eligible && a.also_ordinary),
                appointments: appointments.iter().filter(|a| of(&a.case_id)).cloned().collect(),
                matter: m,
            },
        );
    }
    let lead = crate::tx::shared::cc_settings(conn, kommuner)
        .await?
        .into_iter()
        .map(|(k, s)| (k, s.transition_lead_months.max(0) as u32))
        .collect();
    Ok((out, lead))
}

/// The coordinating unit's next steps in a child-coordinator matter: the domain's `next_steps`, the same
/// rule as the matter page's prompts.
pub(super) fn cc_tasks(
    rows: &std::collections::HashMap<String, CcRow>,
    lead: &std::collections::HashMap<String, u32>,
    w: &mut CaseWork<'_>,
) -> Result<(), StoreError> {
    use los_domain::child_coordinator::{MatterFacts, MatterState, appointment_in_force, next_steps, transition_from};
    let Some(r) = rows.get(&w.l.case.id) else { return Ok(()) };
    let facts = crate::tx::shared::child_facts(&w.l.child);
    let months = lead.get(w.l.child.registered_kommune.as_str()).copied().unwrap_or(12);
    let state = parse_enum(&r.matter.state, MatterState::parse, "child-coordinator state")?;
    let steps = next_steps(&MatterFacts {
        state: Some(state),
        choice_pending: r.also_ordinary && r.matter.chosen_right.is_none(),
        consents_given: r.consents,
        consents_in_force: r.consents_in_force,
        appointment_in_force: r
            .appointments
            .iter()
            .any(|a| appointment_in_force(a.starts, a.ends, &facts, r.matter.extended_until, w.today)),
        transition_due: w.today >= transition_from(&facts, months),
        handover_planned: r.handover,
        extended: r.matter.extended_until.is_some(),
        open_complaints: r.open_complaints,
    });
    for step in steps {
        w.arose("child_coordinator", None, step.to_owned(), r.matter.updated_at);
    }
    Ok(())
}
