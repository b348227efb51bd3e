//! Demo data for 考责 — 自查自评 in the demo campaign: 组织部 and a few other units have
//! submitted their 自查报告 (drafted from their own records, as the button does), with materials
//! that link records already in the system (a 纪实 meeting for the 会议记录 item, a 责任书 for the
//! plan item) and their 八项规定 table entered; one township is still in draft; 教育局 has not
//! begun, so its 党务 staff (dw_jyj) sees the 自查自评 待办 and drafts from its records.

use lianzheng_core::org::OrgKind;
use lianzheng_store::audit::Actor;
use lianzheng_store::inspection::selfchecks::{self as store, NewMaterial, Parts};
use lianzheng_store::inspection::setup;
use lianzheng_store::q;
use lianzheng_web::AppState;
use lianzheng_web::app::inspection::selfchecks::draft;
use serde_json::json;

/// How many units besides 组织部 have submitted.
const SUBMITTED: usize = 4;

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let db = &st.db;
    let actor = Actor::system("演示数据");
    let Some((campaign, year)) = db.fetch_optional::<(i64, i64)>(q("SELECT id, year FROM inspection_campaigns WHERE status = 'open' ORDER BY id LIMIT 1")).await? else { return Ok(()) };
    let units = setup::units(db, campaign).await?;
    let jyj = units.iter().find(|u| u.org_name == "教育局").map(|u| u.id);
    // 组织部 first, then the next departments; 教育局 is left for the demo's own user
    let mut chosen: Vec<&setup::Unit> = units.iter().filter(|u| u.org_name == "组织部").collect();
    chosen.extend(units.iter().filter(|u| u.org_name != "组织部" && Some(u.id) != jyj && u.org_kind != OrgKind::Township.code()).take(SUBMITTED));
    let draft_unit = units.iter().find(|u| u.org_kind == OrgKind::Township.code());
    for (i, u) in chosen.iter().copied().chain(draft_unit).enumerate() {
        let submitted = draft_unit.is_none_or(|d| d.id != u.id);
        let figures = draft::figures(st, u, year).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let texts = draft::texts(year, &u.org_name, &figures);
        let json = serde_json::to_string(&figures)?;
        let mut tx = db.begin().await?;
        store::begin(&mut tx, &actor, u.id, campaign, &u.org_path, None).await?;
        store::save(&mut tx, &actor, u.id, 1, &Parts { duty: &texts[0], work: &texts[1], problems: &texts[2], next_steps: &texts[3] }, Some(&json)).await?;
        if submitted {
            store::submit(&mut tx, &actor, u.id, 2, None).await?;
            // materials that reuse records: a meeting record for the 会议记录 item, a letter for the plan item
            if let Some((id, title)) =
                tx.fetch_optional::<(i64, String)>(q("SELECT id, title FROM duty_records WHERE org_path LIKE $1 || '%' AND year = $2 AND kind = 'meeting' ORDER BY id LIMIT 1").bind(&u.org_path).bind(year)).await?
            {
                store::add_material(
                    &mut tx,
                    &actor,
                    &NewMaterial { unit_id: u.id, item_no: Some(5), indicator_id: None, attachment_id: None, ref_kind: Some("record"), ref_id: Some(id), title: &title, created_by: None },
                )
                .await?;
            }
            if let Some((id, title)) = tx.fetch_optional::<(i64, String)>(q("SELECT id, title FROM letters WHERE org_path LIKE $1 || '%' AND year = $2 ORDER BY id LIMIT 1").bind(&u.org_path).bind(year)).await? {
                store::add_material(
                    &mut tx,
                    &actor,
                    &NewMaterial { unit_id: u.id, item_no: Some(1), indicator_id: None, attachment_id: None, ref_kind: Some("letter"), ref_id: Some(id), title: &title, created_by: None },
                )
                .await?;
            }
            let n = i as i64;
            let data = json!({
                "reception_batches": (3 + n).to_string(), "reception_people": (14 + 3 * n).to_string(), "reception_amount": format!("{}.00", 1860 + 420 * n),
                "cars_count": "2", "cars_cost": format!("{}.50", 21_300 + 1_000 * n), "meetings_count": (4 + n).to_string(), "meetings_amount": format!("{}.00", 2_400 + 300 * n),
                "trainings_count": "1", "trainings_amount": "3600.00", "found_problems": if n == 1 { "1" } else { "0" }, "handled_people": if n == 1 { "1" } else { "0" },
            });
            store::save_frugality(&mut tx, &actor, u.id, 0, &data.to_string(), Some("本年度未发生超标准接待、公车私用和违规发放津补贴问题。"), None).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}
