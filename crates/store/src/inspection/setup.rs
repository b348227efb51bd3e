//! Setting up a campaign (issue 10, item 1): its text and checklist, phases with dates, the
//! units in scope (kinds of unit in a subtree), the inspection groups and which units they
//! visit when, the spot check, and the notice's issue (draft → open). Every write here is
//! audited in the caller's transaction; who may do it is the use-case layer's decision.

use lianzheng_core::ids::{OrgId, PersonId};
use lianzheng_core::org::Scope;
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::builder::SqlBuilder;
use crate::db::{Db, Tx, now, q};

/// One phase of a campaign (通知, 自查自评 …) and its dates (YYYY-MM-DD, either may be open).
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct Phase {
    pub id: i64,
    pub seq: i64,
    pub name: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
}

/// A unit in a campaign's scope, with its group and visit.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Unit {
    pub id: i64,
    pub campaign_id: i64,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub org_kind: String,
    pub spot_checked: bool,
    pub spot_reason: Option<String>,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub visit_on: Option<String>,
}

impl Unit {
    pub fn kind_label(&self) -> &'static str {
        lianzheng_core::org::OrgKind::from_code(&self.org_kind).map_or("", |k| k.label())
    }
}

/// An inspection group (检查组).
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Group {
    pub id: i64,
    pub campaign_id: i64,
    pub name: String,
    pub leader_id: Option<PersonId>,
    pub leader_name: Option<String>,
    pub schedule: Option<String>,
}

/// A member of a group (the leader is not repeated here).
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Member {
    pub group_id: i64,
    pub person_id: PersonId,
    pub name: String,
}

/// An organisation that may be taken into a campaign's scope.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Candidate {
    pub id: OrgId,
    pub path: String,
    pub name: String,
    pub kind: String,
}

const UNIT: &str = "SELECT u.id, u.campaign_id, u.org_id, u.org_path, o.name AS org_name, o.kind AS org_kind, u.spot_checked, u.spot_reason, u.group_id, g.name AS group_name, u.visit_on \
     FROM inspection_units u JOIN orgs o ON o.id = u.org_id LEFT JOIN inspection_groups g ON g.id = u.group_id ";

