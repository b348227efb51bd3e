//! Demo data for 履责 — 履责纪实: a year of duty records of the demo county up to today: the
//! 县委's 常委会专题研究 each quarter and a 听取汇报, 教育局's 党组会专题研究, 党课, 检查 and
//! 学习 (linked to its list items and tasks), the 县纪委's 检查, a few townships' 党课 and 学习,
//! and one 补录 with its reason.

use lianzheng_core::duty::format_date;
use lianzheng_store::audit::Actor;
use lianzheng_store::conduct::records::{self as store, RecordInput};
use lianzheng_store::org;
use lianzheng_web::AppState;
use lianzheng_web::app::conduct::records::{quarter_of, window_closed};

/// (unit code, kind, sub_kind, title, content, decisions, day of the quarter, quarters: 0 = every quarter, else that one)
type Act = (&'static str, &'static str, Option<&'static str>, &'static str, &'static str, Option<&'static str>, i64, i64);

const ACTS: &[Act] = &[
    (
        "XW",
        "meeting",
        Some("standing_study"),
        "县委常委会专题研究党风廉政建设工作",
        "传达学习上级纪委全会精神，分析本县党风廉政建设形势，研究部署本季度重点工作。",
        Some("一、各级党组织书记履行第一责任人职责；二、县纪委监委牵头开展专项督查。"),
        20,
        0,
    ),
    ("XW", "meeting", Some("standing_hearing"), "县委常委会听取县纪委监委工作汇报", "听取县纪委监委上半年工作情况汇报，研究解决监督执纪中的突出问题。", Some("支持县纪委监委加强派驻监督，充实派驻机构力量。"), 45, 2),
    (
        "XW-D08",
        "meeting",
        Some("group_study"),
        "党组会专题研究党风廉政建设和教育系统行风建设",
        "学习上级有关文件精神，研究本局党风廉政建设责任分解，听取班子成员“一岗双责”落实情况。",
        Some("分管领导牵头开展校园食堂、招生入学专项检查。"),
        25,
        0,
    ),
    ("XW-D08", "lecture", None, "党组书记讲廉政党课", "以“守纪律、讲规矩、作表率”为题讲授廉政党课，通报近期教育系统违纪违法典型案例。", None, 50, 2),
    ("XW-D08", "inspection", None, "校园食堂和校外培训专项检查", "班子成员带队，对城区 6 所学校食堂和 3 家校外培训机构开展检查，发现问题 4 个，当场反馈整改。", Some("限期一个月整改，办公室跟踪销号。"), 35, 3),
    ("XW-D08", "study", None, "党组理论学习中心组廉政专题学习", "集中学习《中国共产党纪律处分条例》，班子成员交流发言。", None, 10, 1),
    ("XW-JW", "inspection", None, "落实中央八项规定精神专项检查", "对县直 10 个单位公务接待、公车使用情况开展专项检查。", Some("对发现的问题向有关单位发出整改建议。"), 40, 2),
    ("XW-JW", "study", None, "县纪委常委会集中学习", "学习监督执纪工作规则，研讨提升办案质量。", None, 30, 3),
    ("XW-T01", "lecture", None, "镇党委书记讲廉政党课", "面向镇村干部讲授廉政党课，剖析基层“微腐败”典型案例。", None, 30, 2),
    ("XW-T02", "study", None, "镇党委中心组廉政学习", "学习农村集体“三资”管理有关规定。", None, 20, 3),
    ("XW-T03", "research", None, "村级小微权力运行情况调研", "到 3 个村调研村级小微权力清单执行情况。", None, 15, 1),
];

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let db = &st.db;
    let today = lianzheng_store::duty::tasks::today();
    let year = i64::from(today.year());
    let current = quarter_of(today);
    let days = lianzheng_web::app::settings::conduct_entry_days(st);
    let actor = Actor::system("演示数据");
    let mut tx = db.begin().await?;
    for (code, kind, sub_kind, title, content, decisions, day, only) in ACTS {
        let Some(unit) = org::get_by_code(db, code).await? else { continue };
        let people = store::people_options(db, &unit.path).await?;
        let leader = people.first().map(|(_, n, t)| match t.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(t) => format!("{n}（{t}）"),
            None => n.clone(),
        });
        // a 党课 or a study session is for every cadre of the unit; meetings and checks for its leaders
        let everyone = matches!(*kind, "lecture" | "study");
        let participants: Vec<_> = people.iter().skip(1).take(if everyone { 60 } else { 4 }).map(|p| p.0).collect();
        let items = store::item_options(db, unit.id, year).await?.into_iter().take(1).map(|i| i.item_id).collect::<Vec<_>>();
        let tasks = store::task_options(db, unit.id, year).await?.into_iter().take(1).map(|t| t.task_id).collect::<Vec<_>>();
        for qr in 1..=current {
            if *only != 0 && *only != qr {
                continue;
            }
            let Some(date) = quarter_start(year, qr).map(|d| d + time::Duration::days(*day)) else { continue };
            if date > today {
                continue;
            }
            let input = RecordInput {
                year,
                quarter: qr,
                kind: kind.to_string(),
                sub_kind: sub_kind.map(str::to_string),
                title: title.to_string(),
                act_date: format_date(date),
                place: Some(format!("{}会议室", unit.short_name.clone().unwrap_or_else(|| unit.name.clone()))),
                leader: leader.clone(),
                content: content.to_string(),
                decisions: decisions.map(str::to_string),
                participants: participants.clone(),
                items: if *code == "XW-D08" { items.clone() } else { vec![] },
                tasks: if *code == "XW-D08" { tasks.clone() } else { vec![] },
                late_reason: None,
                today: format_date(date),
            };
            store::create(&mut tx, &actor, None, "演示数据", unit.id, &unit.path, &input).await?;
        }
    }
    // one 补录: 教育局's 警示教育 of the latest quarter whose entry window has closed
    let (mut y, mut qr) = (year, current);
    while !window_closed(y, qr, days, today) {
        (y, qr) = if qr == 1 { (y - 1, 4) } else { (y, qr - 1) };
    }
    if let (Some(unit), Some(date)) = (org::get_by_code(db, "XW-D08").await?, quarter_start(y, qr).map(|d| d + time::Duration::days(55))) {
        let people = store::people_options(db, &unit.path).await?;
        let input = RecordInput {
            year: y,
            quarter: qr,
            kind: "study".into(),
            sub_kind: None,
            title: "组织党员干部参观廉政教育基地".into(),
            act_date: format_date(date),
            place: Some("县廉政教育基地".into()),
            leader: people.first().map(|p| p.1.clone()),
            content: "组织机关党员干部参观廉政教育基地，观看警示教育片。".into(),
            decisions: None,
            participants: people.iter().skip(1).take(6).map(|p| p.0).collect(),
            items: vec![],
            tasks: vec![],
            late_reason: Some("活动当季经办人外出培训，签到表和照片在录入截止后才整理完成。".into()),
            today: format_date(today),
        };
        store::create(&mut tx, &actor, None, "演示数据", unit.id, &unit.path, &input).await?;
    }
    tx.commit().await?;
    Ok(())
}

fn quarter_start(year: i64, quarter: i64) -> Option<time::Date> {
    let month = time::Month::try_from(u8::try_from((quarter - 1) * 3 + 1).ok()?).ok()?;
    time::Date::from_calendar_date(i32::try_from(year).ok()?, month, 1).ok()
}
