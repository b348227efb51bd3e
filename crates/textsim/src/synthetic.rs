//! 合成的责任书（确定性），供测试与基准使用（cargo feature `synthetic`）。

use crate::fmix64;

/// 一篇合成文档。
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub id: i64,
    pub text: String,
}

/// SplitMix64，确定性伪随机数。
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        fmix64(self.0)
    }

    /// [0, n) 中的整数（n > 0）。
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const REGIONS: &[&str] = &["城关区", "高新区", "经开区", "东城区", "西城区", "南湖区", "北山县", "清河县", "临江县", "云岭县", "青石镇", "白沙镇", "柳溪乡", "金川区", "长宁县", "安平县"];
const AGENCIES: &[&str] = &[
    "财政局",
    "教育局",
    "卫生健康委员会",
    "自然资源局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "市场监督管理局",
    "审计局",
    "统计局",
    "人力资源和社会保障局",
    "生态环境局",
    "水利局",
    "商务局",
    "文化和旅游局",
    "应急管理局",
    "民政局",
    "司法局",
    "林业局",
    "医疗保障局",
    "退役军人事务局",
    "信访局",
    "机关事务管理局",
    "人民医院",
    "第一中学",
    "供销合作社",
    "城市管理局",
    "行政审批局",
];
const OFFICES: &[&str] = &["", "", "", "办公室", "人事科", "财务科", "综合科", "法规科", "监督科", "规划科", "执法大队", "服务中心", "党建办"];
const SURNAMES: &[&str] = &["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"];
const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华", "志强", "海燕", "国庆", "立新", "文博", "晓东", "春梅", "红霞", "建军", "永刚"];
const SUBJECTS: &[&str] = &[
    "单位主要负责人",
    "领导班子成员",
    "分管领导",
    "各科室负责人",
    "党支部书记",
    "纪检委员",
    "全体党员干部",
    "领导班子",
    "班子其他成员",
    "各股室主要负责同志",
    "党组书记",
    "机关党委",
    "各基层党组织",
    "中层干部",
    "责任人本人",
    "业务部门负责人",
];
const VERBS: &[&str] = &[
    "认真落实",
    "严格执行",
    "切实加强",
    "持续深化",
    "扎实推进",
    "坚决贯彻",
    "不断完善",
    "全面加强",
    "深入开展",
    "自觉履行",
    "严格落实",
    "着力抓好",
    "统筹推进",
    "认真组织",
    "持续推进",
    "严格遵守",
    "带头执行",
    "抓紧抓实",
    "健全完善",
    "一以贯之地落实",
];
const OBJECTS: &[&str] = &[
    "中央八项规定及其实施细则精神",
    "党风廉政建设主体责任",
    "“一岗双责”制度",
    "廉政风险防控机制",
    "民主集中制原则",
    "“三重一大”集体决策制度",
    "干部选拔任用工作监督",
    "财务管理和资金使用制度",
    "政府采购和招标投标管理",
    "公务接待和公务用车管理规定",
    "廉洁从政各项规定",
    "领导干部个人有关事项报告制度",
    "谈心谈话和提醒函询制度",
    "警示教育和廉洁文化建设",
    "作风建设和纠治“四风”工作",
    "巡视巡察反馈问题整改",
    "意识形态工作责任制",
    "基层党组织标准化规范化建设",
    "党员领导干部述责述廉工作",
    "信访举报受理和问题线索处置",
    "重点领域和关键环节监督",
    "工程建设项目廉政管理",
    "办公用房管理规定",
    "因公出国（境）管理规定",
    "会议费培训费差旅费管理办法",
    "国有资产管理和处置程序",
    "内部审计监督",
    "党务政务公开制度",
    "领导干部廉政档案建设",
    "节假日期间正风肃纪工作",
    "“三会一课”制度",
    "民主生活会和组织生活会制度",
    "行政权力运行监督制约机制",
    "惠民惠农资金监管",
    "行政审批和执法规范化建设",
    "群众身边不正之风和腐败问题专项整治",
    "违规吃喝问题专项治理",
    "“酒驾醉驾”专项教育整治",
    "领导干部插手干预重大事项记录制度",
    "新提任干部廉政谈话制度",
    "清廉机关建设",
    "权力清单和责任清单制度",
];
const CLAUSES: &[&str] = &[
    "确保各项工作落到实处",
    "坚决防止“四风”问题反弹回潮",
    "自觉接受组织和群众监督",
    "做到守土有责、守土负责、守土尽责",
    "推动形成风清气正的政治生态",
    "切实把管党治党责任扛在肩上",
    "做到有令必行、有禁必止",
    "营造廉洁自律的良好氛围",
    "及时发现和纠正苗头性倾向性问题",
    "将压力层层传导到基层末梢",
    "对发现的问题立行立改",
    "做到早发现、早提醒、早纠正",
    "形成工作台账并定期报告进展",
    "与业务工作同部署、同落实、同检查、同考核",
    "坚持把纪律和规矩挺在前面",
    "不断增强拒腐防变能力",
    "以钉钉子精神抓好落实",
    "做到真管真严、敢管敢严、长管长严",
    "坚决杜绝搞变通、打折扣",
    "切实筑牢拒腐防变思想防线",
    "持续巩固拓展作风建设成果",
    "确保权力在阳光下运行",
    "推动监督关口前移",
    "做到标本兼治、综合施策",
    "以案为鉴、以案促改、以案促治",
    "严防“灯下黑”",
    "切实发挥示范引领作用",
    "确保问题整改清仓见底",
    "实现制度管人、流程管事",
    "把严的基调、严的措施、严的氛围长期坚持下去",
];
const PERIODS: &[&str] = &["每年", "每半年", "每季度", "每月"];
const MEETINGS: &[&str] = &["召开党风廉政建设专题会议", "开展廉政谈话", "组织警示教育活动", "听取班子成员履行“一岗双责”情况汇报", "开展廉政风险点排查", "研究部署党风廉政建设工作", "开展作风纪律专项检查", "讲授廉政党课"];
const HEADINGS: &[&str] = &["一、责任目标", "二、主要任务", "三、监督检查", "四、考核与责任追究"];
const CHINESE_NUM: &[&str] = &["一", "两", "三", "四", "五", "六"];

