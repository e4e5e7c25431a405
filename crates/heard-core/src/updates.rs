//! Updates that reach residents unasked: which new cases are acknowledged and which
//! status changes are told, per service. Pure; the sending is `heard-web`'s.

use crate::{CaseStatus, Channel};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What residents are told without asking (`[updates]`, and `update_statuses` on a
/// service).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UpdatePolicy {
    /// Status changes told to the resident, for services that do not say otherwise.
    pub statuses: Vec<CaseStatus>,
    /// New cases that arrived by these channels get an acknowledgement with their
    /// reference and tracking link. A call or a visit was answered in person.
    pub acknowledge: Vec<Channel>,
    /// Per service slug: its own list of statuses told (empty: none).
    #[serde(skip)]
    pub per_service: BTreeMap<String, Vec<CaseStatus>>,
}

impl Default for UpdatePolicy {
    fn default() -> Self {
        UpdatePolicy {
            statuses: vec![
                CaseStatus::InProgress,
                CaseStatus::AwaitingThirdParty,
                CaseStatus::Resolved,
                CaseStatus::Closed,
            ],
            acknowledge: vec![Channel::WebForm, Channel::Email],
            per_service: BTreeMap::new(),
        }
    }
}

impl UpdatePolicy {
    /// Whether a change of a case of `service` from `from` to `to` is told. Closing a
    /// case just resolved is not told twice; nor is a change back to where it was.
    pub fn tells(&self, service: &str, from: Option<CaseStatus>, to: CaseStatus) -> bool {
        if from == Some(to) || (from == Some(CaseStatus::Resolved) && to == CaseStatus::Closed) {
            return false;
        }
        self.per_service.get(service).unwrap_or(&self.statuses).contains(&to)
    }

    /// Whether a new case that arrived by `channel` is acknowledged.
    pub fn acknowledges(&self, channel: Channel) -> bool {
        self.acknowledge.contains(&channel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_choose_their_own_statuses() {
        let mut p = UpdatePolicy::default();
        p.per_service.insert("registrars".into(), vec![CaseStatus::Closed]);
        assert!(p.tells("highways", Some(CaseStatus::New), CaseStatus::InProgress));
        assert!(!p.tells("highways", Some(CaseStatus::New), CaseStatus::Open));
        assert!(p.tells("highways", Some(CaseStatus::InProgress), CaseStatus::Resolved));
        assert!(
            !p.tells("highways", Some(CaseStatus::Resolved), CaseStatus::Closed),
            "not twice"
        );
        assert!(p.tells("highways", Some(CaseStatus::InProgress), CaseStatus::Closed));
        assert!(!p.tells("registrars", Some(CaseStatus::New), CaseStatus::InProgress));
        assert!(p.tells("registrars", Some(CaseStatus::New), CaseStatus::Closed));
        assert!(p.acknowledges(Channel::WebForm) && !p.acknowledges(Channel::Phone));
    }
}
