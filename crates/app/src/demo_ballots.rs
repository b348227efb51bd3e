//! Demo data for 考责 — 廉政测评: a meeting held at 教育局 a week ago in the year's campaign (the
//! first campaign there is, or one of the 县纪委 when the demo has none yet), with 40 codes of
//! which 26 were used, and closed — so the organiser's page shows rates per item and a few
//! comments. Ballots go in through the store as the voting page puts them (no audit entry).

use lianzheng_core::duty::format_date;
use lianzheng_store::audit::Actor;
use lianzheng_store::inspection::ballots as store;
use lianzheng_store::{Db, q};
use lianzheng_web::AppState;
use lianzheng_web::app::inspection::ballots::{DEFAULT_ITEMS, ballot_id, new_codes};

/// The answers of the 26 ballots (one letter per item: A 满意, B 基本满意, C 不满意), cycled.
const PATTERNS: &[&str] = &["AAAAAAAA", "AABAAAAA", "ABABAAAB", "AAAAAABA", "BBABBAAB", "AAAACAAA", "ABAAAAAA", "AACABAAB"];
const COMMENTS: &[&str] = &["建议加强对二级单位的廉政风险排查", "希望班子成员多到基层听取意见", "三重一大事项的会议记录应更完整"];

async fn campaign(db: &Db, actor: &Actor) -> anyhow::Result<i64> {
    if let Some((id,)) = db.fetch_optional::<(i64,)>(q("SELECT id FROM inspection_campaigns ORDER BY id LIMIT 1")).await? {
        return Ok(id);
    }
    let (org, path): (i64, String) = db.fetch_one(q("SELECT o.id, o.path FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = 'jw_staff'")).await?;
    let year = i64::from(lianzheng_web::app::calendar::today().year());
    let mut tx = db.begin().await?;
    let id = lianzheng_store::inspection::campaigns::insert(&mut tx, year, &format!("{year}年度党风廉政建设责任制检查考核"), org, &path, None).await?;
    tx.execute(q("UPDATE inspection_campaigns SET status = 'open' WHERE id = $1").bind(id)).await?;
    tx.commit().await?;
    let _ = actor;
    Ok(id)
}

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let db = &st.db;
    let actor = Actor::system("演示数据");
    let c = campaign(db, &actor).await?;
    let (org, path): (i64, String) = db.fetch_one(q("SELECT id, path FROM orgs WHERE code = 'XW-D08'")).await?;
    let unit = match db.fetch_optional::<(i64,)>(q("SELECT id FROM inspection_units WHERE campaign_id = $1 AND org_id = $2").bind(c).bind(org)).await? {
        Some((u,)) => u,
        None => {
            let (u,): (i64,) = db.fetch_one(q("INSERT INTO inspection_units (campaign_id, org_id, org_path, spot_checked) VALUES ($1, $2, $3, TRUE) RETURNING id").bind(c).bind(org).bind(path)).await?;
            u
        }
    };
    let held_on = format_date(lianzheng_web::app::calendar::today() - time::Duration::days(7));
    let codes = new_codes(40);
    let mut tx = db.begin().await?;
    let meeting = store::meeting_create(&mut tx, &actor, c, unit, &held_on, &codes, DEFAULT_ITEMS).await?;
    tx.commit().await?;
    let items = store::items(db, c).await?.len();
    for (k, code) in codes.iter().take(26).enumerate() {
        let answers: String = PATTERNS[k % PATTERNS.len()].chars().cycle().take(items).collect();
        let comment = (k % 9 == 4).then(|| COMMENTS[(k / 9) % COMMENTS.len()]);
        if let Err(r) = store::cast(db, code, &ballot_id(), &answers, comment).await? {
            anyhow::bail!("演示测评票未能投出：{r:?}");
        }
    }
    let mut tx = db.begin().await?;
    store::meeting_close(&mut tx, &actor, meeting, |rows| rows.into_iter().map(|(_, a, c)| (ballot_id(), a, c)).collect()).await?;
    tx.commit().await?;
    Ok(())
}
