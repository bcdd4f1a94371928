//! The catalogue as the public reads it (第十九–二十六条): the agencies of the government, each
//! agency's 法定主动公开内容 by 第二十条 item, the catalogue with its filters and full-text
//! search, the documents with their attachments and 政策解读, the Atom feed. Published
//! documents are public information; nothing here reads a request, an applicant or an account.

use super::Public;
use crate::agencies::TreeRow;
use crate::catalogue::{DocumentView, SearchInput, SearchResults};
use crate::{Result, ServiceError};
use gongkai_cases::{Agency, AgencyId};
use gongkai_catalogue::body::sanitise;
use gongkai_catalogue::{Attachment, Document, DocumentId, Item};
use gongkai_search::{Search, ValidityKind};
use gongkai_store::{Blobs, DocumentFilter, ItemOverview, Store, StoreError};

/// How many documents of each item the agency's page lists.
pub const PER_ITEM: usize = 5;

/// The documents of an agency under one item of 第二十条 (or 第二十一条).
#[derive(Debug, Clone, PartialEq)]
pub struct ItemGroup {
    pub item: Item,
    /// `第二十条第（七）项`, or the 第二十一条 item's name.
    pub label: String,
    /// The 条例's wording of a 第二十条 item.
    pub wording: Option<&'static str>,
    /// The newest [`PER_ITEM`] documents.
    pub documents: Vec<Document>,
    /// How many documents the agency has under the item.
    pub count: u64,
}

/// An agency's page: where it sits, its 法定主动公开内容 by item, its newest documents.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyOverview {
    pub agency: Agency,
    /// The agencies above it, the top first.
    pub ancestors: Vec<Agency>,
    /// The agencies directly below it.
    pub children: Vec<Agency>,
    /// 第二十条 items in their order, then 第二十一条 items by name.
    pub groups: Vec<ItemGroup>,
    /// Documents under no item.
    pub without_item: u64,
    /// The newest documents of any item.
    pub newest: Vec<Document>,
    /// How many documents the agency has.
    pub total: u64,
}

/// An agency as a caller names it: by id (the pages' links) or by name (the API, as its other
/// operations do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgencyRef {
    Id(AgencyId),
    /// Its current name, an alias or a former name.
    Name(String),
}

/// A catalogue search as the public asks it.
#[derive(Debug, Clone, Default)]
pub struct CatalogueQuery {
    pub text: String,
    /// Only this agency's documents.
    pub agency: Option<AgencyRef>,
    pub item: Option<Item>,
    /// Published in this year.
    pub year: Option<i32>,
    pub validity: Option<ValidityKind>,
    pub topic: Option<String>,
    pub genre: Option<String>,
    /// Newest first (the order when there is no text); otherwise by relevance.
    pub newest_first: bool,
    pub limit: usize,
    /// The cursor of the previous page.
    pub after: Option<String>,
}

/// A document as its public page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicDocument {
    /// The document, the publishing agency's name, the 政策解读 both ways.
    pub view: DocumentView,
    /// The body, sanitised again as it leaves the store (it was on the way in): a database
    /// restored from a backup or written by another program cannot put a script on a page.
    pub body_html: String,
}