/// A campaign without a scope filter (the use case decides who sees which part of it).
pub async fn campaign(db: &Db, id: i64) -> Result<super::campaigns::Campaign, StoreError> {
    let mut b = SqlBuilder::new(super::campaigns::SELECT);
    b.push("WHERE c.id = ").bind(id);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

pub async fn phases(db: &Db, campaign_id: i64) -> Result<Vec<Phase>, StoreError> {
    db.fetch_all(q("SELECT id, seq, name, starts_on, ends_on FROM inspection_phases WHERE campaign_id = $1 ORDER BY seq, id").bind(campaign_id)).await
}

/// Every unit of a campaign, by place in the tree.
pub async fn units(db: &Db, campaign_id: i64) -> Result<Vec<Unit>, StoreError> {
    db.fetch_all(q_unit("WHERE u.campaign_id = $1 ORDER BY o.sort_order, u.org_path, u.id").bind(campaign_id)).await
}

fn q_unit(tail: &'static str) -> crate::db::Q {
    crate::db::q_built(format!("{UNIT}{tail}"))
}

pub async fn unit(db: &Db, id: i64) -> Result<Unit, StoreError> {
    db.fetch_optional(q_unit("WHERE u.id = $1").bind(id)).await?.ok_or(StoreError::NotFound)
}

pub async fn groups(db: &Db, campaign_id: i64) -> Result<Vec<Group>, StoreError> {
    db.fetch_all(
        q("SELECT g.id, g.campaign_id, g.name, g.leader_id, p.name AS leader_name, g.schedule FROM inspection_groups g LEFT JOIN people p ON p.id = g.leader_id WHERE g.campaign_id = $1 ORDER BY g.id").bind(campaign_id),
    )
    .await
}

pub async fn members(db: &Db, campaign_id: i64) -> Result<Vec<Member>, StoreError> {
    db.fetch_all(
        q("SELECT m.group_id, m.person_id, p.name FROM inspection_group_members m JOIN inspection_groups g ON g.id = m.group_id JOIN people p ON p.id = m.person_id WHERE g.campaign_id = $1 ORDER BY m.group_id, p.name, m.person_id").bind(campaign_id),
    )
    .await
}

/// The groups of a campaign a person leads or is a member of.
pub async fn groups_of(db: &Db, campaign_id: i64, person: PersonId) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = db
        .fetch_all(
            q("SELECT g.id FROM inspection_groups g WHERE g.campaign_id = $1 AND (g.leader_id = $2 OR EXISTS (SELECT 1 FROM inspection_group_members m WHERE m.group_id = g.id AND m.person_id = $2)) ORDER BY g.id")
                .bind(campaign_id)
                .bind(person),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The campaigns (not drafts) where a person is in a group: the list shows them to him whatever his scope.
pub async fn campaigns_of_member(db: &Db, person: PersonId) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = db
        .fetch_all(
            q("SELECT DISTINCT g.campaign_id FROM inspection_groups g JOIN inspection_campaigns c ON c.id = g.campaign_id WHERE c.status <> 'draft' AND (g.leader_id = $1 OR EXISTS (SELECT 1 FROM inspection_group_members m WHERE m.group_id = g.id AND m.person_id = $1))")
                .bind(person),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The organisations of a subtree of the given kinds (discipline bodies never: they are not checked).
pub async fn candidates(db: &Db, root_path: &str, kinds: &[String]) -> Result<Vec<Candidate>, StoreError> {
    if kinds.is_empty() {
        return Ok(vec![]);
    }
    let mut b = SqlBuilder::new("SELECT id, path, name, kind FROM orgs WHERE ");
    b.subtree("path", root_path).push(" AND path <> ").bind(root_path).push(" AND kind IN ").in_list(kinds.iter().map(String::as_str));
    b.push(" ORDER BY sort_order, path LIMIT 5000");
    db.fetch_all(b.build()).await
}

/// A new campaign's default phases, in order.
pub async fn insert_phases(tx: &mut Tx, campaign_id: i64, phases: &[(String, Option<String>, Option<String>)]) -> Result<(), StoreError> {
    for (i, (name, s, e)) in phases.iter().enumerate() {
        tx.execute(q("INSERT INTO inspection_phases (campaign_id, seq, name, starts_on, ends_on) VALUES ($1, $2, $3, $4, $5)").bind(campaign_id).bind(i as i64 + 1).bind(name.as_str()).bind(s.clone()).bind(e.clone()))
            .await?;
    }
    Ok(())
}

/// What a campaign's edit changes.
pub struct Edit<'a> {
    pub title: &'a str,
    pub notice: Option<&'a str>,
    pub materials: &'a str,
    pub phases: &'a [(String, Option<String>, Option<String>)],
}

/// Saves a campaign's text, checklist and phases (the phases replaced in order), if `version` is current.
pub async fn update(tx: &mut Tx, actor: &Actor, id: i64, version: i64, e: &Edit<'_>) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE inspection_campaigns SET title = $1, notice = $2, materials = $3, updated_at = $4, version = version + 1 WHERE id = $5 AND version = $6")
                .bind(e.title)
                .bind(e.notice)
                .bind(e.materials)
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    tx.execute(q("DELETE FROM inspection_phases WHERE campaign_id = $1").bind(id)).await?;
    insert_phases(tx, id, e.phases).await?;
    let phases: Vec<_> = e.phases.iter().map(|(n, s, t)| json!([n, s, t])).collect();
    audit::record(tx, actor, "inspection_campaign.update", "inspection_campaign", Some(id.to_string()), json!({"after": {"title": e.title, "phases": phases, "materials": e.materials.lines().count()}})).await
}

/// Sets the units in scope to `orgs` (kept rows keep their group, visit and spot check; rows of
/// units no longer chosen go), and remembers how they were chosen.
pub async fn set_units(tx: &mut Tx, actor: &Actor, id: i64, version: i64, root: OrgId, kinds: &str, orgs: &[Candidate]) -> Result<(usize, usize), StoreError> {
    let n = tx
        .execute(q("UPDATE inspection_campaigns SET scope_root_id = $1, scope_kinds = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5").bind(root).bind(kinds).bind(now()).bind(id).bind(version))
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    let have: Vec<(i64, OrgId)> = tx.fetch_all(q("SELECT id, org_id FROM inspection_units WHERE campaign_id = $1").bind(id)).await?;
    let mut removed = 0;
    for (row, org) in &have {
        if !orgs.iter().any(|o| o.id == *org) {
            tx.execute(q("DELETE FROM inspection_units WHERE id = $1").bind(*row)).await?;
            removed += 1;
        }
    }
    let mut added = 0;
    for o in orgs {
        if !have.iter().any(|(_, org)| *org == o.id) {
            tx.execute(q("INSERT INTO inspection_units (campaign_id, org_id, org_path, spot_checked) VALUES ($1, $2, $3, FALSE)").bind(id).bind(o.id).bind(o.path.as_str())).await?;
            added += 1;
        }
    }
    audit::record(tx, actor, "inspection_campaign.units", "inspection_campaign", Some(id.to_string()), json!({"after": {"root_id": root, "kinds": kinds, "units": orgs.len(), "added": added, "removed": removed}}))
        .await?;
    Ok((added, removed))
}

/// A new group; returns its id.
pub async fn insert_group(tx: &mut Tx, actor: &Actor, campaign_id: i64, name: &str, leader: PersonId, members: &[PersonId], schedule: Option<&str>) -> Result<i64, StoreError> {
    let (id,): (i64,) = tx.fetch_one(q("INSERT INTO inspection_groups (campaign_id, name, leader_id, schedule) VALUES ($1, $2, $3, $4) RETURNING id").bind(campaign_id).bind(name).bind(leader).bind(schedule)).await?;
    for m in members {
        tx.execute(q("INSERT INTO inspection_group_members (group_id, person_id) VALUES ($1, $2)").bind(id).bind(*m)).await?;
    }
    let members: Vec<i64> = members.iter().map(|m| m.get()).collect();
    audit::record(tx, actor, "inspection_group.create", "inspection_group", Some(id.to_string()), json!({"after": {"campaign_id": campaign_id, "name": name, "leader_id": leader, "members": members}})).await?;
    Ok(id)
}

/// A unit's group and visit date (the spot check's on-site visit).
pub async fn assign(tx: &mut Tx, actor: &Actor, unit_id: i64, group_id: Option<i64>, visit_on: Option<&str>) -> Result<(), StoreError> {
    let before: Option<(Option<i64>, Option<String>)> = tx.fetch_optional(q("SELECT group_id, visit_on FROM inspection_units WHERE id = $1").bind(unit_id)).await?;
    let Some((g0, v0)) = before else { return Err(StoreError::NotFound) };
    tx.execute(q("UPDATE inspection_units SET group_id = $1, visit_on = $2 WHERE id = $3").bind(group_id).bind(visit_on).bind(unit_id)).await?;
    audit::record(tx, actor, "inspection_unit.assign", "inspection_unit", Some(unit_id.to_string()), json!({"before": {"group_id": g0, "visit_on": v0}, "after": {"group_id": group_id, "visit_on": visit_on}})).await
}

/// The spot check: exactly the `chosen` units (id, why) are spot-checked; the rule and seed kept.
pub async fn set_spot(tx: &mut Tx, actor: &Actor, id: i64, version: i64, rule: &str, seed: Option<i64>, chosen: &[(i64, String)]) -> Result<(), StoreError> {
    let n = tx
        .execute(q("UPDATE inspection_campaigns SET spot_rule = $1, spot_seed = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5").bind(rule).bind(seed).bind(now()).bind(id).bind(version))
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    tx.execute(q("UPDATE inspection_units SET spot_checked = FALSE, spot_reason = NULL WHERE campaign_id = $1").bind(id)).await?;
    for (unit, why) in chosen {
        tx.execute(q("UPDATE inspection_units SET spot_checked = TRUE, spot_reason = $1 WHERE id = $2 AND campaign_id = $3").bind(why.as_str()).bind(*unit).bind(id)).await?;
    }
    let units: Vec<i64> = chosen.iter().map(|c| c.0).collect();
    audit::record(tx, actor, "inspection_campaign.spot", "inspection_campaign", Some(id.to_string()), json!({"after": {"rule": rule, "seed": seed, "units": units}})).await
}

/// Issues the notice: the 文号 and date set, the campaign open.
pub async fn issue(tx: &mut Tx, actor: &Actor, id: i64, version: i64, doc_number: &str, issued_on: &str) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE inspection_campaigns SET status = 'open', doc_number = $1, issued_on = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5 AND status = 'draft'")
                .bind(doc_number)
                .bind(issued_on)
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "inspection_campaign.issue", "inspection_campaign", Some(id.to_string()), json!({"after": {"status": "open", "doc_number": doc_number, "issued_on": issued_on}})).await
}

