//! The page's languages (`i18n/<tag>.json`): checked against English and CLDR, compiled into the
//! form the page ships, and the two pseudo-locales the layout tests use.
//!
//! The checks: every file has exactly English's keys; each message keeps English's
//! `{placeholders}`; each plural message has exactly the CLDR plural categories its language
//! needs; the file's direction is CLDR's for its script; no message is English's unless the file
//! lists it in `same`; no markup; at most [`MAX_SHIPPED_BROTLI`] bytes as shipped. CLDR's facts
//! come from the `cldr-core` npm package that `cargo xtask setup` installs, never from a table of
//! ours.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};

/// The most a language file may weigh as shipped (minified, messages as an array), brotli.
pub const MAX_SHIPPED_BROTLI: usize = 3000;

/// The CLDR facts the checks need.
pub struct Cldr {
    plurals: Map<String, Value>,
    likely: Map<String, Value>,
    scripts: Map<String, Value>,
}

impl Cldr {
    /// Reads `cldr-core`'s JSON from its npm folder.
    pub fn load(package: &Path) -> Result<Cldr> {
        let read = |rel: &str| -> Result<Value> {
            let path = package.join(rel);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {} (run `cargo xtask setup`)", path.display()))?;
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
        };
        let object = |v: &Value, path: &[&str]| -> Result<Map<String, Value>> {
            path.iter()
                .try_fold(v, |v, k| v.get(k))
                .and_then(Value::as_object)
                .cloned()
                .with_context(|| format!("cldr-core has no {}", path.join(".")))
        };
        Ok(Cldr {
            plurals: object(
                &read("supplemental/plurals.json")?,
                &["supplemental", "plurals-type-cardinal"],
            )?,
            likely: object(
                &read("supplemental/likelySubtags.json")?,
                &["supplemental", "likelySubtags"],
            )?,
            scripts: object(&read("scriptMetadata.json")?, &["scriptMetadata"])?,
        })
    }

    /// The plural categories of a language: the tag's own rules, else its parent's (`pt-PT`,
    /// then `pt`).
    pub fn plural_categories(&self, tag: &str) -> Option<BTreeSet<String>> {
        let mut t = tag;
        loop {
            if let Some(rules) = self.plurals.get(t).and_then(Value::as_object) {
                return Some(
                    rules
                        .keys()
                        .map(|k| k.trim_start_matches("pluralRule-count-").to_owned())
                        .collect(),
                );
            }
            t = t.rsplit_once('-')?.0;
        }
    }

    /// `rtl` or `ltr`: the direction of the tag's script (its own, else the likely one).
    pub fn direction(&self, tag: &str) -> Option<&'static str> {
        let parts: Vec<&str> = tag.split('-').collect();
        let script = match parts.iter().skip(1).find(|p| p.len() == 4) {
            Some(s) => (*s).to_owned(),
            None => {
                let likely = self
                    .likely
                    .get(tag)
                    .or_else(|| self.likely.get(parts[0]))?
                    .as_str()?;
                likely.split('-').nth(1)?.to_owned()
            }
        };
        let rtl = self.scripts.get(&script)?.get("rtl")?.as_str()? == "YES";
        Some(if rtl { "rtl" } else { "ltr" })
    }
}

/// The `{names}` in a text.
fn placeholders(text: &str) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_alphabetic()) => {
                names.insert(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    names
}

/// A parsed language file.
struct File {
    name: String,
    doc: Value,
}

fn read(path: &Path) -> Result<File> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let doc =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    Ok(File {
        name: path.display().to_string(),
        doc,
    })
}

fn messages(file: &File) -> Result<&Map<String, Value>> {
    file.doc
        .get("messages")
        .and_then(Value::as_object)
        .with_context(|| format!("{}: no \"messages\" object", file.name))
}

/// Messages for the site's operator (the details of a broken config.json), in English only: a
/// person sees them under a translated "tell the site's operator", and they name config.json's
/// keys. They come last in en.json; other files leave them out.
pub fn is_operator(key: &str) -> bool {
    key.starts_with("operator.")
}

/// The form the page ships: minified, the messages as an array in English's key order.
pub fn shipped(file_doc: &Value, english: &Map<String, Value>) -> Value {
    let own = file_doc.get("messages").and_then(Value::as_object);
    let mut messages: Vec<Value> = english
        .keys()
        .map(|k| own.and_then(|m| m.get(k)).cloned().unwrap_or(Value::Null))
        .collect();
    // The operator's messages come last in en.json and only English has them: no trailing nulls.
    while messages.last().is_some_and(Value::is_null) {
        messages.pop();
    }
    json!({
        "locale": file_doc.get("locale"),
        "dir": file_doc.get("dir"),
        "messages": messages,
    })
}