/// 一篇合成责任书的“结构化”形式，便于生成抄件时替换姓名和句子。
#[derive(Clone)]
struct Letter {
    year: u32,
    unit: String,
    name: String,
    /// 每节的句子（节标题见 `HEADINGS`）。
    sections: Vec<Vec<String>>,
    date: (u32, u32),
}

fn sentence(rng: &mut Rng, unit: &str, name: &str) -> String {
    match rng.below(10) {
        0..=4 => format!("{}要{}{}，{}。", rng.pick(SUBJECTS), rng.pick(VERBS), rng.pick(OBJECTS), rng.pick(CLAUSES)),
        5 | 6 => format!("{}{}，{}，{}。", rng.pick(VERBS), rng.pick(OBJECTS), rng.pick(CLAUSES), rng.pick(CLAUSES)),
        7 => format!("{}至少{}{}次，{}。", rng.pick(PERIODS), rng.pick(MEETINGS), rng.pick(CHINESE_NUM), rng.pick(CLAUSES)),
        8 => format!("对{}中发现的问题，{}，{}。", rng.pick(OBJECTS), rng.pick(CLAUSES), rng.pick(CLAUSES)),
        _ => format!("{name}同志对{unit}{}负总责，{}{}，{}。", rng.pick(OBJECTS), rng.pick(VERBS), rng.pick(OBJECTS), rng.pick(CLAUSES)),
    }
}

pub(crate) fn new_unit(rng: &mut Rng) -> String {
    format!("{}{}{}", rng.pick(REGIONS), rng.pick(AGENCIES), rng.pick(OFFICES))
}

pub(crate) fn new_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

