//! A realistic, deterministic corpus of catalogue documents for benchmarks and tests: titles
//! and bodies assembled from the phrasing of real government documents (关于印发…的通知,
//! 实施意见, 管理办法, agency names, topics), from a few hundred characters to a few pages.
//!
//! The same seed gives the same documents on every machine (a small SplitMix64 generator, no
//! dependency), so benchmark figures are comparable between runs.

use chrono::{Duration, NaiveDate};
use gongkai_cases::AgencyId;
use gongkai_catalogue::{
    Category, DocNumber, DocNumberParts, Document, DocumentId, IndexNumber, Item, NewDocument,
    Validity,
};

/// The agencies of the corpus; agency `i` (from 0) has id `i + 1`.
pub const AGENCIES: &[(&str, &str)] = &[
    ("运城市盐湖区人民政府", "盐政发"),
    ("运城市盐湖区人民政府办公室", "盐政办发"),
    ("盐湖区发展和改革局", "盐发改发"),
    ("盐湖区教育局", "盐教发"),
    ("盐湖区民政局", "盐民发"),
    ("盐湖区财政局", "盐财发"),
    ("盐湖区人力资源和社会保障局", "盐人社发"),
    ("盐湖区自然资源局", "盐自然资发"),
    ("运城市生态环境局盐湖分局", "盐环发"),
    ("盐湖区住房和城乡建设管理局", "盐住建发"),
    ("盐湖区交通运输局", "盐交发"),
    ("盐湖区农业农村局", "盐农发"),
    ("盐湖区卫生健康局", "盐卫健发"),
    ("盐湖区应急管理局", "盐应急发"),
    ("盐湖区市场监督管理局", "盐市监发"),
    ("盐湖区医疗保障局", "盐医保发"),
    ("盐湖区行政审批服务管理局", "盐审批发"),
    ("盐湖区北城街道办事处", "北街发"),
    ("盐湖区解州镇人民政府", "解政发"),
    ("盐湖区龙居镇人民政府", "龙政发"),
];

/// 主题分类 of the corpus.
pub const TOPICS: &[&str] = &[
    "综合政务",
    "国民经济管理、国有资产监管",
    "财政、金融、审计",
    "国土资源、能源",
    "农业、林业、水利",
    "城乡建设、环境保护",
    "科技、教育",
    "卫生、体育",
    "劳动、人事、监察",
    "民政、扶贫、救灾",
    "公安、安全、司法",
    "市场监管、安全生产监管",
];

/// Words people search the corpus for, common and rare, for the load figures of the search
/// and of the portal's search page.
pub const QUERY_WORDS: &[&str] = &[
    "政务公开",
    "标准化",
    "营商环境",
    "乡村振兴",
    "安全生产",
    "医疗保险",
    "通知",
    "实施意见",
    "管理办法",
    "工作方案",
    "政策解读",
    "资金",
    "考核",
    "河长制",
    "垃圾分类",
    "老旧小区",
    "食品安全",
    "最低生活保障",
    "森林防火",
    "行政执法",
    "申请",
    "征收",
    "补偿",
    "残疾人",
];

/// 体裁 of the corpus.
pub const GENRES: &[&str] = &[
    "通知", "意见", "办法", "公告", "通告", "报告", "决定", "批复",
];

const SUBJECTS: &[&str] = &[
    "基层政务公开标准化规范化",
    "优化营商环境",
    "全面推进乡村振兴",
    "安全生产专项整治三年行动",
    "生态环境保护督察整改",
    "城乡居民基本医疗保险",
    "义务教育阶段学生资助",
    "农村危房改造",
    "国有土地上房屋征收与补偿",
    "政府信息公开",
    "全面推行河长制",
    "常态化疫情防控",
    "住房公积金管理",
    "城乡最低生活保障",
    "困难残疾人生活补贴和重度残疾人护理补贴",
    "高标准农田建设",
    "一网通办政务服务",
    "双随机一公开监管",
    "重大行政决策程序",
    "行政规范性文件合法性审核",
    "森林防火",
    "城市生活垃圾分类",
    "老旧小区改造",
    "根治欠薪",
    "食品安全",
];

const DOC_KINDS: &[&str] = &[
    "工作方案",
    "实施方案",
    "管理办法",
    "实施细则",
    "工作要点",
    "暂行办法",
    "考核办法",
    "应急预案",
];

