//! Demo data for 履责 — 廉政约谈: a year of talks in the demo county with each compliance
//! defect exactly once (so a person clicking through 约谈检查 sees every rule at work):
//! every 班子成员 holds an individual talk with a person of his 分管 area (confirmed) except one
//! (无个别约谈); 城关镇 holds more collective talks than individual ones (集体多于个别), one of
//! them without 廉政要求 (无廉政要求); a 班子成员 of 东关镇 took up his post this year without a
//! 任前 talk (缺任前谈话); and 教育局's 书记 王建国 held a 节前 collective talk with 刘志强 (who
//! confirmed) and 赵晓燕 (gb_jyj), who has not confirmed it ten days on (未确认, and her 待办).

use lianzheng_core::ids::{OrgId, PersonId, TalkId};
use lianzheng_store::audit::Actor;
use lianzheng_store::conduct::talks::{self, TalkInput};
use lianzheng_store::q;
use lianzheng_web::AppState;

fn day(d: time::Date) -> String {
    lianzheng_core::duty::format_date(d)
}

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let actor = Actor::system("演示数据");
    let today = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date();
    let year_start = time::Date::from_calendar_date(today.year(), time::Month::January, 1)?;
    // a day this year, `back` days before today (the first of January at the earliest)
    let ago = |back: i64| day((today - time::Duration::days(back)).max(year_start));
    let base = |org_id: OrgId, org_path: &str, talker: (PersonId, String), kind: &str, occasion: &str, tags: &[&str], date: String, content: &str, people: Vec<(PersonId, String)>| TalkInput {
        org_id,
        org_path: org_path.to_string(),
        talker_id: talker.0,
        talker_name: talker.1,
        kind: kind.into(),
        occasion: occasion.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        talk_date: date,
        place: Some("单位会议室".into()),
        content: content.into(),
        follow_up: None,
        interviewees: people,
    };
    let confirm_all = |id: TalkId| q("UPDATE talk_interviewees SET confirm_method = 'confirm', confirmed_at = $1 WHERE talk_id = $2").bind(lianzheng_store::now()).bind(id);

    // the 班子成员 of every unit, and one person of each one's 分管 area (a non-leader of his unit)
    let members: Vec<(PersonId, String, OrgId, String, String)> = st
        .db
        .fetch_all(q("SELECT pe.id, pe.name, po.org_id, o.path, o.code FROM posts po JOIN people pe ON pe.id = po.person_id JOIN orgs o ON o.id = po.org_id WHERE po.kind IN ('team_member', 'deputy_secretary') ORDER BY o.path, pe.id"))
        .await?;
    let mut skipped = false;
    let mut tx = st.db.begin().await?;
    for (pid, name, org_id, path, code) in &members {
        // 无个别约谈: the first 班子成员 of 发改局 holds none
        if code == "XW-D07" && !skipped {
            skipped = true;
            continue;
        }
        let area: Option<(PersonId, String)> = tx
            .fetch_optional(
                q("SELECT x.id, x.name FROM people x WHERE x.org_path LIKE ($1 || '%') AND NOT EXISTS (SELECT 1 FROM posts l WHERE l.person_id = x.id AND l.org_id = $2 AND l.kind IN ('secretary', 'deputy_secretary', 'team_member', 'discipline_secretary')) ORDER BY x.id LIMIT 1")
                    .bind(path.as_str())
                    .bind(*org_id),
            )
            .await?;
        let Some(who) = area else { continue };
        let input = base(
            *org_id,
            path,
            (*pid, name.clone()),
            "individual",
            "routine",
            &["integrity", "work"],
            ago(60),
            "传达上级关于党风廉政建设的部署，就分管工作中的廉政风险点逐项提醒，要求严格执行中央八项规定精神，管好身边人。",
            vec![who],
        );
        let id = talks::create(&mut tx, &actor, &input).await?;
        tx.execute(confirm_all(id)).await?;
    }
    tx.commit().await?;

    // 城关镇: four collective talks against three individual ones; one without 廉政要求
    let town: (OrgId, String) = st.db.fetch_one(q("SELECT id, path FROM orgs WHERE code = 'XW-T01'")).await?;
    let secretary: (PersonId, String) =
        st.db.fetch_one(q("SELECT pe.id, pe.name FROM posts po JOIN people pe ON pe.id = po.person_id WHERE po.org_id = $1 AND po.kind = 'secretary' ORDER BY pe.id LIMIT 1").bind(town.0)).await?;
    let staff: Vec<(PersonId, String)> =
        st.db.fetch_all(q("SELECT pe.id, pe.name FROM posts po JOIN people pe ON pe.id = po.person_id WHERE po.org_id = $1 AND po.kind IN ('cadre', 'middle_manager') ORDER BY pe.id").bind(town.0)).await?;
    let mut tx = st.db.begin().await?;
    for (i, (occasion, tags, back)) in [("holiday", &["integrity"][..], 300), ("routine", &["integrity", "work"][..], 200), ("holiday", &["integrity"][..], 120), ("routine", &["work"][..], 90)].iter().enumerate() {
        let content =
            if tags.contains(&"integrity") { "集体廉政谈话：通报典型案例，提出节日期间廉洁自律要求。" } else { "集体谈话：部署年度重点工作任务，明确完成时限。" };
        let input = base(town.0, &town.1, secretary.clone(), "collective", occasion, tags, ago(*back + i as i64), content, staff.clone());
        let id = talks::create(&mut tx, &actor, &input).await?;
        tx.execute(confirm_all(id)).await?;
    }
    // 缺任前谈话: a 班子成员 of 东关镇 took up his post this year
    tx.execute(q("UPDATE posts SET start_date = $1 WHERE id = (SELECT MIN(po.id) FROM posts po JOIN orgs o ON o.id = po.org_id WHERE o.code = 'XW-T02' AND po.kind = 'team_member')").bind(ago(20))).await?;
    tx.commit().await?;

    // 教育局: 王建国's 节前 talk with 刘志强 (confirmed) and 赵晓燕 (waiting, ten days on)
    let edu: (OrgId, String) = st.db.fetch_one(q("SELECT id, path FROM orgs WHERE code = 'XW-D08'")).await?;
    let person = |name: &'static str| {
        let db = st.db.clone();
        let org = edu.0;
        async move { db.fetch_one::<(PersonId, String)>(q("SELECT id, name FROM people WHERE name = $1 AND org_id = $2 ORDER BY id LIMIT 1").bind(name).bind(org)).await }
    };
    let (wang, liu, zhao) = (person("王建国").await?, person("刘志强").await?, person("赵晓燕").await?);
    let mut tx = st.db.begin().await?;
    let input = base(
        edu.0,
        &edu.1,
        wang,
        "collective",
        "holiday",
        &["integrity", "work"],
        ago(10),
        "节前集体廉政谈话：重申中央八项规定及其实施细则精神，严禁公款吃喝、违规收送礼品礼金；要求分管财务的同志严格执行资金审批制度。",
        vec![liu.clone(), zhao],
    );
    let id = talks::create(&mut tx, &actor, &input).await?;
    tx.execute(q("UPDATE talk_interviewees SET confirm_method = 'confirm', confirmed_at = $1 WHERE talk_id = $2 AND person_id = $3").bind(lianzheng_store::now()).bind(id).bind(liu.0)).await?;
    tx.commit().await?;
    Ok(())
}
