//! `catalog.json`: the contract between instances. One schema for the writer (every build
//! publishes one) and the reader (federation reads other instances' stored copies), so that what
//! one instance writes the other reads. Documented in `docs/catalog.md`; versioned by
//! `catalog_version`.

use serde::{Deserialize, Serialize};

/// The version this build writes. Version 2 added `parcours` (learning paths).
pub const CATALOG_VERSION: u32 = 2;

/// The versions this build reads.
pub const READABLE_VERSIONS: [u32; 2] = [1, 2];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Catalog {
    pub catalog_version: u32,
    #[serde(default)]
    pub generator: String,
    #[serde(default)]
    pub site: CatalogSite,
    pub kits: Vec<CatalogKit>,
    /// Learning paths (version 2).
    #[serde(default)]
    pub parcours: Vec<CatalogParcours>,
}

/// A learning path: kits in order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CatalogParcours {
    pub slug: String,
    pub url: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub audiences: Vec<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub license: String,
    #[serde(default)]
    pub authors: Vec<String>,
    /// The steps: addresses of the kits' pages, in order.
    #[serde(default)]
    pub kits: Vec<String>,
    #[serde(default)]
    pub duration_minutes: u32,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CatalogSite {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The site's absolute address (or its base path when `base_url` has no host).
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub language: String,
}

/// One kit. Only `slug`, `url` and `title` are required of a catalog read from elsewhere.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CatalogKit {
    pub slug: String,
    pub url: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub license: String,
    #[serde(default)]
    pub license_url: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub audiences: Vec<String>,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub duration_minutes: u32,
    #[serde(default)]
    pub participants: Option<Participants>,
    #[serde(default)]
    pub formats: Vec<String>,
    #[serde(default)]
    pub materials: Vec<String>,
    #[serde(default)]
    pub competences: Vec<String>,
    #[serde(default)]
    pub prerequisites: Vec<String>,
    #[serde(default)]
    pub accessibility: Vec<String>,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub updated: Option<String>,
    #[serde(default)]
    pub translations: Vec<Translation>,
    #[serde(default)]
    pub reviewers: Vec<String>,
    #[serde(default)]
    pub translators: Vec<String>,
    /// Sessions run from the kit (newest first).
    #[serde(default)]
    pub field_reports: Vec<CatalogFieldReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CatalogFieldReport {
    pub date: String,
    #[serde(default)]
    pub place: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Participants {
    pub min: u32,
    pub max: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Translation {
    pub language: String,
    pub url: String,
}
