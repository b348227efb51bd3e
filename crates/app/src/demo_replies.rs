//! Demo data for 履责 — 廉洁意见回复: the 县委组织部 asked twice this year. The first request
//! (a few people of 教育局 with nothing of note, before a promotion) was answered and issued; the second (a 评优评先
//! list of ten people of 教育局 and 组织部) is a draft the 纪委 clerk (jw_staff) drafted from
//! the files today and has not decided yet: people with an open 函询 or a flagged report wait
//! for his decision. Both are drafted by the use case itself, from the files as they stand.

use lianzheng_core::ids::PersonId;
use lianzheng_store::{Db, q};
use lianzheng_web::AppState;
use lianzheng_web::app::conduct::replies::{self, IssueForm, NewForm};
use lianzheng_web::auth::Principal;

/// jw_staff, as if signed in (the replies are his work; his reading of each file is logged).
async fn clerk(db: &Db) -> anyhow::Result<Principal> {
    let user = lianzheng_store::users::get_by_username(db, "jw_staff").await?.ok_or_else(|| anyhow::anyhow!("演示账号 jw_staff 不存在"))?;
    let grants = lianzheng_store::users::grants_of(db, user.id).await?;
    let t = lianzheng_store::now();
    let session = lianzheng_store::sessions::Session { token_hash: String::new(), user_id: user.id, kind: "demo".into(), csrf_token: String::new(), second_factor_ok: true, created_at: t, last_seen_at: t, expires_at: t };
    Ok(Principal { user, grants, session, ip: None })
}

/// People of a unit without the demo's accounts, in the unit's order.
async fn people_of(db: &Db, unit: &str, n: i64) -> anyhow::Result<Vec<PersonId>> {
    let rows: Vec<(PersonId,)> = db
        .fetch_all(
            q("SELECT p.id FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.code = $1 AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY p.sort_order, p.id LIMIT $2")
                .bind(unit)
                .bind(n),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

fn failed(e: lianzheng_web::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("演示廉洁意见回复：{e:?}")
}

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let p = clerk(&st.db).await?;
    // the promotion list: up to three of 教育局's people without an open 函询
    let open: Vec<(PersonId,)> = st.db.fetch_all(q("SELECT DISTINCT person_id FROM inquiries WHERE conclusion IS NULL")).await?;
    let open: Vec<PersonId> = open.into_iter().map(|r| r.0).collect();
    let clean: Vec<PersonId> = people_of(&st.db, "XW-D08", 12).await?.into_iter().filter(|id| !open.contains(id)).skip(4).take(3).collect();
    let received = lianzheng_core::duty::format_date(lianzheng_web::app::calendar::today() - time::Duration::days(20));
    let first = NewForm {
        requester: "县委组织部".into(), request_ref: "关于征求拟提拔人选党风廉政意见的函".into(), purpose: "promotion".into(), received_on: received, person_ids: clean, ..NewForm::default()
    };
    let r = replies::create(st, &p, &first).await.map_err(failed)?;
    replies::issue(st, &p, r.id, &IssueForm { version: r.version.to_string(), doc_number: format!("纪廉复〔{}〕1号", r.year), issued_on: String::new() }).await.map_err(failed)?;
    // the 评优评先 list: ten people, those with open matters among them
    let mut ten: Vec<PersonId> = open.into_iter().take(2).collect();
    for id in people_of(&st.db, "XW-D08", 6).await?.into_iter().chain(people_of(&st.db, "XW-D03", 6).await?) {
        if ten.len() < 10 && !ten.contains(&id) {
            ten.push(id);
        }
    }
    let second = NewForm { requester: "县委组织部".into(), request_ref: "关于征求2026年度评优评先人选党风廉政意见的函".into(), purpose: "award".into(), person_ids: ten, ..NewForm::default() };
    replies::create(st, &p, &second).await.map_err(failed)?;
    Ok(())
}
