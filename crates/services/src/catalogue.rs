//! The proactive-disclosure catalogue (政府信息公开目录, 第十九–二十六条): entering, importing and
//! repealing documents, their attachments, the search index kept in step with the store, and
//! the register behind table 二 with late publications (第二十六条) and the 政策解读率.
//!
//! The store is the truth and the search index is derived from it: every write is stored first
//! (with its revision), then the index catches up with every revision it has not applied
//! ([`Ctx::catch_up`]), on every write and when a front end starts. A crash between the two
//! leaves a document stored and not yet searchable until the next catch-up, never a document
//! searchable and not stored. An index ahead of the store (a database restored from an older
//! backup) is rebuilt.
//!
//! Published documents are public information: reading and searching the catalogue needs no
//! capability. Writing needs [`Capability::Handle`] on the publishing agency.

use crate::{Capability, Ctx, Result, ServiceError};
use chrono::NaiveDate;
use gongkai_cases::limits::{MAX_NAME_CHARS, MAX_REFERENCE_CHARS, check_text};
use gongkai_cases::{Agency, AgencyId};
use gongkai_catalogue::body::{Body, sanitise};
use gongkai_catalogue::interpretation::{Interpretation, interpretation_rate};
use gongkai_catalogue::late::{Late, LateSummary, Publication, late_publications, lateness};
use gongkai_catalogue::register::{Table2Cell, table2};
use gongkai_catalogue::{
    Attachment, Category, DocNumber, Document, DocumentId, IndexNumber, Item, NewDocument,
    RegisterEntry, Validity,
};
use gongkai_report::Format;
use gongkai_search::{Cursor, Page, Query, Search, Sort, ValidityKind};
use gongkai_store::{Blobs, DocumentFilter, ImportCounts, Store};
use std::collections::{HashMap, HashSet};

pub mod office;

/// The earliest date a catalogue document may carry: older regulations are still in force.
fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1949, 10, 1).unwrap_or(NaiveDate::MIN)
}

/// The largest body accepted, in characters (a long regulation with its annexes fits).
pub const MAX_BODY_CHARS: usize = 2_000_000;

/// How many documents the index takes from the store at a time when catching up.
const CATCH_UP_CHUNK: usize = 500;

/// A document's body as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyInput {
    /// HTML from an editor or a CMS: sanitised before it is stored.
    Html(String),
    /// Plain text: each line a paragraph.
    Text(String),
}

/// A document as an officer enters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentInput {
    /// 发布机构, by name.
    pub agency: String,
    pub index_number: String,
    pub title: String,
    pub doc_number: Option<String>,
    pub written: Option<NaiveDate>,
    pub published: NaiveDate,
    pub category: Option<Category>,
    pub item: Option<Item>,
    pub topic: String,
    pub genre: String,
    pub method: String,
    pub scope: String,
    pub validity: Validity,
    /// For a 政策解读: the 索引号 of the document it explains (of the same agency or of one above
    /// it, which is where the documents a department explains come from).
    pub interprets: Option<String>,
    pub body: BodyInput,
    /// Files to attach: name and content.
    pub attachments: Vec<(String, Vec<u8>)>,
}

/// A document with what a page of it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentView {
    pub document: Document,
    /// The publishing agency's name.
    pub agency: String,
    /// The document a 政策解读 explains.
    pub interprets: Option<Document>,
    /// The 政策解读 that explain this document.
    pub interpretations: Vec<Document>,
    /// Published later than 第二十六条 allows.
    pub late: Option<Late>,
}

/// A search as a front end asks it.
#[derive(Debug, Clone, Default)]
pub struct SearchInput {
    pub text: String,
    /// Only this agency (by name) …
    pub agency: Option<String>,
    /// … and with `subtree`, every agency below it.
    pub subtree: bool,
    pub item: Option<Item>,
    pub topic: Option<String>,
    pub genre: Option<String>,
    pub years: Option<(i32, i32)>,
    pub validity: Option<ValidityKind>,
    pub newest_first: bool,
    pub limit: usize,
    /// The cursor of the previous page, as the page gave it.
    pub after: Option<String>,
}

