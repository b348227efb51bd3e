//! Demo data for 履责 — 廉政档案: 婚丧喜庆事宜 reports of people of 教育局 and 组织部 (one over
//! the limits on tables and guests, one reported after the event, one within every limit and
//! waiting for the 纪委's review), 个人有关事项 entries, and two 处分 for different people —
//! one within its influence period, one whose period has ended. 王建国 (sj_jyj) and the other
//! demo accounts get nothing here: their files hold only what the other parts' demo data gives
//! them. Dates are relative to today.

use lianzheng_core::duty::format_date;
use lianzheng_core::ids::PersonId;
use lianzheng_store::audit::Actor;
use lianzheng_store::conduct::archive::{self as store, After, NewFamilyEvent, NewMatter, NewSanction};
use lianzheng_store::{Db, q};
use lianzheng_web::AppState;

/// The n-th person of a unit without an account (the 谈话函询 demo uses the first ones).
async fn person(db: &Db, code: &str, n: i64) -> anyhow::Result<(PersonId, String)> {
    let row: Option<(PersonId, String)> = db
        .fetch_optional(
            q("SELECT p.id, p.org_path FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.code = $1 AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY p.id LIMIT 1 OFFSET $2")
                .bind(code)
                .bind(n),
        )
        .await?;
    row.ok_or_else(|| anyhow::anyhow!("演示数据缺少廉政档案人员（{code}）"))
}

struct Event {
    who: (&'static str, i64),
    kind: &'static str,
    /// days from today to the event (negative: past)
    event_in: i64,
    /// days from today to the filing (negative: past)
    filed_in: i64,
    tables: i64,
    guests: i64,
    venue: &'static str,
    cost: i64,
    /// (tables, guests, gifts, cost) reported after the event
    after: Option<(i64, i64, &'static str, i64)>,
}

const EVENTS: &[Event] = &[
    // over the limits (20 桌, 200 人): reported in time, the after-report says so too
    Event { who: ("XW-D08", 3), kind: "wedding_child", event_in: -10, filed_in: -25, tables: 30, guests: 320, venue: "县城锦华大酒店", cost: 90000, after: Some((28, 300, "relatives", 86000)) },
    // reported two days after the event: 事后补报
    Event { who: ("XW-D08", 4), kind: "housewarming", event_in: -30, filed_in: -28, tables: 8, guests: 80, venue: "家中及附近农家乐", cost: 12000, after: Some((8, 76, "none", 11500)) },
    // within every limit, reported in time, waiting for the 纪委's review
    Event { who: ("XW-D03", 2), kind: "school", event_in: 20, filed_in: -5, tables: 6, guests: 60, venue: "家中", cost: 6000, after: None },
];

/// (unit code and n-th person, category, kind, days ago, deciding body, 文号, matter)
type DemoSanction = ((&'static str, i64), &'static str, &'static str, i64, &'static str, &'static str, &'static str);

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let db = &st.db;
    let actor = Actor::system("演示数据");
    let today = lianzheng_web::app::calendar::today();
    let day = |n: i64| format_date(today + time::Duration::days(n));
    let mut tx = db.begin().await?;
    for e in EVENTS {
        let (person_id, path) = person(db, e.who.0, e.who.1).await?;
        let n = NewFamilyEvent {
            person_id,
            person_org_path: path,
            kind: e.kind.into(),
            kind_note: None,
            event_date: day(e.event_in),
            tables_planned: e.tables,
            guests_planned: e.guests,
            clients_invited: false,
            venue: e.venue.into(),
            public_venue: false,
            public_funds: false,
            cost_estimate: e.cost,
            filed_on: day(e.filed_in),
            filed_by: "单位党务工作人员（代为报告）".into(),
            days_ahead: e.event_in - e.filed_in,
            created_by: None,
        };
        let id = store::family_create(&mut tx, &actor, &n).await?;
        if let Some((tables, guests, gifts, cost)) = e.after {
            let a = After { tables_actual: tables, guests_actual: guests, clients_attended: false, gifts: gifts.into(), gifts_note: None, cost_actual: cost, after_note: None, after_on: day(e.event_in + 3) };
            store::family_after(&mut tx, &actor, id, 1, &a).await?;
        }
    }
    let matters: &[((&str, i64), &str, i64, &str)] = &[
        (("XW-D08", 3), "abroad", -120, "因私赴香港探亲，五日后返回，因私出入境证件已交组织人事部门集中保管。"),
        (("XW-D08", 3), "children", -200, "女儿于本县一家民营医药公司从事财务工作，该公司与本单位无业务往来。"),
        (("XW-D08", 4), "property", -60, "以本人名义购买县城商品住房一套（建筑面积 98 平方米），按揭贷款。"),
    ];
    for ((code, n), kind, ago, content) in matters {
        let (person_id, path) = person(db, code, *n).await?;
        let on = day(*ago);
        let year = i64::from(today.year());
        let nm = NewMatter { person_id, person_org_path: path, year, kind: (*kind).into(), happened_on: Some(on.clone()), content: (*content).into(), filed_on: on, created_by: None };
        store::matter_create(&mut tx, &actor, &nm).await?;
    }
    let sanctions: &[DemoSanction] = &[
        (("XW-D08", 5), "party", "warning", -100, "县纪委", "X纪发〔2026〕8号", "违规收受管理服务对象所送购物卡，价值 3000 元。"),
        (("XW-D03", 3), "government", "demerit", -500, "县监委", "X监发〔2025〕3号", "履行职责不力，所属单位违规发放津补贴。"),
    ];
    for ((code, n), category, kind, ago, body, doc, matter) in sanctions {
        let (person_id, path) = person(db, code, *n).await?;
        let ns = NewSanction {
            person_id,
            person_org_path: path,
            category: (*category).into(),
            kind: (*kind).into(),
            probation_months: None,
            decided_on: day(*ago),
            body: (*body).into(),
            doc_no: Some((*doc).into()),
            matter: (*matter).into(),
            source: "手工登记".into(),
            source_ref: None,
            created_by: None,
        };
        store::sanction_create(&mut tx, &actor, &ns).await?;
    }
    tx.commit().await?;
    Ok(())
}
