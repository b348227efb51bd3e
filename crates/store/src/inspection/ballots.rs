//! 廉政测评: the ballot form of a campaign (its items), the meetings held at its units with
//! their one-time codes, and the anonymous ballots (docs/decisions/0023-ballot-anonymity.md).
//!
//! What a ballot row holds is its random key, its meeting, its answers and its comment:
//! nothing that names a code, a person or a time finer than the meeting's day. A code row holds
//! the code, its meeting and whether it was used. Casting a ballot marks its code used and
//! inserts the ballot in one transaction, so a ballot acknowledged is counted and a code
//! counts once. No audit entry is written for a vote (it would be the very link this avoids).

use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::db::ColType::{Bool as B, I64 as I, Text as T};
use crate::db::{Db, Tx, now, q};
use crate::schema::TableDef;

pub const TABLES: &[TableDef] = &[
    TableDef { name: "inspection_ballot_items", columns: &[("id", I), ("campaign_id", I), ("seq", I), ("text", T)] },
    TableDef { name: "inspection_ballot_meetings", columns: &[("id", I), ("campaign_id", I), ("unit_id", I), ("held_on", T), ("codes", I), ("status", T), ("created_by", I), ("created_at", I)] },
    TableDef { name: "inspection_ballot_codes", columns: &[("code", T), ("meeting_id", I), ("used", B)] },
    // the meeting first: the archive sorts by the first column and resets identity sequences
    // only for an integer `id` there
    TableDef { name: "inspection_ballots", columns: &[("meeting_id", I), ("id", T), ("answers", T), ("comment", T)] },
];

/// The answers, as (letter stored, label).
pub const ANSWERS: &[(char, &str)] = &[('A', "满意"), ('B', "基本满意"), ('C', "不满意")];

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Item {
    pub id: i64,
    pub seq: i64,
    pub text: String,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Meeting {
    pub id: i64,
    pub campaign_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub held_on: String,
    pub codes: i64,
    pub status: String,
    /// codes used so far (= ballots cast)
    pub used: i64,
}

impl Meeting {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
    pub fn status_label(&self) -> &'static str {
        if self.is_open() { "进行中" } else { "已结束" }
    }
}

/// What the voting page needs to know about a code.
#[derive(Debug, Clone, FromRow)]
pub struct CodeInfo {
    pub meeting_id: i64,
    pub used: bool,
    pub status: String,
    pub campaign_id: i64,
    pub campaign_title: String,
    pub unit_name: String,
    pub held_on: String,
}

/// A ballot as read back for counting: its unit and answers.
#[derive(Debug, Clone, FromRow)]
pub struct Cast {
    pub unit_id: i64,
    pub answers: String,
}

/// A campaign's units, as (unit id, unit name), for the meeting form.
pub async fn units(db: &Db, campaign_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
    db.fetch_all(q("SELECT u.id, o.name FROM inspection_units u JOIN orgs o ON o.id = u.org_id WHERE u.campaign_id = $1 ORDER BY o.path").bind(campaign_id)).await
}

pub async fn items(db: &Db, campaign_id: i64) -> Result<Vec<Item>, StoreError> {
    db.fetch_all(q("SELECT id, seq, text FROM inspection_ballot_items WHERE campaign_id = $1 ORDER BY seq").bind(campaign_id)).await
}

/// Whether any meeting was held in the campaign (the form is fixed from then on).
pub async fn any_meeting(db: &Db, campaign_id: i64) -> Result<bool, StoreError> {
    Ok(db.scalar_i64(q("SELECT COUNT(*) FROM inspection_ballot_meetings WHERE campaign_id = $1").bind(campaign_id)).await? > 0)
}

/// Replaces the form's items (only before the first meeting; the caller checks).
pub async fn save_items(tx: &mut Tx, actor: &Actor, campaign_id: i64, texts: &[String]) -> Result<(), StoreError> {
    tx.execute(q("DELETE FROM inspection_ballot_items WHERE campaign_id = $1").bind(campaign_id)).await?;
    insert_items(tx, campaign_id, texts).await?;
    audit::record(tx, actor, "inspection_ballot.form_save", "inspection_campaign", Some(campaign_id.to_string()), json!({"items": texts})).await
}

async fn insert_items(tx: &mut Tx, campaign_id: i64, texts: &[String]) -> Result<(), StoreError> {
    for (i, t) in texts.iter().enumerate() {
        tx.execute(q("INSERT INTO inspection_ballot_items (campaign_id, seq, text) VALUES ($1, $2, $3)").bind(campaign_id).bind(i as i64 + 1).bind(t.as_str())).await?;
    }
    Ok(())
}