/// One hit with the document's metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub document: Document,
    pub agency: String,
    pub hit: gongkai_search::Hit,
}

/// A page of search results.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub total: u64,
    /// Whether `total` is exact, or an estimate (PostgreSQL stops counting at 10,000).
    pub total_exact: bool,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
}

/// Where an import reads documents from.
#[derive(Debug, Clone)]
pub enum CatalogueSource {
    /// Our template or a CMS export, as XLSX or CSV, with an optional header mapping
    /// (`标题=信息名称,发文字号=文号`).
    Table {
        bytes: Vec<u8>,
        kind: gongkai_catalogue_import::TableKind,
        mapping: Option<String>,
    },
    /// Saved article pages of a government portal: file name and content.
    Pages(Vec<(String, Vec<u8>)>),
}

/// What a catalogue import did.
#[derive(Debug, Clone, Default)]
pub struct CatalogueImported {
    pub counts: ImportCounts,
    /// For saved pages: what was read of each file, and what not.
    pub pages: Vec<gongkai_catalogue_import::PageReport>,
}

/// The register of an agency-year: table 二's 规章 and 规范性文件 cells with their documents,
/// late publications and the 政策解读率.
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    pub format: Format,
    pub cells: Vec<Table2Cell>,
    pub late: LateSummary,
    pub interpretation: Interpretation,
    /// Whether the scope has any catalogue document at all: without one, the figures say
    /// nothing (the agency keeps its catalogue elsewhere) and the report does not use them.
    pub has_catalogue: bool,
}