impl<S: Store> Public<'_, S> {
    /// Every agency of the installation as a tree: each root followed by its subtree, depth
    /// first (the home page's list).
    pub async fn agencies(&self) -> Result<Vec<TreeRow>> {
        self.ctx().agency_tree().await
    }

    /// Brings the search index up to the store (the index is derived from published
    /// documents only); returns the number of documents applied.
    pub async fn catch_up_index<X: Search>(&self, index: &X) -> Result<u64> {
        self.ctx().catch_up(index).await
    }

    /// The agency with this id ([`ServiceError::UnknownAgency`] when there is none).
    pub async fn agency_by_id(&self, id: AgencyId) -> Result<Agency> {
        let tree = self.store().agencies().await?;
        find(&tree, id)
    }

    /// An agency's page: its place in the tree and its documents grouped by the item of
    /// 第二十条 (or 第二十一条) they are published under.
    pub async fn agency_overview(&self, id: AgencyId) -> Result<AgencyOverview> {
        let tree = self.store().agencies().await?;
        let agency = find(&tree, id)?;
        let mut ancestors = Vec::new();
        let mut at = agency.parent;
        // Bounded by the tree's size: a cycle cannot loop.
        for _ in 0..tree.len() {
            let Some(parent) = at.and_then(|p| tree.iter().find(|a| a.id == p)) else {
                break;
            };
            ancestors.insert(0, parent.clone());
            at = parent.parent;
        }
        let children = tree
            .iter()
            .filter(|a| a.parent == Some(id))
            .cloned()
            .collect();
        let newest = self
            .store()
            .list_documents(&DocumentFilter {
                agencies: vec![id],
                category: None,
                published_from: None,
                published_to: None,
                limit: PER_ITEM * 2,
                after: None,
            })
            .await?;
        let overview = self.store().item_overview(id, PER_ITEM).await?;
        let total = overview.counts.iter().map(|(_, n)| n).sum();
        let (groups, without_item) = by_item(overview);
        Ok(AgencyOverview {
            agency,
            ancestors,
            children,
            groups,
            without_item,
            newest,
            total,
        })
    }

    /// Searches the catalogue (every agency, or one): words and `"phrases"` with highlighted
    /// snippets, filters, pages by cursor. Without words it lists by the filters, newest first.
    /// The index first catches up with documents stored since it last did.
    pub async fn search_catalogue<X: Search>(
        &self,
        index: &X,
        query: CatalogueQuery,
    ) -> Result<SearchResults> {
        let agency = match query.agency {
            Some(AgencyRef::Id(id)) => Some(self.agency_by_id(id).await?.name),
            // The search resolves a name itself (and says so when no agency has it).
            Some(AgencyRef::Name(name)) => Some(name),
            None => None,
        };
        let ctx = self.ctx();
        ctx.catch_up(index).await?;
        let newest_first = query.newest_first || query.text.trim().is_empty();
        ctx.search_catalogue(
            index,
            SearchInput {
                text: query.text,
                agency,
                subtree: false,
                item: query.item,
                topic: query.topic.filter(|t| !t.trim().is_empty()),
                genre: query.genre.filter(|g| !g.trim().is_empty()),
                years: query.year.map(|y| (y, y)),
                validity: query.validity,
                newest_first,
                limit: query.limit,
                after: query.after,
            },
        )
        .await
    }

    /// A document's page ([`StoreError::NotFound`] for an unknown id).
    pub async fn document(&self, id: DocumentId) -> Result<PublicDocument> {
        if self.store().document(id).await?.is_none() {
            return Err(unknown_document(id));
        }
        let view = self.ctx().document_view_by_id(id).await?;
        let body_html = sanitise(&view.document.data.body_html).html;
        Ok(PublicDocument { view, body_html })
    }

    /// An attachment of a document, by the SHA-256 the document lists it under, with its bytes
    /// ([`StoreError::NotFound`] when the document has no such attachment).
    pub async fn attachment<B: Blobs>(
        &self,
        blobs: &B,
        document: DocumentId,
        sha256: &str,
    ) -> Result<(Attachment, Vec<u8>)> {
        let doc = self
            .store()
            .document(document)
            .await?
            .ok_or_else(|| unknown_document(document))?;
        let attachment = doc
            .data
            .attachments
            .into_iter()
            .find(|a| a.sha256 == sha256)
            .ok_or_else(|| StoreError::NotFound("该信息没有这个附件".into()))?;
        let bytes = blobs
            .get(sha256)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("附件 {} 的内容缺失", attachment.name)))?;
        Ok((attachment, bytes))
    }

    /// The Atom feed of an agency's newest `limit` documents; entries link to
    /// `document_url_prefix` followed by the document's id.
    pub async fn feed(
        &self,
        agency: AgencyId,
        self_url: &str,
        document_url_prefix: &str,
        limit: usize,
    ) -> Result<String> {
        let name = self.agency_by_id(agency).await?.name;
        self.ctx()
            .catalogue_feed(&name, None, self_url, document_url_prefix, limit)
            .await
    }
}

/// The agency `id` of `tree` ([`ServiceError::UnknownAgency`] if none).
pub(crate) fn find(tree: &[Agency], id: AgencyId) -> Result<Agency> {
    tree.iter()
        .find(|a| a.id == id)
        .cloned()
        .ok_or_else(|| ServiceError::UnknownAgency(format!("编号 {}", id.0)))
}

fn unknown_document(id: DocumentId) -> ServiceError {
    StoreError::NotFound(format!("找不到编号为 {id} 的政府信息")).into()
}

/// Documents (newest first) grouped by item: 第二十条 items in their order, then 第二十一条
/// items by name; and how many are under no item.
fn by_item(overview: ItemOverview) -> (Vec<ItemGroup>, u64) {
    let mut without = 0;
    let mut groups: Vec<ItemGroup> = Vec::new();
    for (item, count) in overview.counts {
        match item {
            None => without += count,
            Some(item) => groups.push(ItemGroup {
                label: gongkai_catalogue::vocab::item_label(&item),
                wording: gongkai_catalogue::vocab::item_wording(&item),
                documents: overview
                    .newest
                    .iter()
                    .filter(|d| d.data.item.as_ref() == Some(&item))
                    .take(PER_ITEM)
                    .cloned()
                    .collect(),
                item,
                count,
            }),
        }
    }
    groups.sort_by(|a, b| order(&a.item).cmp(&order(&b.item)));
    (groups, without)
}

/// 第二十条 items by number before 第二十一条 items by name.
fn order(item: &Item) -> (u8, &str) {
    match item {
        Item::Article20(n) => (*n, ""),
        Item::Article21(name) => (u8::MAX, name.as_str()),
    }
}
