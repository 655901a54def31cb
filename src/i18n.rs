//! The person's language. Every string a person reads lives in `i18n/<tag>.json` (keyed, with
//! `{placeholders}` and CLDR plural forms), loaded at run time; the WebAssembly knows only the keys
//! (generated from `i18n/en.json` by build.rs, so an unknown key does not compile) and the three
//! strings it needs when no language file arrives at all. Plural categories come from the
//! browser's own CLDR data (`Intl.PluralRules`), so no plural tables ship with the page.

use std::cell::RefCell;
use std::rc::Rc;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::json::{Obj, Text, decode};

/// The message keys (`k::CODE_TITLE` is `"code.title"`).
pub mod k {
    include!(concat!(env!("OUT_DIR"), "/keys.rs"));
}

/// What the page says when no language file could be read at all.
pub const NO_TEXTS_TITLE: &str = "Couldn't load this page";
/// Its explanation.
pub const NO_TEXTS_BODY: &str =
    "The page's texts didn't arrive. Check your connection and try again.";
/// Its button.
pub const NO_TEXTS_RETRY: &str = "Try again";

/// One message: a text, or its plural forms by CLDR category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// A text, `{placeholders}` included.
    Text(String),
    /// `(category, text)` pairs: `one`, `few`, `other`, …
    Plural(Vec<(String, String)>),
}

/// A language's messages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    /// The BCP 47 tag (`ar`, `pt-BR`).
    pub tag: String,
    /// Written right to left.
    pub rtl: bool,
    messages: Vec<(String, Message)>,
}

#[derive(Deserialize)]
struct File {
    locale: Text,
    #[serde(default)]
    dir: Text,
    #[serde(default)]
    messages: Messages,
}

/// `messages`: keys to texts or to objects of plural forms, or (as the build ships them) an array
/// of those in `en.json`'s key order; anything else is skipped, and so is markup (a language file
/// is text only).
#[derive(Default)]
struct Messages(Vec<(String, Message)>);

/// One message value as the file has it.
struct Value(Option<Message>);

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Option<Message>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a message")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(plain(s).map(|s| Message::Text(s.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Self::Value, E> {
                self.visit_str(&s)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut forms = Vec::new();
                while let Some(category) = map.next_key::<String>()? {
                    if let Text(Some(text)) = map.next_value()?
                        && plain(&text).is_some()
                    {
                        forms.push((category, text));
                    }
                }
                Ok((!forms.is_empty()).then_some(Message::Plural(forms)))
            }
        }
        Ok(Value(d.deserialize_any(V).ok().flatten()))
    }
}

/// A text without markup characters, or nothing.
fn plain(s: &str) -> Option<&str> {
    (!s.contains(['<', '>'])).then_some(s)
}

impl<'de> Deserialize<'de> for Messages {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<(String, Message)>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of messages")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut messages = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if let Value(Some(message)) = map.next_value()? {
                        messages.push((key, message));
                    }
                }
                Ok(messages)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut messages = Vec::new();
                for key in k::ALL {
                    match seq.next_element::<Value>()? {
                        Some(Value(Some(message))) => messages.push(((*key).to_owned(), message)),
                        Some(Value(None)) => {}
                        None => break,
                    }
                }
                Ok(messages)
            }
        }
        Ok(Messages(d.deserialize_any(V).unwrap_or_default()))
    }
}

impl Catalog {
    /// Reads a language file; `None` when it is not one.
    pub fn parse(json: &str) -> Option<Catalog> {
        let file = decode::<Obj<File>>(json).ok()?.0?;
        Some(Catalog {
            tag: file.locale.0?,
            rtl: file.dir.0.as_deref() == Some("rtl"),
            messages: file.messages.0,
        })
    }

    fn get(&self, key: &str) -> Option<&Message> {
        self.messages.iter().find(|(k, _)| k == key).map(|(_, m)| m)
    }

    /// The keys of `keys` this catalog lacks.
    pub fn missing<'a>(&self, keys: &[&'a str]) -> Vec<&'a str> {
        keys.iter()
            .copied()
            .filter(|k| self.get(k).is_none())
            .collect()
    }

    /// Takes from `other` every message this catalog lacks (English fills a partial file).
    pub fn fill_from(&mut self, other: Catalog) {
        for (key, message) in other.messages {
            if self.get(&key).is_none() {
                self.messages.push((key, message));
            }
        }
    }

    /// A message with its placeholders filled (a plural message in its `other` form).
    pub fn text(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.counted(key, None, args)
    }

    /// A plural message for `count` (which also fills `{count}`), placeholders filled.
    pub fn plural(&self, key: &str, count: u32, args: &[(&str, &str)]) -> String {
        let n = count.to_string();
        let mut all = vec![("count", n.as_str())];
        all.extend_from_slice(args);
        self.counted(key, Some(count), &all)
    }

    fn counted(&self, key: &str, count: Option<u32>, args: &[(&str, &str)]) -> String {
        let template = match self.get(key) {
            Some(Message::Text(text)) => text.as_str(),
            Some(Message::Plural(forms)) => {
                let category = count.map(|n| plural_category(&self.tag, n));
                let form = |c: &str| forms.iter().find(|(f, _)| f == c);
                category
                    .as_deref()
                    .and_then(form)
                    .or_else(|| form("other"))
                    .map_or("", |(_, t)| t.as_str())
            }
            // A key no file has: never shown raw; the English file fills every key (see
            // `fill_from`), so this only happens when no file could be read at all.
            None => "",
        };
        fill(template, args)
    }
}