const ACTIONS: &[&str] = &[
    "进一步加强",
    "深入推进",
    "切实做好",
    "全面落实",
    "加快推进",
    "规范",
];

const LAWS: &[&str] = &[
    "中华人民共和国政府信息公开条例",
    "中华人民共和国安全生产法",
    "中华人民共和国环境保护法",
    "优化营商环境条例",
    "社会救助暂行办法",
    "国有土地上房屋征收与补偿条例",
    "中华人民共和国预算法",
    "重大行政决策程序暂行条例",
];

const PARAGRAPH_HEADS: &[&str] = &[
    "一、总体要求",
    "二、主要任务",
    "三、工作措施",
    "四、保障措施",
    "五、职责分工",
    "六、工作步骤",
    "七、有关要求",
];

const SENTENCES: &[&str] = &[
    "坚持以人民为中心的发展思想，坚持问题导向和目标导向，推动{s}工作提质增效。",
    "各乡镇（街道）、区直各有关部门要高度重视，成立由主要负责同志任组长的工作领导小组，明确责任分工，细化工作措施，确保各项任务落到实处。",
    "按照“谁制作、谁公开，谁保存、谁公开”的原则，及时准确公开{s}相关信息，主动回应社会关切。",
    "到{y}年底，基本建立覆盖全区的{s}工作体系，群众满意度明显提升。",
    "建立健全工作台账，实行清单化管理、项目化推进，每月{d}日前将工作进展情况报送区{s}工作领导小组办公室。",
    "区财政局要统筹安排专项资金，加强资金监管，严禁挤占、挪用、截留，确保资金安全高效使用。",
    "对工作推进不力、落实不到位的单位，予以通报批评；造成严重后果的，依法依规追究相关人员责任。",
    "加强政策解读，通过政府门户网站、政务新媒体等渠道，用通俗易懂的语言解读政策背景、主要内容和办理流程。",
    "申请人可通过网上申请、信函申请、当面申请等方式提出政府信息公开申请，行政机关应当在收到申请之日起20个工作日内予以答复。",
    "严格落实安全生产责任制，深入开展隐患排查治理，坚决遏制重特大事故发生。",
    "进一步简化办事流程，压缩审批时限，推行“一窗受理、集成服务”，实现企业和群众办事“最多跑一次”。",
    "加大宣传力度，充分利用广播、电视、报刊、网络等媒体，广泛宣传{s}的重要意义和政策措施，营造良好社会氛围。",
    "本{k}自印发之日起施行，有效期{n}年。此前有关规定与本{k}不一致的，以本{k}为准。",
    "区{s}工作领导小组办公室设在区政府办公室，负责日常协调调度、督促检查和考核评估工作。",
    "各地各部门要结合实际，认真贯彻执行。执行中遇到的问题，请及时向区人民政府报告。",
    "根据《{l}》及有关法律法规规定，结合我区实际，制定本{k}。",
    "坚持依法行政，规范行政执法行为，全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度。",
    "统筹城乡发展，完善基础设施，改善农村人居环境，促进农业增效、农民增收。",
];

/// A SplitMix64 generator: tiny, fast and the same everywhere.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A generator of documents; ids and revisions count up from 1.
#[derive(Debug, Clone)]
pub struct Corpus {
    rng: Rng,
    next_id: i64,
}

impl Corpus {
    pub fn new(seed: u64) -> Corpus {
        Corpus {
            rng: Rng(seed),
            next_id: 1,
        }
    }

    /// `n` documents of the generator with this seed.
    pub fn documents(seed: u64, n: usize) -> Vec<Document> {
        let mut corpus = Corpus::new(seed);
        (0..n).map(|_| corpus.document()).collect()
    }