/// Holds a meeting at a unit with its codes; the form gets `defaults` if it has no items yet.
pub async fn meeting_create(tx: &mut Tx, actor: &Actor, campaign_id: i64, unit_id: i64, held_on: &str, codes: &[String], defaults: &[&str]) -> Result<i64, StoreError> {
    let n = tx.scalar_i64(q("SELECT COUNT(*) FROM inspection_ballot_items WHERE campaign_id = $1").bind(campaign_id)).await?;
    if n == 0 {
        insert_items(tx, campaign_id, &defaults.iter().map(|s| s.to_string()).collect::<Vec<_>>()).await?;
    }
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO inspection_ballot_meetings (campaign_id, unit_id, held_on, codes, status, created_by, created_at) VALUES ($1, $2, $3, $4, 'open', $5, $6) RETURNING id")
                .bind(campaign_id)
                .bind(unit_id)
                .bind(held_on)
                .bind(codes.len() as i64)
                .bind(actor.user_id.map(|u| u.get()))
                .bind(now()),
        )
        .await?;
    audit::record(tx, actor, "inspection_ballot.meeting_hold", "inspection_ballot_meeting", Some(id.to_string()), json!({"campaign_id": campaign_id, "unit_id": unit_id, "held_on": held_on})).await?;
    insert_codes(tx, actor, id, codes).await?;
    Ok(id)
}

/// More codes for an open meeting (more attendees than planned).
pub async fn codes_add(tx: &mut Tx, actor: &Actor, meeting_id: i64, codes: &[String]) -> Result<(), StoreError> {
    let n = tx.execute(q("UPDATE inspection_ballot_meetings SET codes = codes + $1 WHERE id = $2 AND status = 'open'").bind(codes.len() as i64).bind(meeting_id)).await?;
    if n == 0 {
        return Err(StoreError::Invalid("测评会议已结束，不能再生成测评码".into()));
    }
    insert_codes(tx, actor, meeting_id, codes).await
}

async fn insert_codes(tx: &mut Tx, actor: &Actor, meeting_id: i64, codes: &[String]) -> Result<(), StoreError> {
    for chunk in codes.chunks(200) {
        let mut sql = String::from("INSERT INTO inspection_ballot_codes (code, meeting_id, used) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${}, FALSE)", 2 * i + 1, 2 * i + 2));
        }
        let mut qq = crate::db::q_built(sql);
        for c in chunk {
            qq = qq.bind(c.as_str()).bind(meeting_id);
        }
        tx.execute(qq).await?;
    }
    // the count only: the codes themselves never go to the log
    audit::record(tx, actor, "inspection_ballot.codes_generate", "inspection_ballot_meeting", Some(meeting_id.to_string()), json!({"count": codes.len()})).await
}

const MEETING: &str = "SELECT m.id, m.campaign_id, m.unit_id, o.name AS unit_name, m.held_on, m.codes, m.status, \
     (SELECT COUNT(*) FROM inspection_ballot_codes c WHERE c.meeting_id = m.id AND c.used) AS used \
     FROM inspection_ballot_meetings m JOIN inspection_units u ON u.id = m.unit_id JOIN orgs o ON o.id = u.org_id ";

pub async fn meetings(db: &Db, campaign_id: i64) -> Result<Vec<Meeting>, StoreError> {
    db.fetch_all(crate::db::q_built(format!("{MEETING} WHERE m.campaign_id = $1 ORDER BY m.held_on DESC, m.id DESC")).bind(campaign_id)).await
}

pub async fn meeting(db: &Db, id: i64) -> Result<Meeting, StoreError> {
    db.fetch_optional(crate::db::q_built(format!("{MEETING} WHERE m.id = $1")).bind(id)).await?.ok_or(StoreError::NotFound)
}

/// The meeting's codes, as printed (unused first, each in its own order).
pub async fn codes(db: &Db, meeting_id: i64) -> Result<Vec<(String, bool)>, StoreError> {
    db.fetch_all(q("SELECT code, used FROM inspection_ballot_codes WHERE meeting_id = $1 ORDER BY used, code").bind(meeting_id)).await
}

