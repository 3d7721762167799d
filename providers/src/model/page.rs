//! Pages of results, with totals and cursors where the provider gives them.

use serde::{Deserialize, Serialize};

/// What page to fetch: by number (NCP), offset (OpenWhisk, SCF) or cursor (FunctionGraph).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// Items to skip.
    pub offset: u64,
    /// Items wanted.
    pub limit: u64,
    /// An opaque cursor from a previous page's `next_cursor`, when the provider pages so.
    pub cursor: Option<String>,
}

impl PageRequest {
    /// The first `limit` items.
    pub fn first(limit: u64) -> Self {
        Self {
            offset: 0,
            limit,
            cursor: None,
        }
    }

    /// 1-based page number for providers that page by number.
    pub fn page_number(&self) -> u64 {
        self.offset.checked_div(self.limit).unwrap_or(0) + 1
    }
}

/// One page of items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items, in the provider's order.
    pub items: Vec<T>,
    /// The total count, when the provider reports it.
    pub total: Option<u64>,
    /// The cursor for the next page, when there is one and the provider pages by cursor.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page with a known total and no cursor.
    pub fn with_total(items: Vec<T>, total: u64) -> Self {
        Self {
            items,
            total: Some(total),
            next_cursor: None,
        }
    }
}
