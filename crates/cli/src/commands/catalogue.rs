//! `gongkai catalogue …`: the proactive-disclosure catalogue (政府信息公开目录): enter, import,
//! list, show, repeal, search, the register behind table 二, the Atom feed, the search index.

use crate::Status;
use crate::context::{Access, Backend, Env, Global, runtime, with_ctx};
use crate::files::{self, io_text};
use crate::values;
use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use gongkai_catalogue::vocab::{category_label, item_label, validity_label};
use gongkai_catalogue::{Category, Document, Item, Validity};
use gongkai_config::{AttachmentStore, SearchBackend};
use gongkai_report::template::{t2_col_label, t2_row_label};
use gongkai_search::AnySearch;
use gongkai_services::Ctx;
use gongkai_services::catalogue::{
    Attachments, BodyInput, CatalogueSource, DocumentInput, Register, SearchInput,
};
use gongkai_store::{Blobs, Store};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum CatalogueCommand {
    /// 登记一条目录信息（add）：正文取自文件（HTML 或文本），可带附件
    Add(AddArgs),
    /// 导入目录（import）：模板或内容管理系统导出的 XLSX/CSV，或保存的网页所在目录
    ///
    /// 任何一行有误则全部不导入；按索引号匹配，重复导入不改变任何记录。
    Import {
        /// 文件（.xlsx、.csv）或目录（保存的 .html/.htm 网页）
        path: PathBuf,
        /// 发布机构（文件中“发布机构”列为空时）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 列名对应，如 "标题=信息名称,发文字号=文号"（内容管理系统导出的列名）
        #[arg(long, value_name = "MAPPING")]
        map: Option<String>,
    },
    /// 生成目录导入模板（template）：带下拉选项的 XLSX
    Template {
        /// 输出文件；- 为标准输出
        #[arg(short, long, value_name = "OUT", default_value = "目录模板.xlsx")]
        output: PathBuf,
    },
    /// 列出目录信息（list），新发布的在前
    List {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 包括所有下级机关
        #[arg(long)]
        subtree: bool,
        /// 只列出该类别：规章、规范性文件
        #[arg(long, value_parser = category)]
        category: Option<Category>,
        /// 只列出该年发布的
        #[arg(long, value_parser = values::year)]
        year: Option<i32>,
        /// 最多列出条数
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 查看一条目录信息（show）：元数据、正文、附件、政策解读、是否逾期公开
    Show {
        /// 索引号
        index_number: String,
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 登记失效或废止（repeal）
    Repeal {
        /// 索引号
        index_number: String,
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 废止（或失效）日期
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        date: NaiveDate,
        /// 废止该文件的文件（文号或名称）
        #[arg(long, value_name = "DOC")]
        by: Option<String>,
        /// 登记为失效（有效期届满或宣布失效），而不是废止
        #[arg(long, conflicts_with = "by")]
        expired: bool,
    },
    /// 全文检索（search）：词语之间为“且”，"引号" 内为短语
    Search(SearchArgs),
    /// 规范性文件台账（register）：表二“第二十条第（一）项”的数据及其文件、逾期公开、政策解读率
    Register {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 报告年度
        #[arg(long, value_parser = values::year)]
        year: i32,
        /// 汇总本机关及所有下级机关
        #[arg(long)]
        consolidated: bool,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 生成 Atom 订阅源（feed）：一个机关（或一个类别）最新发布的信息
    Feed {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 只含该类别：规章、规范性文件
        #[arg(long, value_parser = category)]
        category: Option<Category>,
        /// 订阅源自身的网址（门户上的地址）
        #[arg(long, value_name = "URL")]
        url: String,
        /// 信息页面网址的前缀，其后接信息编号
        #[arg(long, value_name = "URL")]
        document_url: String,
        /// 条数
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// 输出文件；- 为标准输出
        #[arg(short, long, value_name = "OUT", default_value = "-")]
        output: PathBuf,
    },
    /// 重建检索索引（reindex）：从数据库重新建立全文索引
    Reindex,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// 发布机构（agency）
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 索引号
    #[arg(long, value_name = "TEXT")]
    index_number: String,
    /// 信息名称
    #[arg(long, value_name = "TEXT")]
    title: String,
    /// 文号，如 盐政办发〔2020〕12号
    #[arg(long, value_name = "TEXT")]
    doc_number: Option<String>,
    /// 成文日期
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    written: Option<NaiveDate>,
    /// 发布日期
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    published: NaiveDate,
    /// 类别：规章、规范性文件
    #[arg(long, value_parser = category)]
    category: Option<Category>,
    /// 第二十条项目，如 第二十条第（一）项；或第二十一条事项的名称
    #[arg(long, value_parser = item)]
    item: Option<Item>,
    /// 主题分类
    #[arg(long, default_value = "")]
    topic: String,
    /// 体裁，如 通知、公告、意见、办法
    #[arg(long, default_value = "")]
    genre: String,
    /// 公开方式
    #[arg(long, default_value = "政府网站")]
    method: String,
    /// 公开范围
    #[arg(long, default_value = "面向社会")]
    scope: String,
    /// 政策解读所解读的文件的索引号
    #[arg(long, value_name = "INDEX")]
    interprets: Option<String>,
    /// 正文文件：.html/.htm 按网页读取（经过清理），其他按纯文本读取
    #[arg(long, value_name = "FILE")]
    body: Option<PathBuf>,
    /// 附件，可多个（PDF、Word、Excel、图片等）
    #[arg(long = "attach", value_name = "FILE")]
    attachments: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// 检索词
    query: String,
    /// 只检索该机关
    #[arg(long, value_name = "NAME")]
    agency: Option<String>,
    /// 包括该机关的所有下级机关
    #[arg(long, requires = "agency")]
    subtree: bool,
    /// 第二十条项目
    #[arg(long, value_parser = item)]
    item: Option<Item>,
    /// 主题分类
    #[arg(long)]
    topic: Option<String>,
    /// 体裁
    #[arg(long)]
    genre: Option<String>,
    /// 发布年份起
    #[arg(long, value_parser = values::year)]
    from_year: Option<i32>,
    /// 发布年份止
    #[arg(long, value_parser = values::year)]
    to_year: Option<i32>,
    /// 有效性：有效、失效、废止
    #[arg(long, value_parser = validity_kind)]
    validity: Option<gongkai_search::ValidityKind>,
    /// 按发布日期排序（新的在前），而不是按相关度
    #[arg(long)]
    newest: bool,
    /// 条数
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// 上一页末尾给出的翻页标记
    #[arg(long, value_name = "CURSOR")]
    after: Option<String>,
    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

fn category(s: &str) -> Result<Category, String> {
    match gongkai_catalogue::vocab::parse_category(s)? {
        Some(c) => Ok(c),
        None => Err(format!("类别“{s}”应为：规章、规范性文件")),
    }
}

fn item(s: &str) -> Result<Item, String> {
    gongkai_catalogue::vocab::parse_item(s)?.ok_or_else(|| "第二十条项目不能为空".to_owned())
}

fn validity_kind(s: &str) -> Result<gongkai_search::ValidityKind, String> {
    use gongkai_search::ValidityKind;
    match s.trim() {
        "有效" => Ok(ValidityKind::InForce),
        "失效" => Ok(ValidityKind::Expired),
        "废止" => Ok(ValidityKind::Repealed),
        _ => Err(format!("有效性“{s}”应为：有效、失效、废止")),
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    files::read(path)
}

/// The files of a directory of saved pages (`.html`, `.htm`, `.shtml`), by name.
fn saved_pages(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| anyhow!("无法读取目录 {}：{}", dir.display(), io_text(&e)))?;
    for entry in entries {
        let path = entry
            .map_err(|e| anyhow!("无法读取目录 {}：{}", dir.display(), io_text(&e)))?
            .path();
        let is_page = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "html" | "htm" | "shtml"));
        if is_page && path.is_file() {
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            out.push((name, read(&path)?));
        }
    }
    out.sort();
    if out.is_empty() {
        bail!("目录 {} 中没有 .html 或 .htm 网页", dir.display());
    }
    Ok(out)
}

/// The search index the configuration names for this database (also `gongkai serve`'s).
pub(crate) async fn open_index(env: &Env, postgres: bool) -> Result<AnySearch> {
    let backend = match (env.config.catalogue.search, postgres) {
        (SearchBackend::Auto, false) | (SearchBackend::Tantivy, _) => SearchBackend::Tantivy,
        (SearchBackend::Auto, true) | (SearchBackend::Postgres, true) => SearchBackend::Postgres,
        (SearchBackend::Postgres, false) => {
            bail!(
                "catalogue.search = \"postgres\" 需要 PostgreSQL 数据库；SQLite 请用 tantivy 或 auto"
            )
        }
    };
    match backend {
        SearchBackend::Postgres => AnySearch::postgres(&env.url())
            .await
            .map_err(|e| anyhow!("无法打开检索索引（PostgreSQL）：{e}")),
        _ => {
            let dir = env.config.search_dir();
            std::fs::create_dir_all(&dir)
                .map_err(|e| anyhow!("无法创建检索索引目录 {}：{}", dir.display(), io_text(&e)))?;
            AnySearch::tantivy(&dir).map_err(|e| anyhow!("无法打开检索索引 {}：{e}", dir.display()))
        }
    }
}

/// Where attachments' bytes go, as configured (also `gongkai serve`'s).
pub(crate) fn attachment_place(env: &Env) -> Result<gongkai_web::AttachmentPlace> {
    Ok(match env.config.catalogue.attachments {
        AttachmentStore::Database => gongkai_web::AttachmentPlace::Database,
        AttachmentStore::Directory => {
            let dir = env.config.attachments_dir();
            gongkai_web::AttachmentPlace::directory(&dir)
                .map_err(|e| anyhow!("无法使用附件目录 {}：{e}", dir.display()))?
        }
    })
}

/// Where attachments' bytes go, over `store`.
fn attachments<'s, S>(env: &Env, store: &'s S) -> Result<Attachments<'s, S>> {
    Ok(attachment_place(env)?.of(store))
}

