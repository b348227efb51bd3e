//! Demo data for 定责 — 任务分工: 县委's plan for the current year, 6 大项 and 20 小项 with
//! lead leaders, units, targets and a few progress reports; deadlines are set relative to today
//! so that all four colours (绿/蓝/黄/红) show, and today's reminders are made.

use lianzheng_core::duty::format_date;
use lianzheng_core::ids::{OrgId, TaskId};
use lianzheng_core::org::Scope;
use lianzheng_store::audit::Actor;
use lianzheng_store::duty::tasks::{self, PlanInput, TaskInput};
use lianzheng_store::{Db, q};
use lianzheng_web::AppState;

/// How an item stands in the demo: its deadline relative to today, and reports (unit code, percent, text).
#[derive(Clone, Copy)]
enum Due {
    /// done long ago
    Done,
    /// past the deadline
    Late,
    /// within the yellow window
    Soon,
    /// well ahead
    Ahead,
}

struct Item {
    title: &'static str,
    lead: &'static str,
    responsible: &'static [&'static str],
    cooperating: &'static [&'static str],
    due: Due,
    target: &'static str,
    reports: &'static [(&'static str, i64, &'static str)],
}

struct Big {
    title: &'static str,
    leader: &'static str,
    lead: &'static str,
    items: &'static [Item],
}

