//! Short names between the WebAssembly and its JavaScript glue. wasm-bindgen names every import
//! `__wbg_{name}_{hash}` and every closure shim after its full Rust type, and both files carry each
//! name: about 150 names, 5 kB raw, whose hashes brotli cannot compress (3.7 kB of the page when
//! measured). The page needs none of them to be readable, so the release build renames each
//! function import and each long export to a short one, in the module and in the glue alike.

use anyhow::{Context, Result, bail};

/// The module and its glue with short names; the names nothing else can see (imports keyed in
/// the glue's import object, exports read as `wasm.{name}`).
pub fn shorten(module: &[u8], glue: &str) -> Result<(Vec<u8>, String)> {
    if module.get(..8) != Some(b"\0asm\x01\0\0\0") {
        bail!("not a WebAssembly module");
    }
    let mut out = module[..8].to_vec();
    let mut renamed: Vec<(String, String, Use)> = Vec::new();
    let mut at = 8;
    while at < module.len() {
        let id = module[at];
        at += 1;
        let size = leb(module, &mut at)?;
        let body = module
            .get(at..at + size)
            .context("a section runs past the module's end")?;
        at += size;
        let body = match id {
            2 => imports(body, &mut renamed)?,
            7 => exports(body, &mut renamed)?,
            _ => body.to_vec(),
        };
        out.push(id);
        put_leb(&mut out, body.len());
        out.extend(body);
    }
    let mut glue = glue.to_owned();
    for (old, new, used) in &renamed {
        let (before, after) = match used {
            Use::Key => ("", ":"),
            Use::Member => ("wasm.", ""),
        };
        glue = replace_token(&glue, before, old, after, new);
        if still_named(&glue, old) {
            bail!("the glue reaches {old} in a way this build does not rename");
        }
    }
    Ok((out, glue))
}

/// How the glue refers to a name.
enum Use {
    /// A key of the import object: `{name}: function…`.
    Key,
    /// An export: `wasm.{name}`.
    Member,
}