/// Replaces `{name}` with its value; unknown placeholders stay as written.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text before and after `{name}` in a message, for putting markup (a bold name, a live
/// clock) where the translation puts the placeholder.
pub fn around(text: &str, name: &str) -> (String, String) {
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|i| from + i) {
        let rest = &text[open + 1..];
        if rest.starts_with(name) && rest[name.len()..].starts_with('}') {
            return (text[..open].to_owned(), rest[name.len() + 1..].to_owned());
        }
        from = open + 1;
    }
    (text.to_owned(), String::new())
}

/// The CLDR plural category of `n` in a language, from the browser's `Intl.PluralRules`.
#[cfg(target_arch = "wasm32")]
fn plural_category(tag: &str, n: u32) -> String {
    let locales = js_sys::Array::of1(&tag.into());
    js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new())
        .select(f64::from(n))
        .into()
}

/// Natively (tests), English's rule.
#[cfg(not(target_arch = "wasm32"))]
fn plural_category(_tag: &str, n: u32) -> String {
    if n == 1 { "one" } else { "other" }.to_owned()
}

thread_local! {
    static CURRENT: RefCell<Rc<Catalog>> = RefCell::new(Rc::new(Catalog::default()));
}

/// Makes `catalog` the page's language.
pub fn set(catalog: Catalog) {
    CURRENT.with(|c| *c.borrow_mut() = Rc::new(catalog));
}

/// The page's language.
pub fn current() -> Rc<Catalog> {
    CURRENT.with(|c| Rc::clone(&c.borrow()))
}

/// A message in the page's language.
pub fn t(key: &str) -> String {
    current().text(key, &[])
}

/// A message in the page's language, placeholders filled.
pub fn tf(key: &str, args: &[(&str, &str)]) -> String {
    current().text(key, args)
}

/// A plural message in the page's language for `count`, placeholders filled.
pub fn tp(key: &str, count: u32, args: &[(&str, &str)]) -> String {
    current().plural(key, count, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{"locale":"xx","name":"Xx","dir":"rtl","messages":{
        "a":"Hello {name}, {name}!","tries":{"one":"{count} try","few":"{count} tries (few)","other":"{count} tries"},
        "bad":"<b>no</b>","num":5,"empty":{"one":"<i>"}}}"#;

    #[test]
    fn reads_a_file_and_skips_what_is_not_text() {
        let c = Catalog::parse(FILE).expect("a catalog");
        assert_eq!((c.tag.as_str(), c.rtl), ("xx", true));
        assert_eq!(c.text("a", &[("name", "Ada")]), "Hello Ada, Ada!");
        assert_eq!(c.plural("tries", 1, &[]), "1 try");
        assert_eq!(c.plural("tries", 3, &[]), "3 tries");
        assert_eq!(c.text("tries", &[("count", "n")]), "n tries");
        assert_eq!(
            c.missing(&["a", "bad", "num", "empty", "tries"]),
            vec!["bad", "num", "empty"]
        );
        assert_eq!(Catalog::parse(r#"{"name":"no tag"}"#), None);
        assert_eq!(Catalog::parse("<html>"), None);
    }

    #[test]
    fn reads_the_shipped_form_in_english_key_order() {
        let mut items = vec!["\"Eins\"".to_owned(); k::ALL.len()];
        items[1] = "null".into();
        let shipped = format!(
            r#"{{"locale":"de","name":"Deutsch","dir":"ltr","messages":[{}]}}"#,
            items.join(",")
        );
        let c = Catalog::parse(&shipped).expect("a catalog");
        assert_eq!(c.text(k::ALL[0], &[]), "Eins");
        assert_eq!(c.missing(k::ALL), vec![k::ALL[1]]);
    }

    #[test]
    fn english_fills_what_a_file_lacks() {
        let mut c = Catalog::parse(FILE).expect("a catalog");
        let en =
            Catalog::parse(r#"{"locale":"en","messages":{"a":"Hi","bad":"Plain"}}"#).expect("en");
        c.fill_from(en);
        assert_eq!(
            c.text("a", &[("name", "x")]),
            "Hello x, x!",
            "the file's own text wins"
        );
        assert_eq!(c.text("bad", &[]), "Plain");
    }

    #[test]
    fn fills_and_splits_placeholders() {
        assert_eq!(
            fill("{a} and {b} and {c}", &[("a", "1"), ("b", "2")]),
            "1 and 2 and {c}"
        );
        assert_eq!(fill("open { brace", &[]), "open { brace");
        assert_eq!(
            around("Time left: {time} now", "time"),
            ("Time left: ".to_owned(), " now".to_owned())
        );
        assert_eq!(
            around("{app} wants", "app"),
            (String::new(), " wants".to_owned())
        );
    }

    /// The English file is complete and every key the code names exists (build.rs makes the
    /// constants from it, so the second half is what the compiler checks).
    #[test]
    fn english_has_every_key() {
        let en = Catalog::parse(include_str!("../i18n/en.json")).expect("en.json");
        assert_eq!(en.missing(k::ALL), Vec::<&str>::new());
        assert_eq!(en.tag, "en");
    }
}