/// Brotli size, quality 11.
pub fn brotli_len(bytes: &[u8]) -> Result<usize> {
    let mut out = Vec::new();
    let mut reader = std::io::Cursor::new(bytes);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut reader, &mut out, &params).context("brotli")?;
    Ok(out.len())
}

/// Everything wrong with one language file, each naming the file and the key.
fn problems(
    file: &File,
    tag: &str,
    english: &Map<String, Value>,
    cldr: &Cldr,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let name = &file.name;
    let own = messages(file)?;
    let field = |k: &str| file.doc.get(k).and_then(Value::as_str);
    if field("locale") != Some(tag) {
        out.push(format!(
            "{name}: \"locale\" must be \"{tag}\", the file's name"
        ));
    }
    if field("name").is_none_or(str::is_empty) {
        out.push(format!(
            "{name}: \"name\" (the language in its own words) is missing"
        ));
    }
    match cldr.direction(tag) {
        Some(dir) if field("dir") != Some(dir) => {
            out.push(format!(
                "{name}: \"dir\" must be \"{dir}\" (CLDR: the script of {tag})"
            ));
        }
        None => out.push(format!("{name}: CLDR knows no script for {tag}")),
        _ => {}
    }
    let categories = cldr
        .plural_categories(tag)
        .with_context(|| format!("{name}: CLDR has no plural rules for {tag}"))?;
    let same: BTreeSet<&str> = file
        .doc
        .get("same")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for key in english
        .keys()
        .filter(|k| !own.contains_key(*k) && !is_operator(k))
    {
        out.push(format!("{name}: key {key} is missing"));
    }
    for key in own.keys().filter(|k| !english.contains_key(*k)) {
        out.push(format!("{name}: key {key} is not in en.json"));
    }
    for (key, theirs) in own {
        let Some(ours) = english.get(key) else {
            continue;
        };
        let texts: Vec<(Option<&str>, &str)> = match (ours, theirs) {
            (Value::String(_), Value::String(t)) => vec![(None, t.as_str())],
            (Value::Object(_), Value::Object(forms)) => {
                let have: BTreeSet<String> = forms.keys().cloned().collect();
                if have != categories {
                    out.push(format!(
                        "{name}: key {key} has plural forms {have:?}; CLDR's for {tag} are {categories:?}"
                    ));
                }
                forms
                    .iter()
                    .filter_map(|(c, t)| Some((Some(c.as_str()), t.as_str()?)))
                    .collect()
            }
            (Value::Object(_), _) => {
                out.push(format!(
                    "{name}: key {key} must be an object of plural forms"
                ));
                continue;
            }
            _ => {
                out.push(format!("{name}: key {key} must be a string"));
                continue;
            }
        };
        let want = match ours {
            Value::String(s) => placeholders(s),
            other => placeholders(other.get("other").and_then(Value::as_str).unwrap_or("")),
        };
        for (form, text) in texts {
            let got = placeholders(text);
            let at = form
                .map(|f| format!("{key}.{f}"))
                .unwrap_or_else(|| key.clone());
            // A plural form other than "other" may write the number as a word.
            let fine = match form {
                Some(f) if f != "other" => got.is_subset(&want),
                _ => got == want,
            };
            if !fine {
                out.push(format!(
                    "{name}: key {at} has placeholders {got:?}; English has {want:?}"
                ));
            }
            if text.contains(['<', '>']) {
                out.push(format!("{name}: key {at} has markup characters"));
            }
        }
        if tag != "en" && theirs == ours && !same.contains(key.as_str()) {
            out.push(format!(
                "{name}: key {key} is identical to English (translate it, or list it in \"same\")"
            ));
        }
    }
    let size = brotli_len(serde_json::to_string(&shipped(&file.doc, english))?.as_bytes())?;
    if size > MAX_SHIPPED_BROTLI {
        out.push(format!(
            "{name}: {size} bytes brotli as shipped, over {MAX_SHIPPED_BROTLI}"
        ));
    }
    Ok(out)
}

