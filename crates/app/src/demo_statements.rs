//! Demo data for 履责 — 述责述廉: the 县委's round of last year (held; 王建国's report among
//! them, its 点评 closed, one returned and open again) and this year's round (meeting in three
//! weeks): four 书记 have submitted — one report largely copied from another (the copy check
//! flags it), one reusing the same person's report of last year — and 王建国 (sj_jyj) has yet
//! to submit his. The 县委's round belongs to the 县委 (the demo's 纪委 account's unit), so
//! jw_staff organises both. Dates are relative to today.

use lianzheng_core::duty::format_date;
use lianzheng_core::ids::{OrgId, PersonId};
use lianzheng_core::org::{Scope, SystemScope};
use lianzheng_store::audit::Actor;
use lianzheng_store::conduct::statements::{self as store, NewRound, View};
use lianzheng_store::{Db, q};
use lianzheng_web::AppState;

/// Reports, by the unit's code (its 书记 reports).
const TEXT_EDU_2025: &str = "2025年，本人认真履行党风廉政建设第一责任人职责，全年主持召开局党组会议专题研究党风廉政建设工作五次，与班子成员、股室负责人开展廉政谈话二十三人次。\n\
针对教育系统群众反映强烈的有偿补课、违规收受家长礼品礼金问题，组织开展专项整治，查处违规教师三人。\n\
不足之处：对基层学校财务管理的监督检查还不够经常，食堂承包、校服征订等环节的廉政风险防控还有薄弱点。";

const TEXT_FINANCE: &str = "今年以来，本人坚持把全面从严治党主体责任扛在肩上，带头落实“一岗双责”，全年主持召开党组会研究预算绩效管理和资金监管中的廉政风险十一项。\n\
围绕惠农补贴“一卡通”发放开展自查，发现代发银行信息比对滞后、个别乡镇公示不全等问题七个，均已建立台账、逐项整改销号。\n\
推动建立财政资金直达监控预警机制，对超进度拨付、向关联企业集中支付等情形自动提示，全年预警二十九次，核实纠正四次。\n\
存在的问题：对政府采购代理机构的监管办法不多，个别股室负责人对分管领域的廉政风险认识不深。下一步将完善采购全流程留痕，开展财会监督专项检查。";

/// Largely the finance bureau's text with its own unit's words put in: the copy the check finds.
const TEXT_COPIED: &str = "今年以来，本人坚持把全面从严治党主体责任扛在肩上，带头落实“一岗双责”，全年主持召开党组会研究项目审批和资金监管中的廉政风险十一项。\n\
围绕惠农补贴“一卡通”发放开展自查，发现代发银行信息比对滞后、个别乡镇公示不全等问题七个，均已建立台账、逐项整改销号。\n\
推动建立财政资金直达监控预警机制，对超进度拨付、向关联企业集中支付等情形自动提示，全年预警二十九次，核实纠正四次。\n\
存在的问题：对政府采购代理机构的监管办法不多，个别股室负责人对分管领域的廉政风险认识不深。下一步将完善采购全流程留痕，开展专项检查。";

const TEXT_HEALTH_2025: &str = "本人作为局党组书记，把医疗卫生领域群众身边不正之风和腐败问题集中整治作为全年重点，组织全系统签订医德医风承诺书一千二百余份。\n\
对医保基金使用开展交叉检查，追回违规结算资金八十六万元，约谈医院负责人五人次。\n\
药品耗材集中带量采购执行情况纳入院长年度考核，公立医院“红包”“回扣”问题举报件逐件核查回复。\n\
不足：民营医疗机构的日常监管力量不足，村卫生室的财务公开还不规范。";

/// The health bureau's 书记 this year: much of last year's report again.
const TEXT_HEALTH_2026: &str = "本人作为局党组书记，把医疗卫生领域群众身边不正之风和腐败问题集中整治作为全年重点，组织全系统签订医德医风承诺书一千三百余份。\n\
对医保基金使用开展交叉检查，追回违规结算资金八十六万元，约谈医院负责人五人次。\n\
药品耗材集中带量采购执行情况纳入院长年度考核，公立医院“红包”“回扣”问题举报件逐件核查回复。\n\
不足：民营医疗机构的日常监管力量不足，村卫生室的财务公开还不规范，下一步加强培训。";

const TEXT_WATER: &str = "一年来，我坚持重大水利工程建设与廉政建设同部署、同检查，在水库除险加固和灌区续建配套项目中全面推行廉政合同，建设、施工、监理三方签订率百分之百。\n\
针对河道采砂管理领域的突出问题，联合公安、自然资源部门开展夜间巡查十八次，移交问题线索两条。\n\
严格执行领导干部插手干预工程项目记录报告制度，全年登记报告零件次，本人带头不打招呼、不批条子。\n\
问题与不足：项目资金拨付审核还存在重程序轻实效的倾向，基层水管站人员廉洁教育覆盖不够。";