/// 正文约 1,500 字。
fn new_letter(rng: &mut Rng) -> Letter {
    let unit = new_unit(rng);
    let name = new_name(rng);
    let mut sections: Vec<Vec<String>> = vec![Vec::new(); HEADINGS.len()];
    let mut chars = 0;
    while chars < 1_330 {
        let s = rng.below(sections.len());
        let text = sentence(rng, &unit, &name);
        chars += text.chars().count();
        sections[s].push(text);
    }
    Letter { year: 2020 + rng.below(6) as u32, unit, name, sections, date: (1 + rng.below(3) as u32, 1 + rng.below(28) as u32) }
}

/// 抄件：换单位、换责任人，约四分之一换年份（照抄上一年），改动 1～5 句。
fn copy_letter(rng: &mut Rng, src: &Letter) -> Letter {
    let mut l = src.clone();
    let (unit, name) = (new_unit(rng), new_name(rng));
    for sec in &mut l.sections {
        for s in sec.iter_mut() {
            *s = s.replace(&src.unit, &unit).replace(&src.name, &name);
        }
    }
    l.unit = unit;
    l.name = name;
    if rng.chance(0.25) {
        l.year += 1;
    }
    l.date = (1 + rng.below(3) as u32, 1 + rng.below(28) as u32);
    let edits = 1 + rng.below(5);
    for _ in 0..edits {
        let s = rng.below(l.sections.len());
        let sec_len = l.sections[s].len();
        let text = sentence(rng, &l.unit, &l.name);
        match (rng.below(4), sec_len) {
            (_, 0) | (0, _) => l.sections[s].push(text),
            (1, n) if n > 1 => {
                let k = rng.below(n);
                l.sections[s].remove(k);
            }
            (_, n) => {
                let k = rng.below(n);
                l.sections[s][k] = text;
            }
        }
    }
    l
}

fn render(l: &Letter) -> String {
    let mut out = format!(
        "{}年度党风廉政建设责任书\n\n为深入贯彻落实全面从严治党要求，压紧压实党风廉政建设主体责任，\
         根据上级有关规定，结合{}工作实际，签订本责任书。\n",
        l.year, l.unit
    );
    for (heading, sentences) in HEADINGS.iter().zip(&l.sections) {
        out.push_str(heading);
        out.push('\n');
        for (k, s) in sentences.iter().enumerate() {
            if k % 3 == 0 {
                out.push_str("　　");
            }
            out.push_str(s);
            if k % 3 == 2 {
                out.push('\n');
            }
        }
        out.push('\n');
    }
    out.push_str(&format!("五、附则\n本责任书一式两份，双方各执一份，自签订之日起生效。\n\n责任单位：{}\n责任人：{}\n{}年{}月{}日\n", l.unit, l.name, l.year, l.date.0, l.date.1));
    out
}

/// 合成的责任书（确定性）：每篇约 1,500 字，由常见的党风廉政建设用语随机组句；
/// 约 `copy_rate` 比例的文档是此前某篇的抄件（换了单位和责任人，改动 1～5 句，
/// 部分换了年份）。`id` 为 1..=n。供测试与基准使用。
pub fn synthetic_letters(n: usize, copy_rate: f64, seed: u64) -> Vec<Doc> {
    synthetic_letters_with_truth(n, copy_rate, seed).0
}

/// 同 [`synthetic_letters`]，另返回抄袭关系 `(原件 id, 抄件 id)`，用于核对检出率。
/// 抄件的改动大小不一，个别与原件的 Jaccard 可能低于阈值。
pub(crate) fn synthetic_letters_with_truth(n: usize, copy_rate: f64, seed: u64) -> (Vec<Doc>, Vec<(i64, i64)>) {
    let mut rng = Rng(seed ^ 0x5eed_1e77_e125_0000);
    let mut letters: Vec<Letter> = Vec::with_capacity(n);
    let mut truth = Vec::new();
    for i in 0..n {
        let letter = if i > 0 && rng.chance(copy_rate) {
            let src = rng.below(i);
            truth.push((src as i64 + 1, i as i64 + 1));
            copy_letter(&mut rng, &letters[src])
        } else {
            new_letter(&mut rng)
        };
        letters.push(letter);
    }
    let docs = letters.iter().enumerate().map(|(i, l)| Doc { id: i as i64 + 1, text: render(l) }).collect();
    (docs, truth)
}
