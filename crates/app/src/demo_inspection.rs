//! Demo data for 考责 — this year's 党风廉政建设责任制检查考核 of the county, mid-way: the 县纪委's
//! notice issued twelve days ago (文号 某纪发〔year〕12号) over every department (党组、党委) and 乡镇 of the county, the
//! units finishing their self-check (due in three days: the 自查自评 待办 of 教育局's 党务 staff
//! and 书记), six units spot-checked by a random draw whose seed is recorded (组织部 and 教育局
//! among them), two inspection groups — the first led by the 县纪委书记, which checked 组织部
//! yesterday (two 个别谈话 records) and visits 教育局 in five days; the second with 陈立新 — and
//! the later phases still ahead. Dates are relative to today.

use anyhow::Context;
use lianzheng_core::duty::format_date;
use lianzheng_core::ids::{OrgId, PersonId};
use lianzheng_store::audit::Actor;
use lianzheng_store::inspection::campaigns as store;
use lianzheng_store::inspection::setup::{self, Edit};
use lianzheng_store::inspection::talks::{self, NewTalk};
use lianzheng_store::q;
use lianzheng_web::AppState;
use lianzheng_web::app::inspection::campaigns::{DEFAULT_MATERIALS, default_notice, draw};

/// How many units the demo's draw takes.
const SPOT_COUNT: usize = 6;

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let db = &st.db;
    let actor = Actor::system("演示数据");
    let today = lianzheng_web::app::calendar::today();
    let day = |n: i64| format_date(today + time::Duration::days(n));
    let year = i64::from(today.year());
    let (jw, jw_path, jw_name): (OrgId, String, String) = db.fetch_one(q("SELECT id, path, name FROM orgs WHERE code = 'XW-JW'")).await.context("演示检查考核 步骤1")?;
    let (root, root_path): (OrgId, String) = db.fetch_one(q("SELECT id, path FROM orgs WHERE code = 'XW'")).await.context("演示检查考核 步骤2")?;
    let kinds = vec!["party_committee".to_string(), "party_group".to_string(), "township".to_string(), "unit".to_string()];
    let orgs = setup::candidates(db, &root_path, &kinds).await.context("演示检查考核 步骤3")?;

    let mut tx = db.begin().await.context("演示检查考核 步骤4")?;
    let id = store::insert(&mut tx, year, &format!("{year}年度党风廉政建设责任制落实情况检查考核"), jw.get(), &jw_path, None).await.context("演示检查考核 步骤5")?;
    let phases: Vec<(String, Option<String>, Option<String>)> = vec![
        ("通知".into(), Some(day(-12)), Some(day(-12))),
        ("自查自评".into(), Some(day(-12)), Some(day(3))),
        ("抽查考核（实地检查）".into(), Some(day(-2)), Some(day(14))),
        ("评分汇总".into(), Some(day(15)), Some(day(22))),
        ("通报".into(), Some(day(23)), Some(day(30))),
    ];
    let notice = default_notice(year, &jw_name);
    let materials = DEFAULT_MATERIALS.join("\n");
    setup::update(&mut tx, &actor, id, 1, &Edit { title: &format!("{year}年度党风廉政建设责任制落实情况检查考核"), notice: Some(&notice), materials: &materials, phases: &phases }).await.context("演示检查考核 步骤6")?;
    setup::set_units(&mut tx, &actor, id, 2, root, &kinds.join(","), &orgs).await.context("演示检查考核 步骤7")?;
    setup::issue(&mut tx, &actor, id, 3, &format!("某纪发〔{year}〕12号"), &day(-12)).await.context("演示检查考核 步骤8")?;
    tx.commit().await.context("演示检查考核 步骤9")?;

    // the draw: six units at random, the seed kept (the demo takes the first seed from 2026 that
    // draws 组织部 and 教育局, so the story below has its units; anyone may redo the draw)
    let units = setup::units(db, id).await.context("演示检查考核 步骤10")?;
    let by_code = |code: &'static str| async move { db.scalar_i64(q("SELECT u.id FROM inspection_units u JOIN orgs o ON o.id = u.org_id WHERE u.campaign_id = $1 AND o.code = $2").bind(id).bind(code)).await };
    let zzb = by_code("XW-D03").await.context("演示检查考核 步骤11")?;
    let jyj = by_code("XW-D08").await.context("演示检查考核 步骤12")?;
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let seed = (2026u64..12026).find(|s| {
        let d = draw(&ids, SPOT_COUNT, *s);
        d.contains(&zzb) && d.contains(&jyj)
    });
    let (rule, seed, chosen): (String, Option<i64>, Vec<i64>) = match seed {
        Some(s) => (format!("random:{SPOT_COUNT}"), i64::try_from(s).ok(), draw(&ids, SPOT_COUNT, s)),
        None => ("list".into(), None, vec![zzb, jyj]),
    };
    let why = match seed {
        Some(s) => format!("随机抽取（种子 {s}）"),
        None => "指定抽查".to_string(),
    };
    let chosen_why: Vec<(i64, String)> = chosen.iter().map(|u| (*u, why.clone())).collect();

    // the groups: the 县纪委书记 with two cadres of the 纪委; a 派驻组长 with 陈立新 and his cadre
    let person = |sql: &'static str| async move { db.scalar_i64(q(sql)).await.map(PersonId::new) };
    let sun = person("SELECT p.id FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.code = 'XW-JW' AND p.name = '孙正平'").await.context("演示检查考核 步骤13")?;
    let chen = person("SELECT p.id FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.code = 'XW-JW' AND p.name = '陈立新'").await.context("演示检查考核 步骤14")?;
    let cadres: Vec<(PersonId,)> = db
        .fetch_all(q("SELECT p.id FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.code = 'XW-JW' AND p.name NOT IN ('孙正平', '张淑芬', '陈立新') AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY p.id LIMIT 2"))
        .await.context("演示检查考核 步骤15")?;
    let pz_leader =
        person("SELECT MIN(p.id) FROM people p JOIN orgs o ON o.id = p.org_id JOIN posts po ON po.person_id = p.id WHERE o.code = 'XW-JW-PZ1' AND po.kind = 'secretary'").await.context("演示检查考核 步骤16")?;
    let pz_cadre = person("SELECT MIN(p.id) FROM people p JOIN orgs o ON o.id = p.org_id JOIN posts po ON po.person_id = p.id WHERE o.code = 'XW-JW-PZ1' AND po.kind = 'cadre'").await.context("演示检查考核 步骤17")?;

    let mut tx = db.begin().await.context("演示检查考核 步骤18")?;
    setup::set_spot(&mut tx, &actor, id, 4, &rule, seed, &chosen_why).await.context("演示检查考核 步骤19")?;
    let g1 = setup::insert_group(&mut tx, &actor, id, "第一检查组", sun, &cadres.iter().map(|c| c.0).collect::<Vec<_>>(), Some("听取汇报不超过20分钟，随后个别谈话、廉政测评、查阅资料，当日情况交流。"))
        .await
        .context("演示检查考核 步骤20")?;
    let g2 = setup::insert_group(&mut tx, &actor, id, "第二检查组", pz_leader, &[chen, pz_cadre], Some("每个单位半天；下午集中查阅资料。")).await.context("演示检查考核 步骤21")?;
    setup::assign(&mut tx, &actor, zzb, Some(g1), Some(&day(-1))).await.context("演示检查考核 步骤22")?;
    setup::assign(&mut tx, &actor, jyj, Some(g1), Some(&day(5))).await.context("演示检查考核 步骤23")?;
    let others: Vec<i64> = chosen.iter().copied().filter(|u| *u != zzb && *u != jyj).collect();
    for (i, u) in others.iter().enumerate() {
        let (g, d) = if i % 2 == 0 { (g2, 4 + i as i64) } else { (g1, 6 + i as i64) };
        setup::assign(&mut tx, &actor, *u, Some(g), Some(&day(d))).await.context("演示检查考核 步骤24")?;
    }
    // 组织部, checked yesterday: two talks handed in
    let zzb_secretary: Option<(String,)> = tx
        .fetch_optional(q("SELECT p.name FROM posts po JOIN people p ON p.id = po.person_id JOIN orgs o ON o.id = po.org_id WHERE o.code = 'XW-D03' AND po.kind = 'secretary' ORDER BY p.id LIMIT 1"))
        .await
        .context("演示检查考核 步骤25")?;
    let talks_at_zzb = [
        (
            sun,
            zzb_secretary.map_or_else(|| "部务会成员".to_string(), |r| r.0),
            "部长",
            "介绍了部务会研究党风廉政建设工作的情况：全年专题研究2次，责任清单已分解到各科室。反映干部档案专项审核工作前期进度滞后，已按抄告单要求整改。建议县纪委对新任职干部集中开展一次廉政谈话。",
        ),
        (cadres.first().map_or(sun, |c| c.0), "干部一科科长".to_string(), "中层干部", "反映科室之间廉政风险点排查深浅不一，部分岗位的防控措施照抄上年；个别同志对“一岗双责”理解不够。建议统一廉政风险点排查模板。"),
    ];
    for (talker, name, post, record) in talks_at_zzb {
        talks::insert(&mut tx, &actor, &NewTalk { campaign_id: id, unit_id: zzb, group_id: Some(g1), talker_id: talker, person_name: &name, person_post: Some(post), talked_on: &day(-1), record, created_by: None })
            .await
            .context("演示检查考核 步骤26")?;
    }
    tx.commit().await.context("演示检查考核 步骤27")?;
    Ok(())
}
