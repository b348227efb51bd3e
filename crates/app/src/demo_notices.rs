//! Demo data for 履责 — 抄告单 and 整改建议书 of the 县纪委 this year, in every state a clerk
//! meets: one to 刘志强 (bz_jyj) waiting for his answer (his 待办), one to another 班子成员 of
//! 教育局 past its deadline (red), a 整改建议书 to 王建国 (sj_jyj) answered and waiting to be
//! closed (jw_staff's 待办), one of 组织部 closed. Dates are relative to today; deadlines are
//! counted on the working-day calendar.

use lianzheng_core::duty::format_date;
use lianzheng_core::ids::{OrgId, PersonId};
use lianzheng_store::audit::Actor;
use lianzheng_store::conduct::notices::{self as store, NewNotice};
use lianzheng_store::{Db, q};
use lianzheng_web::AppState;

struct Demo {
    kind: &'static str,
    /// the unit's code and the addressee: a demo account, or the n-th 班子成员 without one
    unit: &'static str,
    who: Who,
    days_ago: i64,
    due_days: i64,
    subject: &'static str,
    problem: &'static str,
    request: &'static str,
    /// (days ago, measures)
    answer: Option<(i64, &'static str)>,
    closed: bool,
}

enum Who {
    Account(&'static str),
    Member(i64),
}

const NOTICES: &[Demo] = &[
    Demo {
        kind: "cc",
        unit: "XW-D08",
        who: Who::Account("bz_jyj"),
        days_ago: 2,
        due_days: 10,
        subject: "学校食堂财务管理不规范",
        problem: "部分学校食堂采购未执行询价比价，食材入库单与发票金额不符；食堂账务由采购人员兼任记账，不相容岗位未分离。",
        request: "请督促相关学校立即开展食堂财务自查，建立采购询价和出入库核对制度，落实不相容岗位分离。\n对自查发现的问题逐项建立台账、限期整改。",
        answer: None,
        closed: false,
    },
    Demo {
        kind: "cc",
        unit: "XW-D08",
        who: Who::Member(0),
        days_ago: 30,
        due_days: 10,
        subject: "校舍维修项目验收把关不严",
        problem: "2026年暑期校舍维修项目中，3所学校的维修工程未经第三方验收即支付尾款，部分工程量签证单缺少监理签字。",
        request: "请对暑期维修项目逐项复核工程量和验收手续，对未履行验收程序即付款的问题查明责任。",
        answer: None,
        closed: false,
    },
    Demo {
        kind: "advice",
        unit: "XW-D08",
        who: Who::Account("sj_jyj"),
        days_ago: 25,
        due_days: 15,
        subject: "落实党风廉政建设主体责任不到位",
        problem: "党组专题研究党风廉政建设工作次数不足，年度仅研究1次；班子成员个别约谈开展不平衡，2名班子成员全年未开展个别约谈。\n责任书内容与上年雷同，未结合岗位实际细化。",
        request: "党组每半年至少专题研究1次党风廉政建设工作，并形成会议纪要。\n督促班子成员按分管范围开展个别约谈，做到全覆盖。\n重新修订责任书，结合岗位职责细化责任内容。",
        answer: Some((
            3,
            "一、已于本月召开党组会专题研究党风廉政建设工作，形成会议纪要。\n二、制定班子成员个别约谈计划，明确每人约谈对象和时间，年底前全覆盖。\n三、已组织各科室结合岗位职责重新修订责任书，下周完成签订。",
        )),
        closed: false,
    },
    Demo {
        kind: "cc",
        unit: "XW-D03",
        who: Who::Member(0),
        days_ago: 60,
        due_days: 10,
        subject: "干部档案专项审核工作滞后",
        problem: "干部人事档案专项审核进度滞后于全县部署，部分档案缺少任免审批表。",
        request: "请督促加快专项审核进度，对缺失材料限期补齐。",
        answer: Some((45, "已抽调专人集中审核，缺失的任免审批表已全部补齐，专项审核已按期完成。")),
        closed: true,
    },
];

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let db = &st.db;
    let actor = Actor::system("演示数据");
    let today = lianzheng_web::app::calendar::today();
    let day = |n: i64| today - time::Duration::days(n);
    let issuer = OrgId::new(db.scalar_i64(q("SELECT id FROM orgs WHERE code = 'XW-JW'")).await?);
    let (issuer_path,): (String,) = db.fetch_one(q("SELECT path FROM orgs WHERE id = $1").bind(issuer)).await?;
    // numbered in the order issued: the oldest first
    let mut order: Vec<&Demo> = NOTICES.iter().collect();
    order.sort_by_key(|d| std::cmp::Reverse(d.days_ago));
    for d in order {
        let (org_id, org_path): (OrgId, String) = db.fetch_one(q("SELECT id, path FROM orgs WHERE code = $1").bind(d.unit)).await?;
        let (person, title) = addressee(db, org_id, &d.who).await?;
        let issued = day(d.days_ago);
        let due = lianzheng_web::app::calendar::add_workdays(st, issued, u32::try_from(d.due_days).unwrap_or(10)).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let n = NewNotice {
            kind: d.kind.into(),
            year: i64::from(issued.year()),
            prefix: lianzheng_web::app::settings::notice_prefix(st, d.kind),
            issuer_org_id: issuer,
            issuer_path: issuer_path.clone(),
            org_id,
            org_path,
            addressee_id: person,
            addressee_title: title,
            subject: d.subject.into(),
            problem: d.problem.into(),
            request: d.request.into(),
            source: None,
            issued_on: format_date(issued),
            due_days: d.due_days,
            due_on: format_date(due),
            created_by: None,
        };
        let mut tx = db.begin().await?;
        let id = store::create(&mut tx, &actor, &n).await?;
        if let Some((ago, text)) = d.answer {
            let (name,): (String,) = tx.fetch_one(q("SELECT name FROM people WHERE id = $1").bind(person)).await?;
            store::answer(&mut tx, &actor, id, 1, text, &format_date(day(ago)), &name).await?;
            if d.closed {
                store::close(&mut tx, &actor, id, 2, &format_date(day(ago - 2)), "张淑芬").await?;
            }
        }
        tx.commit().await?;
    }
    Ok(())
}

/// The addressee of a demo notice and his post's title.
async fn addressee(db: &Db, org_id: OrgId, who: &Who) -> anyhow::Result<(PersonId, Option<String>)> {
    let row: Option<(PersonId, Option<String>)> = match who {
        Who::Account(username) => db.fetch_optional(q("SELECT p.id, po.title FROM people p JOIN users u ON u.person_id = p.id JOIN posts po ON po.person_id = p.id AND po.org_id = $1 WHERE u.username = $2").bind(org_id).bind(*username)).await?,
        Who::Member(n) => {
            db.fetch_optional(
                q("SELECT p.id, po.title FROM posts po JOIN people p ON p.id = po.person_id WHERE po.org_id = $1 AND po.kind = 'team_member' AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY p.id LIMIT 1 OFFSET $2").bind(org_id).bind(*n),
            )
            .await?
        }
    };
    row.ok_or_else(|| anyhow::anyhow!("演示数据缺少抄告单主送领导"))
}