/// The messages boot.js and the lazy modules read by position (`OWN_MESSAGES` in public/boot.js)
/// must be the first keys of en.json, in the same order: the shipped files hold them there.
pub fn check_own_messages(root: &Path) -> Result<()> {
    let boot_path = root.join("public/boot.js");
    let boot = std::fs::read_to_string(&boot_path)
        .with_context(|| format!("reading {}", boot_path.display()))?;
    let list = boot
        .split_once("OWN_MESSAGES = [")
        .and_then(|(_, rest)| rest.split_once("];"))
        .map(|(list, _)| list)
        .with_context(|| format!("{} has no OWN_MESSAGES = [ … ];", boot_path.display()))?;
    let own: Vec<&str> = list
        .split(',')
        .map(|k| k.trim().trim_matches('\''))
        .filter(|k| !k.is_empty())
        .collect();
    let english_file = read(&root.join("i18n/en.json"))?;
    let first: Vec<&str> = messages(&english_file)?
        .keys()
        .take(own.len())
        .map(String::as_str)
        .collect();
    if first != own {
        bail!(
            "public/boot.js OWN_MESSAGES {own:?} must be en.json's first keys, in order; en.json starts with {first:?}"
        );
    }
    Ok(())
}

/// One language as checked: its tag and its shipped size.
pub struct Checked {
    /// The tag.
    pub tag: String,
    /// Brotli bytes as shipped.
    pub shipped_brotli: usize,
}

/// The language files in `dir`, sorted by tag.
fn files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json")
            && let Some(tag) = path.file_stem().and_then(|s| s.to_str())
        {
            out.push((tag.to_owned(), path));
        }
    }
    out.sort();
    Ok(out)
}

/// Checks every file in `dir` against `dir/en.json`; fails naming every problem.
pub fn check(dir: &Path, cldr: &Cldr) -> Result<Vec<Checked>> {
    let english_file = read(&dir.join("en.json"))?;
    let english = messages(&english_file)?;
    let mut all = Vec::new();
    let mut checked = Vec::new();
    for (tag, path) in files(dir)? {
        let file = read(&path)?;
        all.extend(problems(&file, &tag, english, cldr)?);
        checked.push(Checked {
            shipped_brotli: brotli_len(
                serde_json::to_string(&shipped(&file.doc, english))?.as_bytes(),
            )?,
            tag,
        });
    }
    if !all.is_empty() {
        bail!(
            "{} problem(s) in the language files:\n  {}",
            all.len(),
            all.join("\n  ")
        );
    }
    Ok(checked)
}

/// `index.html` with English words in every empty `data-t="key"` element (the code field shown
/// before the WebAssembly, and the picker's label), from `i18n/en.json`: the page can show the
/// field to an English reader without waiting for the language file. A plural message takes its
/// form for 8, the example code's length, as `boot.js`'s `message()` does.
pub fn english_words(index: &str, dir: &Path) -> Result<String> {
    let english_file = read(&dir.join("en.json"))?;
    let english = messages(&english_file)?;
    let mut out = String::with_capacity(index.len() + 1024);
    let mut rest = index;
    // Trunk's minifier drops the quotes where it can: `data-t=code.title`.
    while let Some(at) = rest.find("data-t=") {
        let quoted = rest[at + "data-t=".len()..].starts_with('"');
        let key_start = at + "data-t=".len() + usize::from(quoted);
        let key_len = rest[key_start..]
            .find(|c: char| {
                if quoted {
                    c == '"'
                } else {
                    c.is_whitespace() || c == '>'
                }
            })
            .context("index.html: a data-t attribute is not closed")?;
        let key = &rest[key_start..key_start + key_len];
        let Some(close) = rest[key_start..].find('>') else {
            bail!("index.html: the element with data-t=\"{key}\" is not closed");
        };
        let content = key_start + close + 1;
        out.push_str(&rest[..content]);
        rest = &rest[content..];
        if !rest.starts_with("</") {
            continue; // written by hand: kept
        }
        let text = match english.get(key) {
            Some(Value::String(text)) => text.as_str(),
            Some(Value::Object(forms)) => forms
                .get("other")
                .and_then(Value::as_str)
                .with_context(|| format!("i18n/en.json: {key} has no `other` form"))?,
            _ => bail!("index.html names data-t=\"{key}\", which i18n/en.json lacks"),
        };
        let text = text
            .replace("{count}", "8")
            .replace("{example}", "GKHF-JQBC");
        out.push_str(
            &text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;"),
        );
    }
    out.push_str(rest);
    Ok(out)
}

