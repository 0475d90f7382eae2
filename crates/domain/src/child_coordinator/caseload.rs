//! The caseload of each child coordinator, weighted by the families' needs, against the municipality's
//! threshold (spec 02 §1.13, §6.H item 58; no number is given in law, so the threshold is a setting), and
//! the waiting time from request to appointment.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One coordinator's load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Load {
    pub coordinator_user_id: String,
    pub families: u32,
    /// The sum of the families' need weights (1–3 each).
    pub weighted: u32,
    /// Over the municipality's threshold: the leader and the unit are warned before another family.
    pub over: bool,
}

/// The loads of the coordinators from the appointments in force: (coordinator, need weight) pairs.
pub fn loads(appointments: &[(String, u8)], threshold: u32) -> Vec<Load> {
    let mut out: Vec<Load> = Vec::new();
    for (user, weight) in appointments {
        match out.iter_mut().find(|l| &l.coordinator_user_id == user) {
            Some(l) => {
                l.families += 1;
                l.weighted += u32::from(*weight);
            }
            None => out.push(Load {
                coordinator_user_id: user.clone(),
                families: 1,
                weighted: u32::from(*weight),
                over: false,
            }),
        }
    }
    for l in &mut out {
        l.over = l.weighted > threshold;
    }
    out.sort_by(|a, b| b.weighted.cmp(&a.weighted).then_with(|| a.coordinator_user_id.cmp(&b.coordinator_user_id)));
    out
}

/// Would one more family of `weight` take the coordinator over the threshold?
pub fn would_exceed(current_weighted: u32, weight: u8, threshold: u32) -> bool {
    current_weighted + u32::from(weight) > threshold
}

/// Waiting times in whole days from request to appointment, and their median (None when nobody waited).
pub fn waiting_days(pairs: &[(DateTime<Utc>, DateTime<Utc>)]) -> (Vec<i64>, Option<i64>) {
    let mut days: Vec<i64> = pairs.iter().map(|(req, app)| (*app - *req).num_days().max(0)).collect();
    days.sort_unstable();
    let median = if days.is_empty() { None } else { Some(days[days.len() / 2]) };
    (days, median)
}