const TEXT_TRAFFIC_2025: &str = "2025年交通运输局党组坚持以案促改，召开“农村公路建设领域违纪违法案件”警示教育大会，组织干部职工旁听庭审一次。\n\
对在建农村公路项目实行质量与廉政双巡查，发现偷工减料问题三处，责令返工并扣减工程款。\n\
不足：超限超载治理中执法人员吃拿卡要的风险点排查还不彻底。";

const TEXT_TRAFFIC_2026: &str = "今年我局聚焦城乡客运一体化和农村公路养护两项民生工程，把廉政风险点排查延伸到每一个养护站，排查风险点四十二个，制定防控措施六十条。\n\
在路政执法中推行执法记录仪全程记录和非现场执法，群众对执法人员的投诉同比下降六成。\n\
本人全年与班子成员谈心谈话十六次，听取分管领域党风廉政建设情况汇报两次。\n\
存在问题：工程变更签证的审核把关不严，个别项目变更金额偏大。";

const TEXT_BRANCH: &str = "作为教育局机关党支部书记，本人坚持“三会一课”制度，全年组织支部党员集中学习十二次，讲党课两次。\n\
围绕机关作风建设，开展“庸懒散慢拖”问题自查，督促党员干部按时办结群众来电来信一百余件。\n\
不足：支部对党员八小时以外的监督办法不多。";

const TEXT_VILLAGE: &str = "本村两委班子坚持“四议两公开”，全年村级重大事项均经村民代表会议表决，集体经济收支每季度在公开栏公示。\n\
本人带头落实村干部坐班值班制度，为群众代办事项八十六件。\n\
存在问题：村务监督委员会作用发挥不够，个别工程项目的决算公示不及时。";

/// The 书记 of a unit (by code).
async fn secretary(db: &Db, code: &str) -> anyhow::Result<(PersonId, OrgId, String)> {
    let row: Option<(PersonId, OrgId, String)> = db
        .fetch_optional(q("SELECT p.id, o.id, o.path FROM posts ps JOIN people p ON p.id = ps.person_id JOIN orgs o ON o.id = ps.org_id WHERE o.code = $1 AND ps.kind = 'secretary' ORDER BY p.id LIMIT 1").bind(code))
        .await?;
    row.ok_or_else(|| anyhow::anyhow!("演示数据缺少 {code} 的书记"))
}

struct Demo {
    code: &'static str,
    /// (text, submitted days before the deadline; negative: after it)
    body: Option<(&'static str, i64)>,
}

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let db = &st.db;
    let actor = Actor::system("演示数据");
    let today = lianzheng_web::app::calendar::today();
    let this_year = i64::from(today.year());
    let body = OrgId::new(db.scalar_i64(q("SELECT id FROM orgs WHERE code = 'XW'")).await?);
    let (body_path,): (String,) = db.fetch_one(q("SELECT path FROM orgs WHERE id = $1").bind(body)).await?;
    let days = |n: i64| format_date(today + time::Duration::days(n));
    let all = View { scope: Some(Scope::system(SystemScope::Demo)), me: None, body: None };