/// Writes every language into `out` as shipped; returns the tags written. (The picker names each
/// language through the browser's `Intl.DisplayNames`, so no list of names ships.)
pub fn compile(dir: &Path, out: &Path) -> Result<Vec<String>> {
    let english_file = read(&dir.join("en.json"))?;
    let english = messages(&english_file)?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut tags = Vec::new();
    for (tag, path) in files(dir)? {
        let file = read(&path)?;
        let target = out.join(format!("{tag}.json"));
        std::fs::write(
            &target,
            serde_json::to_string(&shipped(&file.doc, english))?,
        )
        .with_context(|| format!("writing {}", target.display()))?;
        tags.push(tag);
    }
    tags.sort();
    Ok(tags)
}

/// Accents and stretches English (`en-XA`, about 40 % longer) or mirrors it right to left
/// (`ar-XB`), keeping every `{placeholder}` intact: layout tests without a translator.
pub fn pseudo(english: &Value, tag: &str) -> Value {
    let rtl = tag == "ar-XB";
    let change = |text: &str| -> String {
        let mut out = String::new();
        let mut in_placeholder = false;
        let mut letters = 0usize;
        for c in text.chars() {
            match c {
                '{' => in_placeholder = true,
                '}' => in_placeholder = false,
                _ => {}
            }
            if in_placeholder || c == '}' || !c.is_ascii_alphabetic() {
                out.push(c);
                continue;
            }
            letters += 1;
            out.push(if rtl { c } else { accent(c) });
            // Every fifth letter doubled, and a filler per word, make text ~40 % longer.
            if !rtl && letters.is_multiple_of(5) {
                out.push(accent(c));
            }
        }
        if rtl {
            format!("\u{202E}{out}\u{202C}")
        } else {
            let words = text.split_whitespace().count();
            format!("⟦{out} {}⟧", "·".repeat(words.div_ceil(2)))
        }
    };
    let map = |v: &Value| -> Value {
        match v {
            Value::String(s) => Value::String(change(s)),
            Value::Object(forms) => Value::Object(
                forms
                    .iter()
                    .map(|(k, t)| (k.clone(), Value::String(change(t.as_str().unwrap_or("")))))
                    .collect(),
            ),
            other => other.clone(),
        }
    };
    let messages: Map<String, Value> = english
        .get("messages")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), map(v))).collect())
        .unwrap_or_default();
    json!({
        "locale": tag,
        "name": if rtl { "Pseudo RTL" } else { "Pseudo accented" },
        "dir": if rtl { "rtl" } else { "ltr" },
        "messages": messages,
    })
}

/// A copy of `dist` for the end-to-end suite, with the pseudo-locales added (they never ship).
pub fn test_dist(root: &Path, dist: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("removing {}", out.display()))?;
    }
    copy_dir(dist, out)?;
    let english_file = read(&root.join("i18n/en.json"))?;
    let english = messages(&english_file)?;
    for tag in ["en-XA", "ar-XB"] {
        let target = out.join("i18n").join(format!("{tag}.json"));
        let file = pseudo(&english_file.doc, tag);
        std::fs::write(&target, serde_json::to_string(&shipped(&file, english))?)
            .with_context(|| format!("writing {}", target.display()))?;
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let path = entry?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)
                .with_context(|| format!("copying {} to {}", path.display(), target.display()))?;
        }
    }
    Ok(())
}