impl<S: Store> Ctx<'_, S> {
    /// Enters a document: checked, its body sanitised, its attachments checked by content and
    /// stored, then the document stored and made searchable.
    pub async fn add_document<X: Search, B: Blobs>(
        &self,
        index: &X,
        blobs: &B,
        max_attachment_bytes: u64,
        input: DocumentInput,
    ) -> Result<Document> {
        let (agency, tree) = self.locate(&input.agency).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let new = self
            .new_document(&agency, &tree, blobs, max_attachment_bytes, input)
            .await?;
        let mut audit = self
            .draft(
                &grant,
                "catalogue.add",
                format!("目录 {}", new.index_number.raw),
            )
            .await?;
        audit.set("title", new.title.as_str());
        let doc = self.store.create_document(new, audit).await?;
        self.catch_up(index).await?;
        Ok(doc)
    }

    /// Records that a document ceased to be in force (失效) or was repealed (废止).
    pub async fn repeal_document<X: Search>(
        &self,
        index: &X,
        agency: &str,
        index_number: &str,
        validity: Validity,
    ) -> Result<Document> {
        let (agency, tree) = self.locate(agency).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let doc = self.document_of(&agency, index_number).await?;
        if let Validity::Expired { on } | Validity::Repealed { on, .. } = &validity {
            self.check_catalogue_date("废止日期", *on)?;
        }
        let mut audit = self
            .draft(
                &grant,
                "catalogue.repeal",
                format!("目录 {}", doc.data.index_number.raw),
            )
            .await?;
        audit.set(
            "validity",
            gongkai_catalogue::vocab::validity_label(&validity),
        );
        let doc = self.store.set_validity(doc.id, validity, audit).await?;
        self.catch_up(index).await?;
        Ok(doc)
    }

    /// A document with its interpretations and its lateness.
    pub async fn document_view(&self, agency: &str, index_number: &str) -> Result<DocumentView> {
        let agency = self.agency(agency).await?;
        let document = self.document_of(&agency, index_number).await?;
        self.view_of(document, agency.name).await
    }

    /// A document by id, as [`Ctx::document_view`] shows it.
    pub async fn document_view_by_id(&self, id: DocumentId) -> Result<DocumentView> {
        let document = self
            .store
            .document(id)
            .await?
            .ok_or_else(|| ServiceError::Invalid(format!("找不到编号为 {id} 的目录信息")))?;
        let tree = self.tree().await?;
        let name = name_in(&tree, document.data.agency);
        self.view_of(document, name).await
    }

    async fn view_of(&self, document: Document, agency: String) -> Result<DocumentView> {
        let entries = self.store.register_entries(&[document.data.agency]).await?;
        let ids: Vec<DocumentId> = entries
            .iter()
            .filter(|e| e.interprets == Some(document.id))
            .map(|e| e.id)
            .chain(document.data.interprets)
            .collect();
        let mut linked = self.store.documents_by_ids(&ids).await?;
        let interprets = document
            .data
            .interprets
            .and_then(|id| linked.iter().position(|d| d.id == id))
            .map(|i| linked.remove(i));
        let late = match (document.data.item.is_some(), document.data.written) {
            (true, Some(written)) => {
                lateness(&self.calendar().await?, written, document.data.published)
            }
            _ => None,
        };
        Ok(DocumentView {
            document,
            agency,
            interprets,
            interpretations: linked,
            late,
        })
    }

    /// The documents of an agency (and, with `subtree`, of the agencies below it), newest
    /// first, optionally only those of a category or published in a year.
    pub async fn list_documents(
        &self,
        agency: &str,
        subtree: bool,
        category: Option<Category>,
        year: Option<i32>,
        limit: usize,
    ) -> Result<Vec<Document>> {
        let (agency, tree) = self.locate(agency).await?;
        let agencies = scope_of(&tree, agency.id, subtree);
        let filter = DocumentFilter {
            agencies,
            category,
            published_from: year.and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1)),
            published_to: year.and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31)),
            limit,
            after: None,
        };
        Ok(self.store.list_documents(&filter).await?)
    }

    /// Searches the catalogue: words and `"phrases"`, filters, relevance or date order, pages
    /// by cursor.
    pub async fn search_catalogue<X: Search>(
        &self,
        index: &X,
        input: SearchInput,
    ) -> Result<SearchResults> {
        let tree = self.tree().await?;
        let agencies = match input.agency.as_deref().filter(|a| !a.trim().is_empty()) {
            Some(name) => {
                let agency = crate::resolve(&tree, &self.store.aliases().await?, name)?;
                Some(scope_of(&tree, agency.id, input.subtree))
            }
            None => None,
        };
        let after = match input.after.as_deref().filter(|c| !c.is_empty()) {
            Some(text) => Some(
                text.parse::<Cursor>()
                    .map_err(|_| ServiceError::Invalid(format!("翻页标记无效：{text}")))?,
            ),
            None => None,
        };
        let query = Query {
            text: input.text,
            agencies,
            item: input.item,
            topic: input.topic,
            genre: input.genre,
            years: input.years,
            validity: input.validity,
            sort: if input.newest_first {
                Sort::Newest
            } else {
                Sort::Relevance
            },
            limit: input.limit.clamp(1, 100),
            after,
        };
        let Page {
            hits,
            total,
            total_exact,
            next,
        } = index
            .search(&query)
            .await
            .map_err(|e| ServiceError::Invalid(format!("检索失败：{e}")))?;
        let ids: Vec<DocumentId> = hits.iter().map(|h| h.id).collect();
        let mut docs: HashMap<DocumentId, Document> = self
            .store
            .documents_by_ids(&ids)
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let hits = hits
            .into_iter()
            .filter_map(|hit| {
                // A hit the store no longer has cannot be shown (the index is only ever fed
                // stored documents; this guards a database restored from an older backup).
                let document = docs.remove(&hit.id)?;
                let agency = name_in(&tree, document.data.agency);
                Some(SearchHit {
                    document,
                    agency,
                    hit,
                })
            })
            .collect();
        Ok(SearchResults {
            hits,
            total,
            total_exact,
            next: next.map(|c| c.to_string()),
        })
    }

    /// Brings the index up to the store: applies every document written since the revision the
    /// index has applied; rebuilds an index that is ahead of the store. Returns the number of
    /// documents applied.
    pub async fn catch_up<X: Search>(&self, index: &X) -> Result<u64> {
        self.catch_up_with(index, |_, _| {}).await
    }

    /// Rebuilds the index from the store, reporting progress (documents done, total).
    pub async fn reindex<X: Search>(
        &self,
        index: &X,
        progress: impl FnMut(u64, u64),
    ) -> Result<u64> {
        index.clear().await.map_err(search_error)?;
        self.catch_up_with(index, progress).await
    }

    async fn catch_up_with<X: Search>(
        &self,
        index: &X,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<u64> {
        let stored = self.store.catalogue_revision().await?;
        let mut from = index.revision().await.map_err(search_error)?;
        if from > stored {
            index.clear().await.map_err(search_error)?;
            from = 0;
        }
        // Revisions count writes, so this bounds the documents to apply from above: a document
        // written twice is applied once.
        let total = u64::try_from(stored - from).unwrap_or(0);
        let mut done = 0u64;
        progress(done, total);
        loop {
            let docs = self.store.documents_since(from, CATCH_UP_CHUNK).await?;
            let Some(last) = docs.last().map(|d| d.revision) else {
                break;
            };
            index.apply(&docs, last).await.map_err(search_error)?;
            done += docs.len() as u64;
            from = last;
            progress(done, total.max(done));
        }
        Ok(done)
    }

    /// The register of an agency-year (or, consolidated, of the agency and every agency
    /// below it).
    pub async fn register(&self, agency: &str, year: i32, consolidated: bool) -> Result<Register> {
        let agency = self.agency(agency).await?;
        let agencies = self.report_scope(&agency, year, consolidated).await?;
        self.register_of(&agencies, year).await
    }

    /// [`Ctx::register`] of agencies already resolved.
    pub(crate) async fn register_of(&self, agencies: &[AgencyId], year: i32) -> Result<Register> {
        let format = Format::for_year(year);
        let (entries, all) = self.register_entries_of(agencies).await?;
        let publications: Vec<Publication> = self
            .store
            .publication_dates(agencies, year)
            .await?
            .into_iter()
            .map(|(id, written, published)| Publication {
                id,
                written,
                published,
            })
            .collect();
        let late = late_publications(&self.calendar().await?, &publications, year);
        let any = DocumentFilter {
            agencies: agencies.to_vec(),
            category: None,
            published_from: None,
            published_to: None,
            limit: 1,
            after: None,
        };
        let has_catalogue = !self.store.list_documents(&any).await?.is_empty();
        Ok(Register {
            format,
            cells: table2(&entries, year, format),
            late,
            interpretation: interpretation_rate(&entries, &all, year),
            has_catalogue,
        })
    }

    /// The register entries of `agencies`' own documents, and with them every entry the store
    /// gives for them (interpretations of their documents by other agencies included).
    pub(crate) async fn register_entries_of(
        &self,
        agencies: &[AgencyId],
    ) -> Result<(Vec<RegisterEntry>, Vec<RegisterEntry>)> {
        let all = self.store.register_entries(agencies).await?;
        let own: HashSet<AgencyId> = agencies.iter().copied().collect();
        let entries = all
            .iter()
            .filter(|e| own.contains(&e.agency))
            .cloned()
            .collect();
        Ok((entries, all))
    }

    /// Imports documents from a table or saved pages into an agency's catalogue (the default
    /// 发布机构; a table's 发布机构 column may name others in the scope): all or nothing,
    /// matched by 索引号 so that importing the same file again changes nothing.
    pub async fn import_catalogue<X: Search>(
        &self,
        index: &X,
        agency: &str,
        source: CatalogueSource,
    ) -> Result<CatalogueImported> {
        use gongkai_catalogue_import as import;
        let (agency, tree) = self.locate(agency).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let aliases = self.store.aliases().await?;
        let resolve = |name: &str| {
            crate::resolve(&tree, &aliases, name)
                .ok()
                .filter(|a| self.scope.reaches(a.id, &tree))
                .map(|a| a.id)
        };
        let options = import::ReadOptions {
            today: self.settings.today,
            default_agency: Some(agency.name.clone()),
            mapping: import::HeaderMapping::default(),
        };
        let (imported, pages) = match source {
            CatalogueSource::Table {
                bytes,
                kind,
                mapping,
            } => {
                let mapping = match mapping.as_deref() {
                    Some(m) => import::HeaderMapping::parse(m)
                        .map_err(|e| ServiceError::Invalid(e.to_string()))?,
                    None => import::HeaderMapping::default(),
                };
                let options = import::ReadOptions { mapping, ..options };
                let docs = import::read_table(&bytes, kind, &options, &resolve)
                    .map_err(|e| ServiceError::Invalid(e.to_string()))?;
                (docs, Vec::new())
            }
            CatalogueSource::Pages(files) => import::read_pages(files, &options, &resolve),
        };
        // A 政策解读 may explain a document of the same file that is not stored yet: such
        // documents are stored first without the link, which a second write of the same import
        // then adds (a re-import finds the target stored and writes once, changing nothing).
        let in_file: HashSet<String> = imported
            .iter()
            .map(|i| i.document.index_number.key())
            .collect();
        let mut documents = Vec::with_capacity(imported.len());
        let mut deferred = Vec::new();
        for item in imported {
            let mut document = item.document;
            if let Some(target) = item.interprets_index.as_deref() {
                let agency = tree
                    .iter()
                    .find(|a| a.id == document.agency)
                    .cloned()
                    .unwrap_or_else(|| agency.clone());
                match self.find_explained(&tree, &agency, target).await {
                    Ok(explained) => document.interprets = Some(explained.id),
                    Err(_) if in_file.contains(&IndexNumber::parse(target).key()) => {
                        deferred.push((documents.len(), agency, target.to_owned()));
                    }
                    Err(e) => return Err(e),
                }
            }
            documents.push(document);
        }
        let mut audit = self
            .draft(
                &grant,
                "catalogue.import",
                format!("{} 的目录", agency.name),
            )
            .await?;
        audit.set("documents", documents.len());
        let counts = self
            .store
            .upsert_documents(documents.clone(), audit)
            .await?;
        if !deferred.is_empty() {
            let mut linked = Vec::with_capacity(deferred.len());
            for (i, agency, target) in deferred {
                let mut document = documents[i].clone();
                document.interprets = Some(self.find_explained(&tree, &agency, &target).await?.id);
                linked.push(document);
            }
            let mut audit = self
                .draft(
                    &grant,
                    "catalogue.import",
                    format!("{} 的目录：政策解读的解读对象", agency.name),
                )
                .await?;
            audit.set("documents", linked.len());
            self.store.upsert_documents(linked, audit).await?;
        }
        self.catch_up(index).await?;
        Ok(CatalogueImported { counts, pages })
    }

    /// The document of `agency` with this 索引号.
    async fn document_of(&self, agency: &Agency, index_number: &str) -> Result<Document> {
        let key = IndexNumber::parse(index_number).key();
        self.store
            .document_by_index(agency.id, &key)
            .await?
            .ok_or_else(|| {
                ServiceError::Invalid(format!(
                    "{} 的公开目录中没有索引号为 {} 的信息",
                    agency.name,
                    index_number.trim()
                ))
            })
    }

    /// The document a 政策解读 of `agency` explains: by 索引号 in the agency's catalogue, then
    /// in those of the agencies above it.
    async fn find_explained(
        &self,
        tree: &[Agency],
        agency: &Agency,
        index_number: &str,
    ) -> Result<Document> {
        let key = IndexNumber::parse(index_number).key();
        let mut at = Some(agency.id);
        while let Some(id) = at {
            if let Some(doc) = self.store.document_by_index(id, &key).await? {
                return Ok(doc);
            }
            at = tree.iter().find(|a| a.id == id).and_then(|a| a.parent);
        }
        Err(ServiceError::Invalid(format!(
            "解读对象 {index_number} 不在 {} 及其上级机关的公开目录中",
            agency.name
        )))
    }

    fn check_catalogue_date(&self, field: &str, date: NaiveDate) -> Result<()> {
        if date < earliest() || date > self.settings.today {
            return Err(ServiceError::Invalid(format!(
                "{field} {date} 不在 1949-10-01 至今天（{}）之间",
                self.settings.today
            )));
        }
        Ok(())
    }

    /// A [`NewDocument`] from what the officer entered.
    async fn new_document<B: Blobs>(
        &self,
        agency: &Agency,
        tree: &[Agency],
        blobs: &B,
        max_attachment_bytes: u64,
        input: DocumentInput,
    ) -> Result<NewDocument> {
        let index_number = IndexNumber::parse(&input.index_number);
        if index_number.raw.is_empty() {
            return Err(ServiceError::Invalid("索引号不能为空".into()));
        }
        self.limit(check_text(
            "索引号",
            &index_number.raw,
            MAX_REFERENCE_CHARS,
            false,
        ))?;
        index_number
            .check()
            .map_err(|e| ServiceError::Invalid(e.to_string()))?;
        let title = input.title.trim().to_owned();
        if title.is_empty() {
            return Err(ServiceError::Invalid("信息名称不能为空".into()));
        }
        self.limit(check_text("信息名称", &title, MAX_NAME_CHARS, false))?;
        for (field, value) in [
            ("主题分类", &input.topic),
            ("体裁", &input.genre),
            ("公开方式", &input.method),
            ("公开范围", &input.scope),
        ] {
            self.limit(check_text(field, value.trim(), MAX_REFERENCE_CHARS, false))?;
        }
        if let Some(written) = input.written {
            self.check_catalogue_date("成文日期", written)?;
        }
        self.check_catalogue_date("发布日期", input.published)?;
        if let Validity::Expired { on } | Validity::Repealed { on, .. } = &input.validity {
            self.check_catalogue_date("废止日期", *on)?;
        }
        if let Some(Item::Article20(n)) = &input.item
            && !(1..=15).contains(n)
        {
            return Err(ServiceError::Invalid(format!(
                "第二十条只有第（一）至（十五）项，没有第 {n} 项"
            )));
        }
        let doc_number = match input.doc_number.as_deref() {
            Some(text) => {
                self.limit(check_text("文号", text.trim(), MAX_REFERENCE_CHARS, false))?;
                DocNumber::parse(text)
            }
            None => None,
        };
        let body = match &input.body {
            BodyInput::Html(html) | BodyInput::Text(html)
                if html.chars().count() > MAX_BODY_CHARS =>
            {
                return Err(ServiceError::Invalid(format!(
                    "正文超过 {MAX_BODY_CHARS} 个字符"
                )));
            }
            BodyInput::Html(html) => sanitise(html),
            BodyInput::Text(text) => Body::from_text(text),
        };
        let interprets = match input.interprets.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(target) => Some(self.find_explained(tree, agency, target).await?.id),
            None => None,
        };
        let mut attachments = Vec::with_capacity(input.attachments.len());
        for (name, bytes) in &input.attachments {
            attachments.push(store_attachment(blobs, name, bytes, max_attachment_bytes).await?);
        }
        Ok(NewDocument {
            agency: agency.id,
            index_number,
            title,
            doc_number,
            written: input.written,
            published: input.published,
            category: input.category,
            item: input.item,
            topic: input.topic.trim().to_owned(),
            genre: input.genre.trim().to_owned(),
            method: input.method.trim().to_owned(),
            scope: input.scope.trim().to_owned(),
            validity: input.validity,
            interprets,
            body_html: body.html,
            body_text: body.text,
            attachments,
            items: Vec::new(),
            channels: Vec::new(),
        })
    }

    /// An attachment's bytes, checked against the document it belongs to.
    pub async fn attachment<B: Blobs>(
        &self,
        blobs: &B,
        document: DocumentId,
        sha256: &str,
    ) -> Result<(Attachment, Vec<u8>)> {
        let doc =
            self.store.document(document).await?.ok_or_else(|| {
                ServiceError::Invalid(format!("找不到编号为 {document} 的目录信息"))
            })?;
        let attachment = doc
            .data
            .attachments
            .into_iter()
            .find(|a| a.sha256 == sha256)
            .ok_or_else(|| ServiceError::Invalid("该信息没有这个附件".into()))?;
        let bytes = blobs
            .get(sha256)
            .await?
            .ok_or_else(|| ServiceError::Invalid(format!("附件 {} 的内容缺失", attachment.name)))?;
        Ok((attachment, bytes))
    }
}

