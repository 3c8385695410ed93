//! The HTML oracle of the tests, the quality gates and the fuzz checks: html5ever's tokenizer
//! (the WHATWG algorithm browsers follow), never a hand-written scanner. It reads a page as a
//! browser without JavaScript would: the content of `<script>`, `<style>`, `<textarea>`,
//! `<title>`… is text, attribute values are entity-decoded, comments are skipped.
#![allow(dead_code)]

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// A start tag: lower-case name and attributes (lower-case names, decoded values).
#[derive(Debug, Clone, PartialEq)]
pub struct StartTag {
    pub name: String,
    pub attributes: Vec<(String, String)>,
}

impl StartTag {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The tag written back, for messages.
    pub fn source(&self) -> String {
        let mut out = format!("<{}", self.name);
        for (name, value) in &self.attributes {
            out.push_str(&format!(" {name}=\"{}\"", value.replace('"', "&quot;")));
        }
        out.push('>');
        out
    }
}

/// What the oracle reads of a document.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Every start tag, in order.
    pub tags: Vec<StartTag>,
    /// The text of each `<style>` element.
    pub styles: Vec<String>,
    /// The text of each element named by [`parse_with_texts`], in document order of their start.
    pub texts: Vec<String>,
}

#[derive(Default)]
struct Sink {
    parsed: RefCell<Parsed>,
    /// Element whose text is collected, and the depth of open elements of that name.
    collect: Option<String>,
    open: RefCell<Vec<usize>>,
    in_style: RefCell<Option<String>>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                match tag.kind {
                    TagKind::StartTag => {
                        let attributes = tag
                            .attrs
                            .iter()
                            .map(|a| (a.name.local.to_string(), a.value.to_string()))
                            .collect();
                        self.parsed.borrow_mut().tags.push(StartTag {
                            name: name.clone(),
                            attributes,
                        });
                        if self.collect.as_deref() == Some(name.as_str()) && !tag.self_closing {
                            let mut parsed = self.parsed.borrow_mut();
                            parsed.texts.push(String::new());
                            self.open.borrow_mut().push(parsed.texts.len() - 1);
                        }
                        if tag.self_closing {
                            return TokenSinkResult::Continue;
                        }
                        match name.as_str() {
                            "style" => {
                                *self.in_style.borrow_mut() = Some(String::new());
                                TokenSinkResult::RawData(RawKind::Rawtext)
                            }
                            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                            "xmp" | "iframe" | "noembed" | "noframes" => {
                                TokenSinkResult::RawData(RawKind::Rawtext)
                            }
                            "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
                            "plaintext" => TokenSinkResult::Plaintext,
                            _ => TokenSinkResult::Continue,
                        }
                    }
                    TagKind::EndTag => {
                        if name == "style" {
                            if let Some(style) = self.in_style.borrow_mut().take() {
                                self.parsed.borrow_mut().styles.push(style);
                            }
                        }
                        if self.collect.as_deref() == Some(name.as_str()) {
                            self.open.borrow_mut().pop();
                        }
                        TokenSinkResult::Continue
                    }
                }
            }
            Token::CharacterTokens(text) => {
                self.characters(&text);
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

impl Sink {
    fn characters(&self, text: &StrTendril) {
        if let Some(style) = self.in_style.borrow_mut().as_mut() {
            style.push_str(text);
        }
        let open = self.open.borrow();
        let mut parsed = self.parsed.borrow_mut();
        for &i in open.iter() {
            parsed.texts[i].push_str(text);
        }
    }
}

fn run(html: &str, collect: Option<&str>) -> Parsed {
    let sink = Sink {
        collect: collect.map(str::to_string),
        ..Sink::default()
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.parsed.take()
}

/// Start tags and `<style>` texts of `html`.
pub fn parse(html: &str) -> Parsed {
    run(html, None)
}

/// [`parse`], also collecting the text content of every `element` (e.g. `code`).
pub fn parse_with_texts(html: &str, element: &str) -> Parsed {
    run(html, Some(element))
}

/// Every start tag of `html`.
pub fn start_tags(html: &str) -> Vec<StartTag> {
    parse(html).tags
}

/// The text content of every `element` of `html`, as a browser shows it.
pub fn texts_of(html: &str, element: &str) -> Vec<String> {
    parse_with_texts(html, element).texts
}

/// Start tags carrying an `on…` attribute (an event handler), written back.
pub fn tags_with_event_handlers(html: &str) -> Vec<String> {
    start_tags(html)
        .into_iter()
        .filter(|t| t.attributes.iter().any(|(n, _)| n.starts_with("on")))
        .map(|t| t.source())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_a_browser_does() {
        let html = r#"<p title="a>b" onclick=x>t</p><script>"<img onerror=1>"</script><!-- <img onload=2> --><code>&lt;a href="/x"&gt;</code>"#;
        assert_eq!(
            tags_with_event_handlers(html),
            ["<p title=\"a>b\" onclick=\"x\">"]
        );
        assert_eq!(texts_of(html, "code"), [r#"<a href="/x">"#]);
    }
}