fn accent(c: char) -> char {
    const PLAIN: &str = "aceinousyzACEINOUSYZ";
    const MARKED: &str = "àçéîñöûšýžÀÇÉÎÑÖÛŠÝŽ";
    PLAIN
        .chars()
        .position(|p| p == c)
        .and_then(|i| MARKED.chars().nth(i))
        .unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cldr() -> Option<Cldr> {
        let package = crate::project::tools_dir().join("cldr/node_modules/cldr-core");
        // Installed by `cargo xtask setup`, which `cargo xtask test` runs before any test.
        Cldr::load(&package).ok()
    }

    fn english() -> Map<String, Value> {
        serde_json::from_str::<Value>(
            r#"{"messages":{"a":"Hi {name}","n":{"one":"{count} try","other":"{count} tries"},"b":"Yes"}}"#,
        )
        .expect("json")["messages"]
            .as_object()
            .cloned()
            .expect("object")
    }

    fn file(text: &str) -> File {
        File {
            name: "i18n/xx.json".into(),
            doc: serde_json::from_str(text).expect("json"),
        }
    }

    #[test]
    fn index_html_gets_english_words_where_it_has_none() {
        let dir = std::env::temp_dir().join(format!("xtask-words-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(
            dir.join("en.json"),
            r#"{"locale":"en","messages":{"t":"Codes <& more>","n":{"one":"{count} letter","other":"{count} letters, like {example}"}}}"#,
        )
        .expect("en.json");
        let index = r#"<h1 data-t="t"></h1><p class="x" data-t="n"></p><b data-t="t">Own</b>"#;
        assert_eq!(
            english_words(index, &dir).expect("filled"),
            r#"<h1 data-t="t">Codes &lt;&amp; more&gt;</h1><p class="x" data-t="n">8 letters, like GKHF-JQBC</p><b data-t="t">Own</b>"#
        );
        // As Trunk's minifier writes it.
        assert_eq!(
            english_words("<h2 data-t=t id=x></h2><i data-t=n></i>", &dir).expect("filled"),
            "<h2 data-t=t id=x>Codes &lt;&amp; more&gt;</h2><i data-t=n>8 letters, like GKHF-JQBC</i>"
        );
        let missing = english_words(r#"<i data-t="gone"></i>"#, &dir).expect_err("unknown key");
        assert!(missing.to_string().contains("gone"), "{missing}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_broken_file_is_named_with_its_key() {
        let Some(cldr) = cldr() else {
            eprintln!("cldr-core is not installed: run `cargo xtask setup`");
            return;
        };
        let broken = file(
            r#"{"locale":"ru","name":"Русский","dir":"ltr","messages":{
                "a":"Привет {nom}","n":{"one":"{count} попытка","other":"{count} попыток"}}}"#,
        );
        let found = problems(&broken, "ru", &english(), &cldr).expect("checked");
        let all = found.join("\n");
        assert!(all.contains("i18n/xx.json: key b is missing"), "{all}");
        assert!(all.contains("key a has placeholders {\"nom\"}"), "{all}");
        assert!(all.contains("key n has plural forms"), "{all}");
        assert!(all.contains("\"few\""), "Russian needs few and many: {all}");
        let good = file(
            r#"{"locale":"ru","name":"Русский","dir":"ltr","messages":{"a":"Привет {name}","b":"Да",
                "n":{"one":"{count} попытка","few":"{count} попытки","many":"{count} попыток","other":"{count} попытки"}}}"#,
        );
        assert_eq!(
            problems(&good, "ru", &english(), &cldr).expect("checked"),
            Vec::<String>::new()
        );
        let wrong_way = file(r#"{"locale":"ar","name":"العربية","dir":"ltr","messages":{}}"#);
        let found = problems(&wrong_way, "ar", &english(), &cldr)
            .expect("checked")
            .join("\n");
        assert!(found.contains("\"dir\" must be \"rtl\""), "{found}");
    }

    #[test]
    fn directions_and_plurals_come_from_cldr() {
        let Some(cldr) = cldr() else {
            return;
        };
        for (tag, dir) in [
            ("ar", "rtl"),
            ("he", "rtl"),
            ("fa", "rtl"),
            ("ur", "rtl"),
            ("ja", "ltr"),
            ("zh-Hant", "ltr"),
            ("sr", "ltr"),
        ] {
            assert_eq!(cldr.direction(tag), Some(dir), "{tag}");
        }
        let arabic = cldr.plural_categories("ar").expect("ar");
        assert_eq!(arabic.len(), 6);
        assert!(cldr.plural_categories("pt-PT").is_some());
        assert!(
            cldr.plural_categories("es-419").is_some(),
            "falls back to es"
        );
    }

    #[test]
    fn placeholders_are_found() {
        assert_eq!(
            placeholders("{a} and {b} {not one} {c"),
            ["a", "b"].into_iter().collect()
        );
    }

    #[test]
    fn pseudo_locales_keep_placeholders_and_grow() {
        let en: Value = serde_json::from_str(
            r#"{"messages":{"a":"Sign on to connect your device, {name}.","n":{"one":"{count} try","other":"{count} tries"}}}"#,
        )
        .expect("json");
        let xa = pseudo(&en, "en-XA");
        let a = xa["messages"]["a"].as_str().expect("text");
        assert!(a.contains("{name}"), "{a}");
        assert!(a.chars().count() as f64 >= 1.3 * 38.0, "{a}");
        let xb = pseudo(&en, "ar-XB");
        assert_eq!(xb["dir"], "rtl");
        assert!(
            xb["messages"]["n"]["other"]
                .as_str()
                .expect("text")
                .contains("{count}")
        );
    }
}
