//! Reading JSON by path, whichever parser made the document: the browser's own `JSON.parse` in
//! the page, which keeps a JSON library (7 kB of the compressed WebAssembly) out of the download,
//! and `serde_json` natively, where the pure modules' tests run. The two back ends answer the same
//! questions the same way; `tests/web.rs` runs the browser one on the same documents.

/// A parsed JSON document or a part of one.
#[derive(Clone, Debug)]
pub struct Doc(Inner);

#[cfg(target_arch = "wasm32")]
type Inner = wasm_bindgen::JsValue;
#[cfg(not(target_arch = "wasm32"))]
type Inner = serde_json::Value;

impl Doc {
    /// Follows object keys and array indexes (`"0"`); `None` if any is missing or null.
    pub fn path(&self, keys: &[&str]) -> Option<Doc> {
        keys.iter().try_fold(self.clone(), |doc, key| doc.get(key))
    }

    /// A string value, trimmed, when it is one and not blank.
    pub fn text(&self, keys: &[&str]) -> Option<String> {
        let doc = self.path(keys)?;
        let text = doc.string()?;
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }

    /// A whole number that fits in `u32`.
    pub fn count(&self, keys: &[&str]) -> Option<u32> {
        let n = self.path(keys)?.number()?;
        (n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n)).then_some(n as u32)
    }

    /// A boolean value.
    pub fn flag(&self, keys: &[&str]) -> Option<bool> {
        self.path(keys)?.boolean()
    }

    /// The elements of an array (none when it is not one).
    pub fn list(&self, keys: &[&str]) -> Vec<Doc> {
        self.path(keys).map(|d| d.items()).unwrap_or_default()
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Doc {
    /// Parses JSON text.
    pub fn parse(text: &str) -> Result<Doc, String> {
        serde_json::from_str(text)
            .map(Doc)
            .map_err(|e| e.to_string())
    }
    /// Whether this is a JSON object.
    pub fn is_object(&self) -> bool {
        self.0.is_object()
    }
    fn get(&self, key: &str) -> Option<Doc> {
        let value = match (&self.0, key.parse::<usize>()) {
            (serde_json::Value::Array(items), Ok(i)) => items.get(i),
            (value, _) => value.get(key),
        };
        value.filter(|v| !v.is_null()).cloned().map(Doc)
    }
    fn string(&self) -> Option<String> {
        self.0.as_str().map(str::to_owned)
    }
    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn items(&self) -> Vec<Doc> {
        self.0
            .as_array()
            .map(|a| a.iter().cloned().map(Doc).collect())
            .unwrap_or_default()
    }
}

#[cfg(target_arch = "wasm32")]
impl Doc {
    /// Parses JSON text.
    pub fn parse(text: &str) -> Result<Doc, String> {
        js_sys::JSON::parse(text)
            .map(Doc)
            .map_err(|e| js_sys::Error::from(e).message().into())
    }
    /// Whether this is a JSON object.
    pub fn is_object(&self) -> bool {
        self.0.is_object() && !js_sys::Array::is_array(&self.0)
    }
    fn get(&self, key: &str) -> Option<Doc> {
        if js_sys::Array::is_array(&self.0) {
            let index = key.parse::<u32>().ok()?;
            let value = js_sys::Array::from(&self.0).get(index);
            return (!value.is_null() && !value.is_undefined()).then_some(Doc(value));
        }
        if !self.is_object() {
            return None;
        }
        let object: &js_sys::Object = wasm_bindgen::JsCast::unchecked_ref(&self.0);
        if !js_sys::Object::has_own(object, &key.into()) {
            return None;
        }
        let value = js_sys::Reflect::get(&self.0, &key.into()).ok()?;
        (!value.is_null() && !value.is_undefined()).then_some(Doc(value))
    }
    fn string(&self) -> Option<String> {
        self.0.as_string()
    }
    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn items(&self) -> Vec<Doc> {
        if js_sys::Array::is_array(&self.0) {
            js_sys::Array::from(&self.0).iter().map(Doc).collect()
        } else {
            Vec::new()
        }
    }
}

/// A JSON string literal for `s`, quotes included.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// serde_json is a native-only dependency; tests/web.rs runs the browser back end.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn reads_by_path_and_type() {
        let doc = Doc::parse(
            r#"{"a":{"b":" x ","n":3,"f":1.5,"neg":-1,"t":true,"z":null,"e":""},"l":[{"k":"v"},2]}"#,
        )
        .expect("json");
        assert!(doc.is_object());
        assert_eq!(doc.text(&["a", "b"]).as_deref(), Some("x"));
        assert_eq!(doc.text(&["a", "e"]), None);
        assert_eq!(doc.text(&["a", "n"]), None);
        assert_eq!(doc.text(&["a", "missing"]), None);
        assert_eq!(doc.text(&["a", "b", "deeper"]), None);
        assert_eq!(doc.count(&["a", "n"]), Some(3));
        assert_eq!(doc.count(&["a", "f"]), None);
        assert_eq!(doc.count(&["a", "neg"]), None);
        assert_eq!(doc.flag(&["a", "t"]), Some(true));
        assert!(doc.path(&["a", "z"]).is_none());
        let list = doc.list(&["l"]);
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].text(&["k"]).as_deref(), Some("v"));
        assert_eq!(doc.text(&["l", "0", "k"]).as_deref(), Some("v"));
        assert_eq!(doc.count(&["l", "1"]), Some(2));
        assert!(doc.path(&["l", "2"]).is_none());
        assert!(doc.path(&["a", "0"]).is_none());
        assert!(doc.list(&["a"]).is_empty());
        assert!(!Doc::parse("[1]").expect("json").is_object());
        assert!(Doc::parse("{").is_err());
    }

    #[test]
    fn quotes_strings_as_json() {
        let cases = [
            ("ada", r#""ada""#),
            (r#"p"w\d"#, r#""p\"w\\d""#),
            ("a\nb\u{1}", r#""a\nb\u0001""#),
            ("Ünïcødé ✓", "\"Ünïcødé ✓\""),
        ];
        for (input, want) in cases {
            assert_eq!(quote(input), want);
            let back: String = serde_json::from_str(&quote(input)).expect("valid JSON");
            assert_eq!(back, input);
        }
    }
}
