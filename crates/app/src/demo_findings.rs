//! Demo data for 考责 — findings and 亮点 at 组织部, which the first group checked yesterday:
//! three problems in the words of seed 001's 通报 (one already told to the unit, so its 党务
//! staff have it in their 待办), and one 亮点 — enough for the organiser to draft the 通报.

use anyhow::Context;
use lianzheng_core::duty::format_date;
use lianzheng_core::ids::OrgId;
use lianzheng_store::audit::Actor;
use lianzheng_store::findings::{self as store, NewFinding, SOURCE_INSPECTION};
use lianzheng_store::q;
use lianzheng_web::AppState;

const FINDINGS: &[(&str, &str, &str)] = &[
    ("廉政约谈不规范", "集中约谈多于个别约谈，党政主要领导与班子成员的约谈记录无被约谈人签名。", "查阅2本约谈记录：集体约谈4次、个别约谈1次；个别约谈记录无签名。"),
    ("责任书签订不规范", "班子成员与分管科室负责人签订的目标责任书照抄上年，无个性化要求。", "比对本年度与上年度责任书，6份中5份内容一致。"),
    ("学习教育不扎实", "干部读书笔记普遍通篇抄写，对“两准则三条例”及《监察法》的学习不够。", "抽查读书笔记8本。"),
];

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let db = &st.db;
    let actor = Actor::system("演示数据");
    let Some((campaign, org_id, org_path)) =
        db.fetch_optional::<(i64, OrgId, String)>(q("SELECT id, org_id, org_path FROM inspection_campaigns WHERE status = 'open' ORDER BY id LIMIT 1")).await.context("演示发现问题 步骤1")?
    else {
        return Ok(());
    };
    let Some((unit, unit_org, unit_path)) = db
        .fetch_optional::<(i64, OrgId, String)>(q("SELECT u.id, u.org_id, u.org_path FROM inspection_units u JOIN orgs o ON o.id = u.org_id WHERE u.campaign_id = $1 AND o.code = 'XW-D03'").bind(campaign))
        .await
        .context("演示发现问题 步骤2")?
    else {
        return Ok(());
    };
    let today = lianzheng_web::app::calendar::today();
    let deadline = format_date(lianzheng_web::app::calendar::add_workdays(st, today, 30).await.map_err(|e| anyhow::anyhow!("{e:?}"))?);
    let mut tx = db.begin().await.context("演示发现问题 步骤3")?;
    for (i, (category, description, evidence)) in FINDINGS.iter().enumerate() {
        let id = store::insert(
            &mut tx,
            &actor,
            &NewFinding {
                org_id: unit_org,
                org_path: &unit_path,
                raised_by_org_id: org_id,
                raised_by_org_path: &org_path,
                source: SOURCE_INSPECTION,
                campaign_id: Some(campaign),
                inspection_unit_id: Some(unit),
                source_ref: None,
                category,
                description,
                evidence: Some(evidence),
                deadline: Some(&deadline),
                created_by: None,
            },
        )
        .await
        .context("演示发现问题 步骤4")?;
        if i == 0 {
            store::notify(&mut tx, &actor, id, 1, &format_date(today)).await.context("演示发现问题 步骤5")?;
        }
    }
    store::insert_highlight(&mut tx, &actor, campaign, unit, "把党风廉政建设工作任务的落实情况列为每周部务会第一项议题，班子成员逐月报告分管领域情况。", None).await.context("演示发现问题 步骤6")?;
    tx.commit().await.context("演示发现问题 步骤7")?;
    Ok(())
}