pub fn run(g: &Global, cmd: CatalogueCommand) -> Result<Status> {
    if let CatalogueCommand::Template { output } = &cmd {
        let bytes =
            gongkai_catalogue_import::template().map_err(|e| anyhow!("无法生成模板：{e}"))?;
        files::emit(Some(output), &bytes, true)?;
        if !files::is_stdout(output) {
            eprintln!("已生成目录模板 {}", output.display());
        }
        return Ok(Status::Ok);
    }
    let env = Env::load(g)?;
    let access = match cmd {
        CatalogueCommand::List { .. }
        | CatalogueCommand::Show { .. }
        | CatalogueCommand::Register { .. }
        | CatalogueCommand::Feed { .. } => Access::Read,
        // A search catches the index up with the store first, which writes the index only.
        _ => Access::Write,
    };
    let postgres = matches!(
        Backend::of(&env.url(), &env.shown_url())?,
        Backend::Postgres
    );
    runtime()?.block_on(async {
        with_ctx!(env, access, |ctx, store| run_in(
            ctx, &store, &env, postgres, cmd
        )
        .await)
    })
}

async fn run_in<S: Store + Blobs>(
    ctx: Ctx<'_, S>,
    store: &S,
    env: &Env,
    postgres: bool,
    cmd: CatalogueCommand,
) -> Result<Status> {
    let mut out = std::io::stdout().lock();
    match cmd {
        CatalogueCommand::Template { .. } => Ok(Status::Ok),
        CatalogueCommand::Add(args) => {
            let index = open_index(env, postgres).await?;
            let blobs = attachments(env, store)?;
            let body = match &args.body {
                None => BodyInput::Text(String::new()),
                Some(path) => {
                    let bytes = read(path)?;
                    let text = String::from_utf8(bytes)
                        .map_err(|_| anyhow!("正文文件 {} 不是 UTF-8 文本", path.display()))?;
                    let html = path
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "html" | "htm"));
                    if html {
                        BodyInput::Html(text)
                    } else {
                        BodyInput::Text(text)
                    }
                }
            };
            let mut files = Vec::with_capacity(args.attachments.len());
            for path in &args.attachments {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                files.push((name, read(path)?));
            }
            let input = DocumentInput {
                agency: args.agency,
                index_number: args.index_number,
                title: args.title,
                doc_number: args.doc_number,
                written: args.written,
                published: args.published,
                category: args.category,
                item: args.item,
                topic: args.topic,
                genre: args.genre,
                method: args.method,
                scope: args.scope,
                validity: Validity::InForce,
                interprets: args.interprets,
                body,
                attachments: files,
            };
            let max = u64::from(env.config.catalogue.attachment_max_mb) * 1024 * 1024;
            let doc = ctx.add_document(&index, &blobs, max, input).await?;
            writeln!(
                out,
                "已登记 {}（索引号 {}，编号 {}）",
                doc.data.title, doc.data.index_number.raw, doc.id
            )?;
            Ok(Status::Ok)
        }
        CatalogueCommand::Import { path, agency, map } => {
            let index = open_index(env, postgres).await?;
            let source = if path.is_dir() {
                CatalogueSource::Pages(saved_pages(&path)?)
            } else {
                CatalogueSource::Table {
                    kind: files::table_kind(&path, "，或保存网页的目录")?,
                    bytes: read(&path)?,
                    mapping: map,
                }
            };
            let done = ctx.import_catalogue(&index, &agency, source).await?;
            for page in &done.pages {
                writeln!(out, "{page}")?;
            }
            let c = done.counts;
            writeln!(
                out,
                "目录导入完成：新增 {} 条，更新 {} 条，未变 {} 条",
                c.created, c.changed, c.unchanged
            )?;
            Ok(Status::Ok)
        }
        CatalogueCommand::List {
            agency,
            subtree,
            category,
            year,
            limit,
            json,
        } => {
            let docs = ctx
                .list_documents(&agency, subtree, category, year, limit)
                .await?;
            if json {
                let list: Vec<_> = docs.iter().map(document_json).collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
            } else if docs.is_empty() {
                writeln!(out, "{agency} 的公开目录中没有符合条件的信息")?;
            } else {
                for d in &docs {
                    writeln!(out, "{}", document_line(d))?;
                }
            }
            Ok(Status::Ok)
        }
        CatalogueCommand::Show {
            index_number,
            agency,
            json,
        } => {
            let view = ctx.document_view(&agency, &index_number).await?;
            if json {
                let mut value = document_json(&view.document);
                value["agency"] = json!(view.agency);
                value["body_text"] = json!(view.document.data.body_text);
                value["interprets"] = json!(
                    view.interprets
                        .as_ref()
                        .map(|d| d.data.index_number.raw.clone())
                );
                value["interpretations"] = json!(
                    view.interpretations
                        .iter()
                        .map(|d| d.data.index_number.raw.clone())
                        .collect::<Vec<_>>()
                );
                value["late_working_days"] = json!(view.late.map(|l| l.working_days));
                writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
                return Ok(Status::Ok);
            }
            let d = &view.document.data;
            writeln!(out, "{}", d.title)?;
            writeln!(out, "  索引号：{}", d.index_number.raw)?;
            writeln!(out, "  发布机构：{}", view.agency)?;
            if let Some(n) = &d.doc_number {
                writeln!(out, "  文号：{}", n.normalised)?;
            }
            if let Some(w) = d.written {
                writeln!(out, "  成文日期：{w}")?;
            }
            writeln!(out, "  发布日期：{}", d.published)?;
            if let Some(c) = d.category {
                writeln!(out, "  类别：{}", category_label(c))?;
            }
            if let Some(i) = &d.item {
                writeln!(out, "  公开依据：{}", item_label(i))?;
            }
            for (label, value) in [
                ("主题分类", &d.topic),
                ("体裁", &d.genre),
                ("公开方式", &d.method),
                ("公开范围", &d.scope),
            ] {
                if !value.is_empty() {
                    writeln!(out, "  {label}：{value}")?;
                }
            }
            writeln!(out, "  有效性：{}", validity_label(&d.validity))?;
            if let Some(late) = view.late {
                writeln!(
                    out,
                    "  逾期公开：成文后第 {} 个工作日才发布，应不晚于 {}（第二十六条）{}",
                    late.working_days,
                    late.deadline,
                    if late.provisional {
                        "（按临时日历计算）"
                    } else {
                        ""
                    }
                )?;
            }
            if let Some(t) = &view.interprets {
                writeln!(
                    out,
                    "  解读对象：{}（{}）",
                    t.data.title, t.data.index_number.raw
                )?;
            }
            for i in &view.interpretations {
                writeln!(
                    out,
                    "  政策解读：{}（{}）",
                    i.data.title, i.data.index_number.raw
                )?;
            }
            for a in &d.attachments {
                writeln!(
                    out,
                    "  附件：{}（{}，{} 字节）",
                    a.name, a.media_type, a.size
                )?;
            }
            if !d.body_text.is_empty() {
                writeln!(out, "\n{}", d.body_text)?;
            }
            Ok(Status::Ok)
        }
        CatalogueCommand::Repeal {
            index_number,
            agency,
            date,
            by,
            expired,
        } => {
            let index = open_index(env, postgres).await?;
            let validity = if expired {
                Validity::Expired { on: date }
            } else {
                Validity::Repealed { on: date, by }
            };
            let doc = ctx
                .repeal_document(&index, &agency, &index_number, validity)
                .await?;
            writeln!(
                out,
                "已登记 {}：{}",
                doc.data.title,
                validity_label(&doc.data.validity)
            )?;
            Ok(Status::Ok)
        }
        CatalogueCommand::Search(args) => {
            let index = open_index(env, postgres).await?;
            ctx.catch_up(&index).await?;
            let years = match (args.from_year, args.to_year) {
                (None, None) => None,
                (from, to) => Some((from.unwrap_or(1949), to.unwrap_or(9999))),
            };
            let results = ctx
                .search_catalogue(
                    &index,
                    SearchInput {
                        text: args.query,
                        agency: args.agency,
                        subtree: args.subtree,
                        item: args.item,
                        topic: args.topic,
                        genre: args.genre,
                        years,
                        validity: args.validity,
                        newest_first: args.newest,
                        limit: args.limit,
                        after: args.after,
                    },
                )
                .await?;
            if args.json {
                let hits: Vec<_> = results
                    .hits
                    .iter()
                    .map(|h| {
                        let mut v = document_json(&h.document);
                        v["agency"] = json!(h.agency);
                        v["score"] = json!(h.hit.score);
                        v["title_highlighted"] = json!(marked(&h.hit.title));
                        v["snippet"] = json!(marked(&h.hit.snippet));
                        v
                    })
                    .collect();
                let value = json!({ "total": results.total, "total_exact": results.total_exact, "hits": hits, "next": results.next });
                writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
                return Ok(Status::Ok);
            }
            if results.total_exact {
                writeln!(out, "共 {} 条结果", results.total)?;
            } else {
                writeln!(out, "约 {} 条结果", results.total)?;
            }
            for h in &results.hits {
                let d = &h.document.data;
                writeln!(out, "\n{}", marked(&h.hit.title))?;
                writeln!(
                    out,
                    "  {}｜{}｜{}{}",
                    d.index_number.raw,
                    h.agency,
                    d.published,
                    d.doc_number
                        .as_ref()
                        .map_or_else(String::new, |n| format!("｜{}", n.normalised))
                )?;
                if !h.hit.snippet.text.is_empty() {
                    writeln!(out, "  {}", marked(&h.hit.snippet))?;
                }
            }
            if let Some(next) = &results.next {
                writeln!(out, "\n下一页：--after {next}")?;
            }
            Ok(Status::Ok)
        }
        CatalogueCommand::Register {
            agency,
            year,
            consolidated,
            json,
        } => {
            let register = ctx.register(&agency, year, consolidated).await?;
            print_register(&mut out, &ctx, &agency, year, &register, json).await?;
            Ok(Status::Ok)
        }
        CatalogueCommand::Feed {
            agency,
            category,
            url,
            document_url,
            limit,
            output,
        } => {
            let xml = ctx
                .catalogue_feed(&agency, category, &url, &document_url, limit)
                .await?;
            files::emit(Some(&output), xml.as_bytes(), false)?;
            Ok(Status::Ok)
        }
        CatalogueCommand::Reindex => {
            let index = open_index(env, postgres).await?;
            let bar = progress();
            let n = ctx
                .reindex(&index, |done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                })
                .await?;
            bar.finish_and_clear();
            writeln!(out, "已重建检索索引：{n} 条信息")?;
            Ok(Status::Ok)
        }
    }
}