/// A self-check due for a unit inside a scope: (unit row, campaign title, unit name, the 自查 phase's end).
#[derive(Debug, Clone, FromRow)]
pub struct Due {
    pub unit_id: i64,
    pub title: String,
    pub org_name: String,
    pub due_on: String,
}

/// The open campaigns' self-checks (phase `phase_name`) due on or after `today` for the units
/// whose org sits exactly at one of the scope's roots (a unit's own staff, not the level above).
pub async fn self_checks_due(db: &Db, scope: &Scope, phase_name: &str, today: &str) -> Result<Vec<Due>, StoreError> {
    if scope.is_all() || scope.paths().is_empty() {
        return Ok(vec![]);
    }
    let mut b = SqlBuilder::new(
        "SELECT u.id AS unit_id, c.title, o.name AS org_name, p.ends_on AS due_on FROM inspection_units u JOIN inspection_campaigns c ON c.id = u.campaign_id JOIN orgs o ON o.id = u.org_id \
         JOIN inspection_phases p ON p.campaign_id = c.id AND p.name = ",
    );
    b.bind(phase_name).push(" WHERE c.status = 'open' AND p.ends_on IS NOT NULL AND p.ends_on >= ").bind(today).push(" AND u.org_path IN ").in_list(scope.paths().iter().map(String::as_str));
    // a submitted self-check is done (a returned one waits again)
    b.push(" AND NOT EXISTS (SELECT 1 FROM inspection_selfchecks s WHERE s.unit_id = u.id AND s.status = 'submitted')");
    b.push(" ORDER BY p.ends_on, u.id LIMIT 20");
    db.fetch_all(b.build()).await
}