/// Closes a meeting: no code is accepted after. Its ballots are written again, in the order
/// given (the caller shuffles), so that where a row stands no longer tells when it came.
pub async fn meeting_close(tx: &mut Tx, actor: &Actor, meeting_id: i64, reorder: impl FnOnce(Vec<(String, String, Option<String>)>) -> Vec<(String, String, Option<String>)>) -> Result<(), StoreError> {
    let n = tx.execute(q("UPDATE inspection_ballot_meetings SET status = 'closed' WHERE id = $1 AND status = 'open'").bind(meeting_id)).await?;
    if n == 0 {
        return Err(StoreError::Invalid("测评会议已经结束".into()));
    }
    let rows: Vec<(String, String, Option<String>)> = tx.fetch_all(q("SELECT id, answers, comment FROM inspection_ballots WHERE meeting_id = $1").bind(meeting_id)).await?;
    let total = rows.len();
    tx.execute(q("DELETE FROM inspection_ballots WHERE meeting_id = $1").bind(meeting_id)).await?;
    for (id, answers, comment) in reorder(rows) {
        tx.execute(q("INSERT INTO inspection_ballots (id, meeting_id, answers, comment) VALUES ($1, $2, $3, $4)").bind(id).bind(meeting_id).bind(answers).bind(comment)).await?;
    }
    audit::record(tx, actor, "inspection_ballot.meeting_close", "inspection_ballot_meeting", Some(meeting_id.to_string()), json!({"ballots": total})).await
}

/// What a code opens, or None for a code that does not exist.
pub async fn code_info(db: &Db, code: &str) -> Result<Option<CodeInfo>, StoreError> {
    db.fetch_optional(
        q("SELECT c.meeting_id, c.used, m.status, m.campaign_id, k.title AS campaign_title, o.name AS unit_name, m.held_on \
           FROM inspection_ballot_codes c JOIN inspection_ballot_meetings m ON m.id = c.meeting_id \
           JOIN inspection_campaigns k ON k.id = m.campaign_id JOIN inspection_units u ON u.id = m.unit_id JOIN orgs o ON o.id = u.org_id \
           WHERE c.code = $1")
        .bind(code),
    )
    .await
}

/// Why a ballot was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// no such code
    Unknown,
    /// the code was used already
    Used,
    /// the meeting is over
    Closed,
}

/// Casts a ballot with a code: marks the code used and inserts the ballot (random key `id`)
/// in one transaction. Ok(Err(_)) when the code is refused (nothing written).
pub async fn cast(db: &Db, code: &str, id: &str, answers: &str, comment: Option<&str>) -> Result<Result<(), Refusal>, StoreError> {
    let mut tx = db.begin().await?;
    let taken: Option<(i64,)> = tx
        .fetch_optional(
            q("UPDATE inspection_ballot_codes SET used = TRUE WHERE code = $1 AND used = FALSE \
               AND meeting_id IN (SELECT id FROM inspection_ballot_meetings WHERE status = 'open') RETURNING meeting_id")
            .bind(code),
        )
        .await?;
    let Some((meeting_id,)) = taken else {
        let why: Option<(bool, String)> = tx.fetch_optional(q("SELECT c.used, m.status FROM inspection_ballot_codes c JOIN inspection_ballot_meetings m ON m.id = c.meeting_id WHERE c.code = $1").bind(code)).await?;
        return Ok(Err(match why {
            None => Refusal::Unknown,
            Some((true, _)) => Refusal::Used,
            Some((false, _)) => Refusal::Closed,
        }));
    };
    tx.execute(q("INSERT INTO inspection_ballots (id, meeting_id, answers, comment) VALUES ($1, $2, $3, $4)").bind(id).bind(meeting_id).bind(answers).bind(comment.map(str::to_string))).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Every ballot of a campaign with its unit, for the rates.
pub async fn casts(db: &Db, campaign_id: i64) -> Result<Vec<Cast>, StoreError> {
    db.fetch_all(q("SELECT m.unit_id, b.answers FROM inspection_ballots b JOIN inspection_ballot_meetings m ON m.id = b.meeting_id WHERE m.campaign_id = $1").bind(campaign_id)).await
}

/// The comments left at a campaign's meetings, per unit (sorted: no order of casting shows).
pub async fn comments(db: &Db, campaign_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
    db.fetch_all(
        q("SELECT m.unit_id, b.comment FROM inspection_ballots b JOIN inspection_ballot_meetings m ON m.id = b.meeting_id WHERE m.campaign_id = $1 AND b.comment IS NOT NULL ORDER BY m.unit_id, b.comment")
            .bind(campaign_id),
    )
    .await
}