const PLAN: &[Big] = &[
    Big {
        title: "落实全面从严治党主体责任",
        leader: "XW-D01",
        lead: "XW-D01",
        items: &[
            Item {
                title: "县委常委会专题研究党风廉政建设工作不少于4次，听取县纪委监委工作汇报",
                lead: "XW-D01",
                responsible: &["XW-D01"],
                cooperating: &["XW-JW"],
                due: Due::Soon,
                target: "每季度至少专题研究1次，形成会议纪要，研究解决突出问题",
                reports: &[("XW-D01", 75, "已召开县委常委会3次专题研究党风廉政建设，第4次已列入12月上旬议程。")],
            },
            Item {
                title: "制定并落实主体责任清单，推动各级党委（党组）责任清单全覆盖",
                lead: "XW-D01",
                responsible: &["XW-D01", "XW-D03"],
                cooperating: &["XW-JW"],
                due: Due::Done,
                target: "3月底前县直各单位完成清单制定并报县纪委备案，实现全覆盖",
                reports: &[("XW-D01", 100, "全县77个党组织主体责任清单已全部制定并报备，实现全覆盖。")],
            },
            Item {
                title: "开展党委（党组）书记述责述廉，县委书记逐一点评",
                lead: "XW-D03",
                responsible: &["XW-D03"],
                cooperating: &["XW-JW"],
                due: Due::Ahead,
                target: "年底前完成乡镇和县直部门书记述责述廉，点评意见逐条整改",
                reports: &[],
            },
            Item {
                title: "层层签订党风廉政建设责任书、承诺书，杜绝内容雷同、照抄照搬",
                lead: "XW-D01",
                responsible: &["XW-D08", "XW-D10", "XW-T01"],
                cooperating: &["XW-JW"],
                due: Due::Done,
                target: "责任书结合岗位职责个性化制定，签订率100%",
                reports: &[("XW-D01", 100, "各单位责任书已签订完毕，县纪委抽查未发现内容雷同问题。")],
            },
        ],
    },
    Big {
        title: "强化监督执纪问责",
        leader: "XW-JW",
        lead: "XW-JW",
        items: &[
            Item {
                title: "深化运用监督执纪“四种形态”，抓早抓小、防微杜渐",
                lead: "XW-JW",
                responsible: &["XW-JW", "XW-JW-PZ1", "XW-JW-PZ2"],
                cooperating: &[],
                due: Due::Ahead,
                target: "第一种形态占比保持在合理区间，按月统计分析",
                reports: &[("XW-JW", 60, "1至10月运用“四种形态”批评教育帮助和处理党员干部，第一种形态占比较上年提高。")],
            },
            Item {
                title: "规范问题线索处置，严格执行监督执纪工作规则",
                lead: "XW-JW",
                responsible: &["XW-JW"],
                cooperating: &[],
                due: Due::Soon,
                target: "问题线索集中管理、集体排查，处置率100%，按月报送线索月报",
                reports: &[],
            },
            Item {
                title: "开展对下级党组织落实“两个责任”情况专项检查",
                lead: "XW-JW",
                responsible: &["XW-JW-PZ3", "XW-JW-PZ4"],
                cooperating: &["XW-D03"],
                due: Due::Late,
                target: "抽查乡镇和县直部门不少于20个，形成检查通报",
                reports: &[("XW-JW", 60, "已完成12个单位的实地检查，其余单位检查正在进行。")],
            },
            Item {
                title: "加强对“一把手”和领导班子监督，落实“三重一大”集体决策制度",
                lead: "XW-JW",
                responsible: &["XW-JW"],
                cooperating: &["XW-D03"],
                due: Due::Ahead,
                target: "对县直部门“一把手”开展监督谈话全覆盖",
                reports: &[],
            },
        ],
    },
    Big {
        title: "持之以恒纠治“四风”",
        leader: "XW-JW",
        lead: "XW-JW",
        items: &[
            Item {
                title: "开展违规吃喝、违规收送礼品礼金问题专项整治",
                lead: "XW-JW",
                responsible: &["XW-D10", "XW-D18"],
                cooperating: &["XW-D02"],
                due: Due::Ahead,
                target: "节假日前发通知、节日期间明察暗访，查处问题一律通报曝光",
                reports: &[],
            },
            Item {
                title: "整治形式主义、官僚主义，精简文件会议和督查检查考核",
                lead: "XW-D01",
                responsible: &["XW-D01", "XW-D02"],
                cooperating: &[],
                due: Due::Late,
                target: "县级文件、会议数量较上年压减15%以上",
                reports: &[("XW-D01", 40, "已清理规范督查检查考核事项，文件压减情况正在统计。")],
            },
            Item {
                title: "开展“三公”经费支出和公务用车使用“三个倒查”",
                lead: "XW-D10",
                responsible: &["XW-D10"],
                cooperating: &["XW-JW"],
                due: Due::Soon,
                target: "对公车使用记录、公务接待清单和发票逐一比对，问题清单化整改",
                reports: &[("XW-D10", 80, "已完成县直单位公务用车记录倒查，接待费用比对进行中。")],
            },
        ],
    },
    Big {
        title: "整治群众身边不正之风和腐败问题",
        leader: "XW-JW",
        lead: "XW-JW",
        items: &[
            Item {
                title: "开展校园餐管理专项整治",
                lead: "XW-D08",
                responsible: &["XW-D08", "XW-D18"],
                cooperating: &["XW-D17"],
                due: Due::Ahead,
                target: "全县中小学食堂排查全覆盖，建立问题台账，年底前完成整改",
                reports: &[("XW-D08", 40, "已完成全县中小学食堂第一轮排查，发现问题12个，已整改7个。"), ("XW-D18", 30, "配合开展食品安全抽检，已抽检学校食堂15家。")],
            },
            Item {
                title: "开展医药领域腐败问题集中整治",
                lead: "XW-D17",
                responsible: &["XW-D17"],
                cooperating: &["XW-D08", "XW-D18"],
                due: Due::Soon,
                target: "聚焦药品耗材采购、医保基金使用等环节，查处一批典型案例",
                reports: &[],
            },
            Item {
                title: "加强村级“三资”管理监督，规范村级小微权力运行",
                lead: "XW-D15",
                responsible: &["XW-T01", "XW-T02"],
                cooperating: &["XW-JW"],
                due: Due::Ahead,
                target: "村级财务公开及时规范，“三资”台账清晰",
                reports: &[],
            },
        ],
    },
    Big {
        title: "加强廉洁文化建设",
        leader: "XW-D04",
        lead: "XW-D04",
        items: &[
            Item {
                title: "开展党纪学习教育和警示教育",
                lead: "XW-D04",
                responsible: &["XW-D04"],
                cooperating: &["XW-JW"],
                due: Due::Done,
                target: "组织观看警示教育片，召开警示教育大会，以案说德、以案说纪",
                reports: &[("XW-D04", 100, "已召开全县警示教育大会，各单位组织观看警示教育片。")],
            },
            Item {
                title: "组织新任领导干部任前廉政考试和廉政谈话", lead: "XW-D03", responsible: &["XW-D03"], cooperating: &["XW-JW"], due: Due::Ahead, target: "新提拔干部任前廉政考试、廉政谈话全覆盖", reports: &[]
            },
            Item {
                title: "推进清廉学校、清廉医院、清廉村居建设",
                lead: "XW-D04",
                responsible: &["XW-D08", "XW-D17", "XW-T01"],
                cooperating: &[],
                due: Due::Ahead,
                target: "每类建成示范点不少于2个",
                reports: &[("XW-D08", 50, "已确定清廉学校示范点3个，正在推进建设。")],
            },
        ],
    },
    Big {
        title: "深化政治巡察和问题整改",
        leader: "XW-JW",
        lead: "XW-JW",
        items: &[
            Item {
                title: "完成对县直部门的常规巡察",
                lead: "XW-JW",
                responsible: &["XW-JW"],
                cooperating: &["XW-D03"],
                due: Due::Late,
                target: "全年巡察县直部门不少于10个，发现问题及时移交",
                reports: &[("XW-JW", 70, "已完成7个部门的巡察，3个部门巡察正在进行。")],
            },
            Item {
                title: "督促巡察反馈问题整改，开展整改“回头看”", lead: "XW-JW", responsible: &["XW-D13", "XW-D07"], cooperating: &[], due: Due::Soon, target: "反馈问题整改率100%，整改情况公开", reports: &[]
            },
            Item {
                title: "建立问题整改台账，实行台账销号管理",
                lead: "XW-JW",
                responsible: &["XW-JW"],
                cooperating: &[],
                due: Due::Done,
                target: "问题台账逐项销号，佐证材料齐全",
                reports: &[("XW-JW", 100, "问题整改台账已建立并全部销号。")],
            },
        ],
    },
];