/// A visit a person's group makes: (unit row, unit name, campaign title, date).
#[derive(Debug, Clone, FromRow)]
pub struct Visit {
    pub unit_id: i64,
    pub org_name: String,
    pub title: String,
    pub visit_on: String,
}

/// The coming visits (on or after `today`) of the groups a person is in, in open campaigns.
pub async fn visits_of(db: &Db, person: PersonId, today: &str) -> Result<Vec<Visit>, StoreError> {
    db.fetch_all(
        q("SELECT u.id AS unit_id, o.name AS org_name, c.title, u.visit_on FROM inspection_units u JOIN inspection_groups g ON g.id = u.group_id JOIN inspection_campaigns c ON c.id = u.campaign_id JOIN orgs o ON o.id = u.org_id \
           WHERE c.status = 'open' AND u.visit_on IS NOT NULL AND u.visit_on >= $2 AND (g.leader_id = $1 OR EXISTS (SELECT 1 FROM inspection_group_members m WHERE m.group_id = g.id AND m.person_id = $1)) ORDER BY u.visit_on, u.id LIMIT 20")
        .bind(person)
        .bind(today),
    )
    .await
}

/// People who may sit in an inspection group: those of the discipline bodies in the scope and
/// of the scope's top organisations (the 县委's leaders), by place in the tree.
pub async fn inspectors(db: &Db, scope: &Scope) -> Result<Vec<(PersonId, String, String)>, StoreError> {
    let mut b = SqlBuilder::new("SELECT p.id, p.name, o.name FROM people p JOIN orgs o ON o.id = p.org_id WHERE ");
    b.scope("p.org_path", scope).push(" AND (o.kind IN ('discipline_commission', 'discipline_work_committee', 'stationed_group') OR o.path IN ");
    b.in_list(scope.paths().iter().map(String::as_str)).push(") ORDER BY o.path, p.id LIMIT 500");
    db.fetch_all(b.build()).await
}