    /// The next document.
    pub fn document(&mut self) -> Document {
        let r = &mut self.rng;
        let id = self.next_id;
        self.next_id += 1;
        let agency_index = r.below(AGENCIES.len());
        let (agency_name, prefix) = AGENCIES[agency_index];
        let subject = r.pick(SUBJECTS);
        let kind = r.pick(DOC_KINDS);
        let year = 2015 + r.below(11) as i32;
        let published = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
            + Duration::days(r.below(365) as i64);
        let written = published - Duration::days(r.below(40) as i64);
        let (title, genre) = match r.below(6) {
            0 | 1 => (format!("关于印发《盐湖区{subject}{kind}》的通知"), "通知"),
            2 => (
                format!(
                    "{agency_name}关于{}{subject}工作的实施意见",
                    r.pick(ACTIONS)
                ),
                "意见",
            ),
            3 => (format!("盐湖区{subject}{kind}"), "办法"),
            4 => (
                format!("{agency_name}关于{year}年度{subject}工作情况的报告"),
                "报告",
            ),
            _ => (format!("{agency_name}关于{subject}有关事项的公告"), "公告"),
        };
        let number = 1 + r.below(200) as u32;
        let doc_number = (r.below(3) > 0).then(|| {
            let raw = format!("{prefix}〔{year}〕{number}号");
            DocNumber {
                normalised: raw.clone(),
                raw,
                parts: Some(DocNumberParts {
                    prefix: prefix.to_string(),
                    year,
                    number,
                }),
            }
        });
        let index_number = IndexNumber {
            raw: format!("11140802MB19624{agency_index:02}X/{year}-{id:05}"),
            parts: None,
        };
        let validity = match r.below(10) {
            0 => Validity::Expired {
                on: published + Duration::days(365 * 3),
            },
            1 => Validity::Repealed {
                on: published + Duration::days(400),
                by: None,
            },
            _ => Validity::InForce,
        };
        let item = match r.below(8) {
            0 => None,
            1 => Some(Item::Article21("重点领域信息".to_string())),
            _ => Some(Item::Article20(1 + r.below(15) as u8)),
        };
        let category = match r.below(5) {
            0 => Some(Category::NormativeDocument),
            1 => Some(Category::Regulation),
            _ => None,
        };
        // Most documents are one to two pages; a few are long.
        let paragraphs = match r.below(10) {
            0..=2 => 1 + r.below(2),
            3..=8 => 3 + r.below(5),
            _ => 10 + r.below(12),
        };
        let mut body = String::new();
        body.push_str(&format!(
            "各乡镇人民政府、街道办事处，区直各有关单位：\n为{}{subject}工作，",
            r.pick(ACTIONS)
        ));
        for p in 0..paragraphs {
            if paragraphs > 2 {
                body.push('\n');
                body.push_str(PARAGRAPH_HEADS[p % PARAGRAPH_HEADS.len()]);
                body.push('\n');
            }
            for _ in 0..(2 + r.below(4)) {
                let sentence = r
                    .pick(SENTENCES)
                    .replace("{s}", subject)
                    .replace("{k}", kind)
                    .replace("{l}", r.pick(LAWS))
                    .replace("{y}", &(year + 2).to_string())
                    .replace("{d}", &(5 + r.below(20)).to_string())
                    .replace("{n}", &(2 + r.below(4)).to_string());
                body.push_str(&sentence);
            }
        }
        body.push_str(&format!("\n{agency_name}\n{published}"));
        let body_html = format!("<p>{}</p>", body.replace('\n', "</p><p>"));
        Document {
            id: DocumentId(id),
            revision: id,
            data: NewDocument {
                agency: AgencyId(agency_index as i64 + 1),
                index_number,
                title,
                doc_number,
                written: Some(written),
                published,
                category,
                item,
                topic: r.pick(TOPICS).to_string(),
                genre: genre.to_string(),
                method: "政府网站".to_string(),
                scope: "面向社会".to_string(),
                validity,
                interprets: None,
                body_html,
                body_text: body,
                attachments: Vec::new(),
                items: Vec::new(),
                channels: Vec::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_documents() {
        assert_eq!(Corpus::documents(7, 50), Corpus::documents(7, 50));
        assert_ne!(Corpus::documents(7, 5), Corpus::documents(8, 5));
    }

    #[test]
    fn bodies_range_from_hundreds_of_characters_to_pages() {
        let docs = Corpus::documents(1, 500);
        let lengths: Vec<usize> = docs
            .iter()
            .map(|d| d.data.body_text.chars().count())
            .collect();
        let min = lengths.iter().copied().min().unwrap_or(0);
        let max = lengths.iter().copied().max().unwrap_or(0);
        assert!(min >= 100, "shortest {min}");
        assert!(max >= 3000, "longest {max}");
        let ids: Vec<i64> = docs.iter().map(|d| d.id.0).collect();
        assert_eq!(ids, (1..=500).collect::<Vec<_>>());
    }
}