async fn org_id(db: &Db, code: &str) -> anyhow::Result<OrgId> {
    Ok(OrgId::new(db.scalar_i64(q("SELECT id FROM orgs WHERE code = $1").bind(code)).await?))
}

/// "姓名（职务）" of the unit's secretary (or 纪委书记).
async fn leader(db: &Db, code: &str) -> anyhow::Result<Option<String>> {
    let row: Option<(String, Option<String>)> = db
        .fetch_optional(
            q("SELECT p.name, ps.title FROM people p JOIN posts ps ON ps.person_id = p.id JOIN orgs o ON o.id = ps.org_id WHERE o.code = $1 AND ps.kind IN ('secretary', 'discipline_secretary') ORDER BY ps.id LIMIT 1")
                .bind(code),
        )
        .await?;
    Ok(row.map(|(n, t)| match t {
        Some(t) => format!("{n}（{t}）"),
        None => n,
    }))
}

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let db = &st.db;
    let today = tasks::today();
    let year = i64::from(today.year());
    let actor = Actor::system("演示数据");
    let root = org_id(db, "XW").await?;
    let mut tx = db.begin().await?;
    let plan_id = tasks::create_plan(
        &mut tx,
        &actor,
        &Scope::system(lianzheng_core::org::SystemScope::Demo),
        &PlanInput { year, org_id: root, title: format!("{year}年党风廉政建设工作任务分工"), doc_number: Some(format!("某发〔{year}〕5号")) },
    )
    .await?;
    tx.execute(q("UPDATE task_plans SET status = 'issued' WHERE id = $1").bind(plan_id)).await?;
    tx.commit().await?;
    let plan = tasks::get_plan(db, &Scope::system(lianzheng_core::org::SystemScope::Demo), plan_id).await?;
    let day = |n: i64| Some(format_date(today + time::Duration::days(n)));
    let year_end = Some(format!("{year}-12-31")).filter(|d| d.as_str() > format_date(today).as_str()).or_else(|| day(30));
    let mut reports = Vec::new();
    let mut tx = db.begin().await?;
    for big in PLAN {
        let input = TaskInput { title: big.title.into(), lead_leader: leader(db, big.leader).await?, lead_org_id: Some(org_id(db, big.lead).await?), deadline: year_end.clone(), ..TaskInput::default() };
        let big_id = tasks::create_task(&mut tx, &actor, &plan, &input).await?;
        for item in big.items {
            let mut responsible = Vec::new();
            for c in item.responsible {
                responsible.push(org_id(db, c).await?);
            }
            let mut cooperating = Vec::new();
            for c in item.cooperating {
                cooperating.push(org_id(db, c).await?);
            }
            let deadline = match item.due {
                Due::Done => day(-30),
                Due::Late => day(-12),
                Due::Soon => day(4),
                Due::Ahead => day(45),
            };
            let input = TaskInput {
                parent_id: Some(big_id),
                title: item.title.into(),
                lead_leader: leader(db, item.lead).await?,
                lead_org_id: Some(org_id(db, item.lead).await?),
                deadline,
                target: Some(item.target.into()),
                responsible,
                cooperating,
                list_items: vec![],
            };
            let id = tasks::create_task(&mut tx, &actor, &plan, &input).await?;
            for r in item.reports {
                reports.push((id, *r));
            }
        }
    }
    tx.commit().await?;
    for (task_id, (code, percent, text)) in reports {
        let view = tasks::get_task(db, &Scope::system(lianzheng_core::org::SystemScope::Demo), task_id).await?;
        let org = org_id(db, code).await?;
        // the lead unit's reports set the item's progress
        let sets = view.task.lead_org_id == Some(org);
        let mut tx = db.begin().await?;
        let (reporter,): (String,) = db
            .fetch_optional(
                q("SELECT p.name FROM people p JOIN posts ps ON ps.person_id = p.id WHERE ps.org_id = $1 ORDER BY CASE ps.kind WHEN 'middle_manager' THEN 0 WHEN 'cadre' THEN 1 ELSE 2 END, p.id LIMIT 1").bind(org),
            )
            .await?
            .unwrap_or_else(|| ("联络员".to_string(),));
        tasks::add_report(&mut tx, &actor, None, &reporter, &view, org, text, percent, sets).await?;
        tx.commit().await?;
    }
    last_year(db, &actor, &plan).await?;
    tasks::run_reminders(db, today, st.policy.task_reminder_days).await?;
    Ok(())
}

