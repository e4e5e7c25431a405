//! The council's catalogue: services, sites, teams.

use super::{Cols, Sql, fetch_sql};
use crate::{Result, ServiceRecord, SiteRecord, Store, TeamRecord};

impl Store {
    /// Every service, by name.
    pub async fn services(&self) -> Result<Vec<ServiceRecord>> {
        let sql = Sql::new(
            "SELECT s.id, s.slug, s.name, s.keywords, t.slug FROM services s LEFT JOIN teams t ON t.id = s.team_id ORDER BY s.name",
        );
        Ok(fetch_sql!(self, sql, |r| Ok(ServiceRecord {
            id: r.int(0)?,
            slug: r.text(1)?,
            name: r.text(2)?,
            keywords: r
                .text(3)?
                .split('|')
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect(),
            team: r.opt_text(4)?,
        })))
    }

    /// Every site, by name.
    pub async fn sites(&self) -> Result<Vec<SiteRecord>> {
        let sql = Sql::new("SELECT id, slug, name, kind, postcode FROM sites ORDER BY name");
        Ok(fetch_sql!(self, sql, |r| Ok(SiteRecord {
            id: r.int(0)?,
            slug: r.text(1)?,
            name: r.text(2)?,
            kind: r.text(3)?,
            postcode: r.opt_text(4)?,
        })))
    }

    /// Every team, by name.
    pub async fn teams(&self) -> Result<Vec<TeamRecord>> {
        let sql = Sql::new("SELECT id, slug, name FROM teams ORDER BY name");
        Ok(fetch_sql!(self, sql, |r| Ok(TeamRecord {
            id: r.int(0)?,
            slug: r.text(1)?,
            name: r.text(2)?
        })))
    }
}