    // last year's round, held 320 days ago
    let last = [Demo { code: "XW-D08", body: Some((TEXT_EDU_2025, 2)) }, Demo { code: "XW-D17", body: Some((TEXT_HEALTH_2025, 1)) }, Demo { code: "XW-D14", body: Some((TEXT_TRAFFIC_2025, 0)) }];
    // this year's round: the meeting in 21 days, reports due in 10 工作日
    let due = lianzheng_web::app::calendar::add_workdays(st, today, 10).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let this = [
        Demo { code: "XW-D10", body: Some((TEXT_FINANCE, 6)) },
        Demo { code: "XW-D12", body: Some((TEXT_COPIED, 4)) },
        Demo { code: "XW-D16", body: Some((TEXT_WATER, 5)) },
        Demo { code: "XW-D17", body: Some((TEXT_HEALTH_2026, 3)) },
        Demo { code: "XW-D14", body: Some((TEXT_TRAFFIC_2026, 7)) },
        Demo { code: "XW-D08", body: None },
    ];
    // the branches' rounds: a 机关党支部 and the villages (nobody with a demo account reports)
    let branch = [Demo { code: "XW-D08-ZB1", body: Some((TEXT_BRANCH, 2)) }];
    let villages = [Demo { code: "XW-T01-C01", body: Some((TEXT_VILLAGE, 1)) }, Demo { code: "XW-T02-C01", body: None }];
    let rounds = [
        (this_year - 1, format!("{}年度下级党组织书记述责述廉", this_year - 1), days(-320), days(-330), &last[..]),
        (this_year, format!("{this_year}年度下级党组织书记述责述廉"), days(21), format_date(due), &this[..]),
        (this_year, format!("{this_year}年度县直机关党支部书记述责述廉"), days(28), format_date(due), &branch[..]),
        (this_year, format!("{this_year}年度村（社区）党组织书记述责述廉"), days(28), format_date(due), &villages[..]),
    ];
    for (year, title, meeting_on, due_on, demos) in rounds {
        let mut reporters = Vec::new();
        for d in demos {
            let (person, org, path) = secretary(db, d.code).await?;
            reporters.push((person, org, path, "书记".to_string()));
        }
        let n = NewRound { year, title, org_id: body, org_path: body_path.clone(), meeting_on, due_on: due_on.clone(), created_by: None, reporters: reporters.clone() };
        let mut tx = db.begin().await?;
        let round = store::create_round(&mut tx, &actor, &n).await?;
        tx.commit().await?;
        let due_date = lianzheng_core::duty::parse_date(&due_on).unwrap_or(today);
        for (d, (person, ..)) in demos.iter().zip(&reporters) {
            let Some((text, early)) = d.body else { continue };
            let (id,): (lianzheng_core::ids::StatementReportId,) = db.fetch_one(q("SELECT id FROM statement_reports WHERE round_id = $1 AND person_id = $2").bind(round).bind(*person)).await?;
            let on = format_date((due_date - time::Duration::days(early)).min(today));
            let mut tx = db.begin().await?;
            store::save_body(&mut tx, &actor, id, 1, text, &on, true).await?;
            tx.commit().await?;
        }
        store::check_year(db, year).await?;
    }

    // 点评 of last year: 王建国's report — one closed, one returned and open again; the health
    // bureau's — one answered, waiting to be closed
    let point = |code: &'static str| async move {
        let (person, ..) = secretary(db, code).await?;
        let (id,): (lianzheng_core::ids::StatementReportId,) = db.fetch_one(q("SELECT id FROM statement_reports WHERE year = $1 AND person_id = $2").bind(this_year - 1).bind(person)).await?;
        anyhow::Ok(id)
    };
    let edu = store::report(db, &all, point("XW-D08").await?).await?;
    let health = store::report(db, &all, point("XW-D17").await?).await?;
    let mut tx = db.begin().await?;
    let p1 = store::add_point(&mut tx, &actor, &edu, "对基层学校食堂承包、校服征订的廉政风险排查不深入，要求制定专项整治方案。", true, Some(&days(-250)), None).await?;
    store::answer_point(&mut tx, &actor, p1, 1, "制定《学校食堂和校服征订专项整治方案》，对全县42所学校逐校检查。", Some("已完成检查，发现问题9个，整改9个。"), &days(-270)).await?;
    store::close_point(&mut tx, &actor, p1, 2, &days(-260), "张淑芬").await?;
    let p2 = store::add_point(&mut tx, &actor, &edu, "对有偿补课问题的查处以个案为主，要求建立常态化监督机制。", true, Some(&days(-200)), None).await?;
    store::answer_point(&mut tx, &actor, p2, 1, "开通举报电话，每学期开展一次暗访。", None, &days(-220)).await?;
    store::return_point(&mut tx, &actor, p2, 2, "措施过于笼统，请说明暗访的组织方式和发现问题的处理结果。").await?;
    let p3 = store::add_point(&mut tx, &actor, &health, "医保基金监管发现问题较多，要求举一反三，建立长效机制。", true, Some(&days(-200)), None).await?;
    store::answer_point(&mut tx, &actor, p3, 1, "建立医保基金使用月度分析和飞行检查制度。", Some("已开展飞行检查6次，追回资金21万元。"), &days(-30)).await?;
    store::add_point(&mut tx, &actor, &health, "民营医疗机构监管力量不足的问题连续两年提出，请说明原因。", false, None, None).await?;
    tx.commit().await?;

    // the 机关党支部's report: an open 点评
    let (person, ..) = secretary(db, "XW-D08-ZB1").await?;
    let (id,): (lianzheng_core::ids::StatementReportId,) = db.fetch_one(q("SELECT id FROM statement_reports WHERE year = $1 AND person_id = $2").bind(this_year).bind(person)).await?;
    let report = store::report(db, &all, id).await?;
    let mut tx = db.begin().await?;
    store::add_point(&mut tx, &actor, &report, "对党员八小时以外的监督要提出具体办法。", true, Some(&days(60)), None).await?;
    tx.commit().await?;
    Ok(())
}
