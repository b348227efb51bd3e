//! 待办: what waits for the signed-in person, gathered from every module of the registry
//! (`crate::modules`): each module that has something to ask of people declares a provider
//! (`Module::todos`) that answers, for one principal, with a few items — a kind, a count, a
//! link and perhaps a few detail lines. The home page lists them; the bell in the header shows
//! their sum. A provider counts (a handful of indexed COUNT queries within the caller's
//! scope), it never loads a table.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::Serialize;

use crate::auth::Principal;
use crate::error::AppResult;
use crate::state::AppState;

/// How pressing an item is. Items are listed overdue first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Overdue,
    Near,
    Normal,
}

impl Urgency {
    pub fn code(self) -> &'static str {
        match self {
            Urgency::Overdue => "overdue",
            Urgency::Near => "near",
            Urgency::Normal => "normal",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Overdue => "已逾期",
            Urgency::Near => "临近时限",
            Urgency::Normal => "待办",
        }
    }
    /// Tag colour on pages.
    pub fn tag(self) -> &'static str {
        match self {
            Urgency::Overdue => "tag-red",
            Urgency::Near => "tag-yellow",
            Urgency::Normal => "tag-blue",
        }
    }
}

/// One kind of thing waiting, with how many.
#[derive(Debug, Clone, Serialize)]
pub struct TodoItem {
    /// The module's field term (定责 …), filled in by [`mine`].
    pub module: &'static str,
    /// A stable code (`duty.list_review`) for the API and tests.
    pub kind: &'static str,
    /// What waits, as people read it (待审核的责任清单).
    pub label: String,
    pub count: i64,
    /// Where to do it: the one object when there is one, else a filtered list.
    pub href: String,
    /// A few lines to say more (the return reason, who sent a 催报); empty for most.
    pub details: Vec<String>,
    pub urgency: Urgency,
}

impl TodoItem {
    pub fn new(kind: &'static str, label: impl Into<String>, count: i64, href: impl Into<String>, urgency: Urgency) -> TodoItem {
        TodoItem { module: "", kind, label: label.into(), count, href: href.into(), details: vec![], urgency }
    }
    pub fn with_details(mut self, details: Vec<String>) -> TodoItem {
        self.details = details;
        self
    }
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A module's 待办: what waits for this person in that module (items with a count of 0 are dropped).
pub type Provider = for<'a> fn(&'a AppState, &'a Principal) -> BoxFuture<'a, AppResult<Vec<TodoItem>>>;

/// Everything waiting for one person.
#[derive(Debug, Clone, Serialize)]
pub struct Todos {
    pub total: i64,
    pub items: Vec<TodoItem>,
}

/// What waits for the caller, from every module, overdue first. Kept per user in the node's
/// short-lived cache (`Caches::todos`): the home page and the bell share one computation, and
/// any write committed on this node makes it stale at once (so a list just filed leaves the
/// 待办 on the next page), other nodes' writes within the cache's time-to-live.
pub async fn mine(st: &AppState, p: &Principal) -> AppResult<Arc<Todos>> {
    st.caches.todos.get_or_load(p.user.id, || gather(st, p)).await
}

async fn gather(st: &AppState, p: &Principal) -> AppResult<Arc<Todos>> {
    let mut items = Vec::new();
    for m in crate::modules::MODULES {
        let Some(provider) = m.todos else { continue };
        for mut item in provider(st, p).await? {
            if item.count > 0 {
                item.module = m.label;
                items.push(item);
            }
        }
    }
    // stable: within one urgency, the modules' order and each module's own order
    items.sort_by_key(|i| i.urgency);
    Ok(Arc::new(Todos { total: items.iter().map(|i| i.count).sum(), items }))
}

/// The bell's count when it is already known on this node (no query), else None: the header
/// then fetches it after the page has loaded (`GET /todo/bell`), so no page waits for it.
pub fn known_total(st: &AppState, p: &Principal) -> Option<i64> {
    st.caches.todos.get(&p.user.id).map(|t| t.total)
}