/// The `n`th short name: `a`…`z`, `A`…`Z`, `ba`, …
fn short(mut n: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(ALPHABET[n % ALPHABET.len()]);
        n /= ALPHABET.len();
        if n == 0 {
            break;
        }
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

fn imports(body: &[u8], renamed: &mut Vec<(String, String, Use)>) -> Result<Vec<u8>> {
    let mut at = 0;
    let count = leb(body, &mut at)?;
    let mut out = Vec::new();
    put_leb(&mut out, count);
    for _ in 0..count {
        let module = name(body, &mut at)?;
        let field = name(body, &mut at)?;
        let kind = *body.get(at).context("truncated import")?;
        at += 1;
        if kind != 0 {
            bail!("import {field} is not a function (kind {kind})");
        }
        let ty = leb(body, &mut at)?;
        let new = short(renamed.len());
        put_name(&mut out, &module);
        put_name(&mut out, &new);
        out.push(0);
        put_leb(&mut out, ty);
        renamed.push((field, new, Use::Key));
    }
    Ok(out)
}

fn exports(body: &[u8], renamed: &mut Vec<(String, String, Use)>) -> Result<Vec<u8>> {
    let mut at = 0;
    let count = leb(body, &mut at)?;
    let mut out = Vec::new();
    put_leb(&mut out, count);
    for _ in 0..count {
        let field = name(body, &mut at)?;
        let kind = *body.get(at).context("truncated export")?;
        at += 1;
        let index = leb(body, &mut at)?;
        // Short ones (`memory`, `main`) stay: renaming saves nothing and they are common words.
        let new = if field.len() > 12 {
            let new = format!("_{}", short(renamed.len()));
            renamed.push((field, new.clone(), Use::Member));
            new
        } else {
            field
        };
        put_name(&mut out, &new);
        out.push(kind);
        put_leb(&mut out, index);
    }
    Ok(out)
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `text` with every `{before}{old}{after}` where `old` is a whole identifier made
/// `{before}{new}{after}`.
fn replace_token(text: &str, before: &str, old: &str, after: &str, new: &str) -> String {
    let pattern = format!("{before}{old}{after}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(&pattern) {
        let head = &rest[..i];
        let end = i + pattern.len();
        let whole_before = before.is_empty() && !head.chars().next_back().is_some_and(is_ident)
            || !before.is_empty()
                && !head
                    .chars()
                    .next_back()
                    .is_some_and(|c| is_ident(c) || c == '.');
        let whole_after = !after.is_empty() || !rest[end..].chars().next().is_some_and(is_ident);
        out.push_str(head);
        if whole_before && whole_after {
            out.push_str(before);
            out.push_str(new);
            out.push_str(after);
        } else {
            out.push_str(&pattern);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Whether `text` still reaches the module's `name`: as a member (`x.name`), a string
/// (`"name"`) or a key (`name:`). A bare identifier is a JavaScript binding of the glue's own
/// (wasm-bindgen wraps some exports in functions of the same name), which minifying renames.
fn still_named(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        if before.is_some_and(is_ident) || after.is_some_and(is_ident) {
            return false;
        }
        matches!(before, Some('.' | '"' | '\'' | '`')) || after == Some(':')
    })
}

fn leb(bytes: &[u8], at: &mut usize) -> Result<usize> {
    let (mut value, mut shift) = (0usize, 0);
    loop {
        let byte = *bytes.get(*at).context("truncated module")?;
        *at += 1;
        value |= usize::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
        shift += 7;
        if shift > 35 {
            bail!("malformed LEB128 number");
        }
    }
}

fn put_leb(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn name(bytes: &[u8], at: &mut usize) -> Result<String> {
    let len = leb(bytes, at)?;
    let raw = bytes.get(*at..*at + len).context("truncated name")?;
    *at += len;
    String::from_utf8(raw.to_vec()).context("a name is not UTF-8")
}

fn put_name(out: &mut Vec<u8>, name: &str) {
    put_leb(out, name.len());
    out.extend(name.as_bytes());
}

/// The names a module exports, from its export section.
pub fn export_names(module: &[u8]) -> Result<Vec<String>> {
    if module.get(..4) != Some(b"\0asm") {
        bail!("not a WebAssembly module");
    }
    let mut at = 8;
    while at < module.len() {
        let id = module[at];
        at += 1;
        let size = leb(module, &mut at)?;
        let end = at + size;
        if id != 7 {
            at = end;
            continue;
        }
        let mut names = Vec::new();
        for _ in 0..leb(module, &mut at)? {
            names.push(name(module, &mut at)?);
            at += 1; // the kind
            leb(module, &mut at)?; // the index
        }
        return Ok(names);
    }
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (module (import "./g.js" "__wbg_log_0123456789abcdef" (func)) (func) (memory 1)
    ///   (export "memory" (memory 0)) (export "__wbindgen_start_long" (func 1)))
    fn module() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([1, 4, 1, 0x60, 0, 0]); // one type: () -> ()
        let mut imports = vec![1u8];
        put_name(&mut imports, "./g.js");
        put_name(&mut imports, "__wbg_log_0123456789abcdef");
        imports.extend([0, 0]);
        m.push(2);
        put_leb(&mut m, imports.len());
        m.extend(imports);
        m.extend([3, 2, 1, 0]); // one function
        m.extend([5, 3, 1, 0, 1]); // one memory
        let mut exports = vec![2u8];
        put_name(&mut exports, "memory");
        exports.extend([2, 0]);
        put_name(&mut exports, "__wbindgen_start_long");
        exports.extend([0, 1]);
        m.push(7);
        put_leb(&mut m, exports.len());
        m.extend(exports);
        m.extend([10, 4, 1, 2, 0, 0x0b]); // the function's body
        m
    }

    #[test]
    fn names_shrink_in_the_module_and_the_glue_alike() {
        let glue = "const i = { __proto__: null, __wbg_log_0123456789abcdef: function() {} };\n\
                    wasm.memory.buffer; wasm.__wbindgen_start_long();";
        let (module, glue) = shorten(&module(), glue).expect("shortened");
        assert_eq!(
            glue,
            "const i = { __proto__: null, a: function() {} };\n\
             wasm.memory.buffer; wasm._b();"
        );
        assert_eq!(export_names(&module).expect("exports"), ["memory", "_b"]);
        let text = String::from_utf8_lossy(&module);
        assert!(text.contains("./g.js") && !text.contains("__wbg_log"));
    }

    #[test]
    fn a_name_the_glue_uses_otherwise_stops_the_build() {
        let glue = "const i = { __wbg_log_0123456789abcdef: f }; wasm.__wbindgen_start_long();";
        let bare = format!("{glue} function __wbindgen_start_long() {{}}");
        assert!(
            shorten(&module(), &bare).is_ok(),
            "a binding of the glue's own"
        );
        for reach in [
            "instance.exports.__wbindgen_start_long()",
            "get('__wbindgen_start_long')",
        ] {
            assert!(
                shorten(&module(), &format!("{glue} {reach}")).is_err(),
                "{reach}"
            );
        }
        assert!(shorten(b"not wasm", "").is_err());
    }

    #[test]
    fn short_names_count_up() {
        assert_eq!(
            [0, 25, 26, 51, 52, 53].map(short),
            ["a", "z", "A", "Z", "ba", "bb"]
        );
    }
}