/// Last year's plan, finished, so that 复制上年计划 has something to copy.
async fn last_year(db: &Db, actor: &Actor, plan: &tasks::Plan) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let id = tasks::copy_plan(&mut tx, actor, plan, plan.year - 1).await?;
    tx.commit().await?;
    let done_at = lianzheng_store::now() - 330 * 86_400;
    db.execute(q("UPDATE task_plans SET status = 'issued', doc_number = $1 WHERE id = $2").bind(format!("某发〔{}〕4号", plan.year - 1)).bind(id)).await?;
    db.execute(q("UPDATE tasks SET progress = 100, status = 'done', completed_at = $1 WHERE plan_id = $2").bind(done_at).bind(id)).await?;
    // the copy moved deadlines a year on; last year's were two years before that
    let rows: Vec<(TaskId, Option<String>)> = db.fetch_all(q("SELECT id, deadline FROM tasks WHERE plan_id = $1").bind(id)).await?;
    for (task, deadline) in rows {
        let Some(d) = deadline.as_deref().and_then(lianzheng_core::duty::parse_date) else { continue };
        let back = time::Date::from_calendar_date(d.year() - 2, d.month(), d.day()).or_else(|_| time::Date::from_calendar_date(d.year() - 2, time::Month::February, 28))?;
        db.execute(q("UPDATE tasks SET deadline = $1 WHERE id = $2").bind(format_date(back)).bind(task)).await?;
    }
    Ok(())
}