/// A bar of documents indexed, on a terminal only.
fn progress() -> ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} 条 {per_sec} 剩余 {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// A snippet with its highlights marked 【like this】 for a terminal.
fn marked(s: &gongkai_search::Snippet) -> String {
    let mut out = String::with_capacity(s.text.len() + 8 * s.highlights.len());
    let mut at = 0;
    for r in &s.highlights {
        if r.start < at || r.end > s.text.len() {
            continue;
        }
        out.push_str(&s.text[at..r.start]);
        out.push('【');
        out.push_str(&s.text[r.start..r.end]);
        out.push('】');
        at = r.end;
    }
    out.push_str(&s.text[at..]);
    out
}

fn document_line(d: &Document) -> String {
    let data = &d.data;
    let mut line = format!(
        "{}  {}  {}",
        data.published, data.index_number.raw, data.title
    );
    if let Some(n) = &data.doc_number {
        line.push_str(&format!("  {}", n.normalised));
    }
    if let Some(c) = data.category {
        line.push_str(&format!("  [{}]", category_label(c)));
    }
    if data.validity != Validity::InForce {
        line.push_str(&format!("  ({})", validity_label(&data.validity)));
    }
    line
}

fn document_json(d: &Document) -> serde_json::Value {
    let data = &d.data;
    json!({
        "id": d.id.0,
        "index_number": data.index_number.raw,
        "title": data.title,
        "doc_number": data.doc_number.as_ref().map(|n| n.normalised.clone()),
        "written": data.written,
        "published": data.published,
        "category": data.category.map(category_label),
        "item": data.item.as_ref().map(item_label),
        "topic": data.topic,
        "genre": data.genre,
        "validity": validity_label(&data.validity),
        "attachments": data.attachments.iter().map(|a| json!({
            "name": a.name, "media_type": a.media_type, "size": a.size, "sha256": a.sha256,
        })).collect::<Vec<_>>(),
    })
}

async fn print_register<S: Store>(
    out: &mut impl Write,
    ctx: &Ctx<'_, S>,
    agency: &str,
    year: i32,
    register: &Register,
    json: bool,
) -> Result<()> {
    let ids: Vec<_> = register
        .cells
        .iter()
        .flat_map(|c| c.documents.iter().copied())
        .chain(register.late.documents.iter().map(|(id, _)| *id))
        .collect();
    let docs = ctx.documents_by_ids(&ids).await?;
    let label = |id: gongkai_catalogue::DocumentId| {
        docs.iter().find(|d| d.id == id).map_or_else(
            || id.to_string(),
            |d| format!("{}  {}", d.data.index_number.raw, d.data.title),
        )
    };
    if json {
        let value = json!({
            "agency": agency,
            "year": year,
            "format": register.format.to_string(),
            "has_catalogue": register.has_catalogue,
            "cells": register.cells.iter().map(|c| json!({
                "key": c.key.to_string(),
                "value": c.value,
                "documents": c.documents.iter().map(|d| d.0).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "late": register.late.documents.iter().map(|(id, days)| json!({"id": id.0, "working_days": days})).collect::<Vec<_>>(),
            "late_count": register.late.count,
            "undated": register.late.undated.iter().map(|d| d.0).collect::<Vec<_>>(),
            "interpretation_rate": register.interpretation.rate(),
            "interpreted": register.interpretation.interpreted.iter().map(|d| d.0).collect::<Vec<_>>(),
            "not_interpreted": register.interpretation.not_interpreted.iter().map(|d| d.0).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{agency} {year} 年度 规章和规范性文件（表二 第二十条第（一）项，{} 格式）",
        register.format
    )?;
    if !register.has_catalogue {
        writeln!(out, "  公开目录中还没有该机关的信息：报告不采用这些数据")?;
    }
    for cell in &register.cells {
        let name = match cell.key {
            gongkai_report::CellKey::T2(row, col) => format!(
                "{} {}",
                t2_row_label(register.format, row),
                t2_col_label(register.format, col)
            ),
            other => other.to_string(),
        };
        writeln!(out, "  {name}：{}", cell.value)?;
        for id in &cell.documents {
            writeln!(out, "      {}", label(*id))?;
        }
    }
    writeln!(
        out,
        "逾期公开（第二十六条，成文后超过 20 个工作日发布）：{} 件",
        register.late.count
    )?;
    for (id, days) in &register.late.documents {
        writeln!(out, "      {}（{days} 个工作日）", label(*id))?;
    }
    if !register.late.undated.is_empty() {
        writeln!(
            out,
            "  另有 {} 件没有成文日期，无法判断",
            register.late.undated.len()
        )?;
    }
    match register.interpretation.rate() {
        Some(rate) => writeln!(
            out,
            "政策解读率：{:.1}%（{} / {} 件本年制发的规章和规范性文件有解读）",
            rate * 100.0,
            register.interpretation.interpreted.len(),
            register.interpretation.issued()
        )?,
        None => writeln!(out, "政策解读率：本年没有制发规章或规范性文件")?,
    }
    Ok(())
}