impl<S: Store> Ctx<'_, S> {
    /// The documents with these ids (unknown ids skipped), for listing the documents behind a
    /// figure of the register.
    pub async fn documents_by_ids(&self, ids: &[DocumentId]) -> Result<Vec<Document>> {
        Ok(self.store.documents_by_ids(ids).await?)
    }

    /// The Atom feed of an agency's latest `limit` documents (of one category, if given).
    pub async fn catalogue_feed(
        &self,
        agency: &str,
        category: Option<Category>,
        self_url: &str,
        document_url_prefix: &str,
        limit: usize,
    ) -> Result<String> {
        let agency = self.agency(agency).await?;
        let filter = DocumentFilter {
            agencies: vec![agency.id],
            category,
            published_from: None,
            published_to: None,
            limit: limit.clamp(1, 500),
            after: None,
        };
        let documents = self.store.list_documents(&filter).await?;
        let title = match category {
            Some(c) => format!(
                "{} 政府信息公开目录：{}",
                agency.name,
                gongkai_catalogue::vocab::category_label(c)
            ),
            None => format!("{} 政府信息公开目录", agency.name),
        };
        let info = gongkai_catalogue::feed::FeedInfo {
            title,
            agency: agency.name.clone(),
            self_url: self_url.to_owned(),
            document_url_prefix: document_url_prefix.to_owned(),
        };
        Ok(gongkai_catalogue::feed::atom(
            &info,
            &documents,
            self.settings.today,
        ))
    }
}

