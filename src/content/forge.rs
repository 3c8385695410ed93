//! The forge that hosts an instance's repository (`[forge]` of `mallette.toml`): where its "edit
//! this kit", "new file" and "new issue" pages are, so that a contributor without Git proposes a
//! kit or reports a session from the site, and the forge makes the pull request or the issue.
//!
//! GitHub, GitLab (gitlab.com, Framagit, any instance) and Forgejo/Gitea (Codeberg…) each have
//! their own URL scheme for these pages; every URL of that kind is built here.

use serde::{Deserialize, Serialize};

/// `[forge]` of mallette.toml.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Forge {
    pub kind: ForgeKind,
    /// The repository's web address, e.g. `https://codeberg.org/reseau/wiki`.
    pub url: String,
    /// The branch contributions go to.
    #[serde(default = "default_branch")]
    pub branch: String,
}

fn default_branch() -> String {
    "main".into()
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ForgeKind {
    Github,
    Gitlab,
    /// Forgejo and Gitea share one URL scheme.
    #[serde(alias = "gitea")]
    Forgejo,
}

/// The names `kind` takes, for messages.
pub const FORGE_KINDS: [&str; 3] = ["github", "gitlab", "forgejo"];

impl ForgeKind {
    /// `github`, `gitlab` or `forgejo` (also `gitea`).
    pub fn parse(name: &str) -> Option<ForgeKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "github" => Some(ForgeKind::Github),
            "gitlab" => Some(ForgeKind::Gitlab),
            "forgejo" | "gitea" => Some(ForgeKind::Forgejo),
            _ => None,
        }
    }

    /// The kind of the well-known hosts (github.com; gitlab.com, framagit.org and hosts named
    /// `gitlab.*`; codeberg.org and hosts named `forgejo.*`, `gitea.*`), from a repository URL.
    pub fn guess(url: &str) -> Option<ForgeKind> {
        let host = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .split(['/', ':'])
            .next()?
            .to_ascii_lowercase();
        let first = host.split('.').next().unwrap_or_default();
        match host.as_str() {
            "github.com" => Some(ForgeKind::Github),
            "gitlab.com" | "framagit.org" => Some(ForgeKind::Gitlab),
            "codeberg.org" => Some(ForgeKind::Forgejo),
            _ if first == "gitlab" => Some(ForgeKind::Gitlab),
            _ if first == "forgejo" || first == "gitea" => Some(ForgeKind::Forgejo),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ForgeKind::Github => "github",
            ForgeKind::Gitlab => "gitlab",
            ForgeKind::Forgejo => "forgejo",
        }
    }
}

/// A page of the forge to open with a query string built in the browser (the base and the names
/// of its parameters): pages give these to their script as data attributes.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FormTarget {
    pub base: String,
    /// Parameter holding the file name / the issue title.
    pub name_param: String,
    /// Parameter holding the file content / the issue body.
    pub text_param: String,
    /// Parameter for a commit message (GitLab only), if any.
    pub message_param: Option<String>,
}

impl Forge {
    fn repo(&self) -> &str {
        self.url.trim_end_matches('/')
    }

    /// Whether `url` is a web address mallette can link to.
    pub fn url_is_valid(&self) -> bool {
        self.url.starts_with("https://") || self.url.starts_with("http://")
    }

    /// The forge's page that edits the file at `path` (instance-relative).
    pub fn edit_url(&self, path: &str) -> String {
        let (repo, branch) = (self.repo(), &self.branch);
        match self.kind {
            ForgeKind::Github => format!("{repo}/edit/{branch}/{path}"),
            ForgeKind::Gitlab => format!("{repo}/-/edit/{branch}/{path}"),
            ForgeKind::Forgejo => format!("{repo}/_edit/{branch}/{path}"),
        }
    }

    /// The forge's "new file" page in `dir` (e.g. `content/kits`), and its parameters.
    pub fn new_file(&self, dir: &str) -> FormTarget {
        let (repo, branch) = (self.repo(), &self.branch);
        match self.kind {
            ForgeKind::Github => FormTarget {
                base: format!("{repo}/new/{branch}/{dir}"),
                name_param: "filename".into(),
                text_param: "value".into(),
                message_param: None,
            },
            ForgeKind::Gitlab => FormTarget {
                base: format!("{repo}/-/new/{branch}/{dir}"),
                name_param: "file_name".into(),
                text_param: "content".into(),
                message_param: Some("commit_message".into()),
            },
            ForgeKind::Forgejo => FormTarget {
                base: format!("{repo}/_new/{branch}/{dir}/"),
                name_param: "filename".into(),
                text_param: "value".into(),
                message_param: None,
            },
        }
    }

    /// The forge's "new issue" page, and its parameters (title, body).
    pub fn new_issue(&self) -> FormTarget {
        let repo = self.repo();
        match self.kind {
            ForgeKind::Github => FormTarget {
                base: format!("{repo}/issues/new"),
                name_param: "title".into(),
                text_param: "body".into(),
                message_param: None,
            },
            ForgeKind::Gitlab => FormTarget {
                base: format!("{repo}/-/issues/new"),
                name_param: "issue[title]".into(),
                text_param: "issue[description]".into(),
                message_param: None,
            },
            ForgeKind::Forgejo => FormTarget {
                base: format!("{repo}/issues/new"),
                name_param: "title".into(),
                text_param: "body".into(),
                message_param: None,
            },
        }
    }
}

impl FormTarget {
    /// The full address with `name` and `text` (and `message`) filled in.
    pub fn url(&self, name: &str, text: &str, message: Option<&str>) -> String {
        let mut url = format!(
            "{}?{}={}&{}={}",
            self.base,
            encode(&self.name_param),
            encode(name),
            encode(&self.text_param),
            encode(text)
        );
        if let (Some(param), Some(message)) = (&self.message_param, message) {
            url.push_str(&format!("&{}={}", encode(param), encode(message)));
        }
        url
    }
}

/// Percent-encoding of a query component (RFC 3986 unreserved characters kept).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forge(kind: ForgeKind) -> Forge {
        Forge {
            kind,
            url: "https://forge.example/reseau/wiki/".into(),
            branch: "main".into(),
        }
    }

    #[test]
    fn each_forge_has_its_own_pages() {
        assert_eq!(
            forge(ForgeKind::Github)
                .new_file("content/kits")
                .url("x.md", "a b", None),
            "https://forge.example/reseau/wiki/new/main/content/kits?filename=x.md&value=a%20b"
        );
        assert_eq!(
            forge(ForgeKind::Gitlab)
                .new_file("content/kits")
                .url("x.md", "é", Some("Nouveau kit")),
            "https://forge.example/reseau/wiki/-/new/main/content/kits?file_name=x.md&content=%C3%A9&commit_message=Nouveau%20kit"
        );
        assert_eq!(
            forge(ForgeKind::Forgejo).new_file("content/kits").base,
            "https://forge.example/reseau/wiki/_new/main/content/kits/"
        );
        assert_eq!(
            forge(ForgeKind::Gitlab).new_issue().url("T", "B", None),
            "https://forge.example/reseau/wiki/-/issues/new?issue%5Btitle%5D=T&issue%5Bdescription%5D=B"
        );
        assert_eq!(
            forge(ForgeKind::Forgejo).edit_url("content/kits/x.md"),
            "https://forge.example/reseau/wiki/_edit/main/content/kits/x.md"
        );
    }
}