/// Where attachments' bytes are kept: files in a directory (the default), or the store's own
/// table (several server processes on several machines).
#[derive(Debug)]
pub enum Attachments<'s, S> {
    Directory(gongkai_blobs::LocalBlobs),
    Database(&'s S),
}

impl<S> Attachments<'_, S> {
    /// Files under `dir`, created if needed.
    pub fn directory(
        dir: &std::path::Path,
    ) -> std::result::Result<Self, gongkai_store::StoreError> {
        Ok(Attachments::Directory(gongkai_blobs::LocalBlobs::open(
            dir,
        )?))
    }
}

impl<S: Blobs> Blobs for Attachments<'_, S> {
    async fn put(&self, bytes: &[u8]) -> gongkai_store::Result<String> {
        match self {
            Attachments::Directory(d) => d.put(bytes).await,
            Attachments::Database(s) => s.put(bytes).await,
        }
    }

    async fn get(&self, sha256: &str) -> gongkai_store::Result<Option<Vec<u8>>> {
        match self {
            Attachments::Directory(d) => d.get(sha256).await,
            Attachments::Database(s) => s.get(sha256).await,
        }
    }

    async fn has(&self, sha256: &str) -> gongkai_store::Result<bool> {
        match self {
            Attachments::Directory(d) => d.has(sha256).await,
            Attachments::Database(s) => s.has(sha256).await,
        }
    }

    async fn remove(&self, sha256: &str) -> gongkai_store::Result<()> {
        match self {
            Attachments::Directory(d) => d.remove(sha256).await,
            Attachments::Database(s) => s.remove(sha256).await,
        }
    }
}

/// Checks an attachment by its content and size, and stores its bytes.
pub(crate) async fn store_attachment<B: Blobs>(
    blobs: &B,
    name: &str,
    bytes: &[u8],
    max_bytes: u64,
) -> Result<Attachment> {
    let mut attachment = gongkai_blobs::attachment(bytes, name.trim(), max_bytes)
        .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    // The store names the bytes by their digest, which the record must match.
    attachment.sha256 = blobs.put(bytes).await?;
    Ok(attachment)
}

fn search_error(e: gongkai_search::SearchError) -> ServiceError {
    ServiceError::Invalid(format!("检索索引出错：{e}"))
}

/// The agency and, with `subtree`, every agency below it.
fn scope_of(tree: &[Agency], top: AgencyId, subtree: bool) -> Vec<AgencyId> {
    if subtree {
        gongkai_cases::tables::subtree(tree, top)
    } else {
        vec![top]
    }
}

fn name_in(tree: &[Agency], id: AgencyId) -> String {
    tree.iter()
        .find(|a| a.id == id)
        .map(|a| a.name.clone())
        .unwrap_or_default()
}
