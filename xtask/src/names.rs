//! Short names between the WebAssembly and its JavaScript glue. wasm-bindgen names every import
//! `__wbg_{name}_{hash}` and every closure shim after its full Rust type, and both files carry each
//! name: about 150 names, 5 kB raw, whose hashes brotli cannot compress (3.7 kB of the page when
//! measured). The page needs none of them to be readable, so the release build renames each
//! function import and each long export to a short one, in the module and in the glue alike, and
//! the import module every import repeats (`./device-page_bg.js`) to one letter.

use anyhow::{Context, Result, bail};

/// The module and its glue with short names; the names nothing else can see (imports keyed in
/// the glue's import object, exports read as `wasm.{name}`).
pub fn shorten(module: &[u8], glue: &str) -> Result<(Vec<u8>, String)> {
    let mut renamed: Vec<(String, String, Use)> = Vec::new();
    let mut rewritten = Vec::new();
    for (id, body) in sections(module)? {
        let body = match id {
            // Custom sections (the toolchain's `producers`, `target_features`, wasm-split's
            // marker): no browser reads them.
            0 => continue,
            2 => imports(body, &mut renamed)?,
            7 => exports(body, &mut renamed)?,
            _ => body.to_vec(),
        };
        rewritten.push((id, body));
    }
    let out = assemble(rewritten);
    let imported: Vec<&str> = renamed
        .iter()
        .filter(|r| matches!(r.2, Use::Key))
        .map(|r| r.0.as_str())
        .collect();
    let mut glue = drop_unimported(glue, &imported)?;
    for (old, new, used) in &renamed {
        let (before, after) = match used {
            Use::Key => ("", ":"),
            Use::Member => ("wasm.", ""),
            Use::Module => {
                // The import object's one key for the module, a quoted string.
                let key = format!("\"{old}\":");
                if glue.matches(&key).count() != 1 {
                    bail!("the glue does not key its imports by {old} once");
                }
                glue = glue.replace(&key, &format!("{new}:"));
                if glue.contains(old.as_str()) {
                    bail!(
                        "the glue reaches the import module {old} in a way this build does not rename"
                    );
                }
                continue;
            }
        };
        glue = replace_token(&glue, before, old, after, new);
        if still_named(&glue, old) {
            bail!("the glue reaches {old} in a way this build does not rename");
        }
    }
    Ok((out, glue))
}

/// The glue without the import functions the module no longer imports (the code that called
/// them was pruned): wasm-bindgen writes each as a property of the import object, indented eight
/// spaces (`{name}: function(…) {`), up to the next such property or the object's end.
fn drop_unimported(glue: &str, imported: &[&str]) -> Result<String> {
    // A property's first line: its key, if it is an import function.
    fn import_key(line: &str) -> Option<&str> {
        let rest = line.strip_prefix("        ")?;
        let key = &rest[..rest.find(|c: char| !is_ident(c))?];
        (!key.is_empty() && rest[key.len()..].starts_with(": function(")).then_some(key)
    }
    let mut out = String::with_capacity(glue.len());
    let mut dropping: Option<String> = None;
    for line in glue.split_inclusive('\n') {
        if let Some(key) = import_key(line) {
            dropping = (!imported.contains(&key)).then(|| key.to_owned());
        } else if dropping.is_some()
            && !line.starts_with("         ")
            && !line.starts_with("        }")
        {
            // Neither the property's body nor its closing line: the object has ended.
            dropping = None;
        }
        if dropping.is_none() {
            out.push_str(line);
        }
    }
    for line in glue.lines() {
        if let Some(key) = import_key(line)
            && !imported.contains(&key)
            && out.contains(key)
        {
            bail!("the glue still reaches {key}, which the module no longer imports");
        }
    }
    Ok(out)
}

/// How the glue refers to a name.
enum Use {
    /// A key of the import object: `{name}: function…`.
    Key,
    /// An export: `wasm.{name}`.
    Member,
    /// An import module: the import object's key `"{name}":`.
    Module,
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
    let mut modules: Vec<String> = Vec::new();
    for _ in 0..count {
        let module = name(body, &mut at)?;
        let field = name(body, &mut at)?;
        // Modules are named by their position, in capitals (imports take the small letters).
        let at_module = match modules.iter().position(|m| *m == module) {
            Some(i) => i,
            None => {
                modules.push(module.clone());
                modules.len() - 1
            }
        };
        let module_name = format!("M{}", short(at_module));
        let kind = *body.get(at).context("truncated import")?;
        at += 1;
        if kind != 0 {
            bail!("import {field} is not a function (kind {kind})");
        }
        let ty = leb(body, &mut at)?;
        let new = short(renamed.iter().filter(|r| matches!(r.2, Use::Key)).count());
        put_name(&mut out, &module_name);
        put_name(&mut out, &new);
        out.push(0);
        put_leb(&mut out, ty);
        renamed.push((field, new, Use::Key));
    }
    for (i, module) in modules.into_iter().enumerate() {
        renamed.push((module, format!("M{}", short(i)), Use::Module));
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
            let new = format!(
                "_{}",
                short(
                    renamed
                        .iter()
                        .filter(|r| !matches!(r.2, Use::Module))
                        .count()
                )
            );
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

/// The module with the body of every function whose name (from the `name` section) contains one
/// of `patterns` replaced by `unreachable`, and how many there were. For code the page cannot
/// run but the module's function table keeps: wasm-streams' futures sit in vtables that
/// `call_indirect` might in principle reach, so no optimiser removes them, although only the
/// exports [`page`](crate::page) prunes ever create them. Once stubbed, `wasm-opt` drops
/// everything only they called. Fails without a `name` section (nothing could be matched).
pub fn stub_functions(module: &[u8], patterns: &[&str]) -> Result<(Vec<u8>, usize)> {
    let sections = sections(module)?;
    let mut imported = 0;
    let mut names = None;
    for (id, body) in &sections {
        match id {
            2 => imported = imported_functions(body)?,
            0 => {
                let mut at = 0;
                if name(body, &mut at)? == "name" {
                    names = Some(function_names(&body[at..])?);
                }
            }
            _ => {}
        }
    }
    let names = names.context("the module has no name section to find functions by")?;
    let mut stubbed = 0;
    let mut rewritten = Vec::new();
    for (id, body) in sections {
        let body = if id == 10 {
            let mut at = 0;
            let count = leb(body, &mut at)?;
            let mut code = Vec::new();
            put_leb(&mut code, count);
            for index in imported..imported + count {
                let size = leb(body, &mut at)?;
                let function = body.get(at..at + size).context("truncated function body")?;
                at += size;
                let dead = names
                    .get(&index)
                    .is_some_and(|n| patterns.iter().any(|p| n.contains(p)));
                // No locals, `unreachable`, `end`.
                let function: &[u8] = if dead { &[0x00, 0x00, 0x0b] } else { function };
                stubbed += usize::from(dead);
                put_leb(&mut code, function.len());
                code.extend(function);
            }
            code
        } else {
            body.to_vec()
        };
        rewritten.push((id, body));
    }
    Ok((assemble(rewritten), stubbed))
}

/// How many functions the import section brings in (they come first in the index space).
fn imported_functions(body: &[u8]) -> Result<usize> {
    let mut at = 0;
    let mut functions = 0;
    for _ in 0..leb(body, &mut at)? {
        name(body, &mut at)?;
        name(body, &mut at)?;
        let kind = *body.get(at).context("truncated import")?;
        at += 1;
        match kind {
            0 => {
                functions += 1;
                leb(body, &mut at)?;
            }
            // A table: its element type, then limits.
            1 => {
                at += 1;
                limits(body, &mut at)?;
            }
            2 => limits(body, &mut at)?,
            // A global: its value type and mutability.
            3 => at += 2,
            _ => bail!("import of unknown kind {kind}"),
        }
    }
    Ok(functions)
}

fn limits(body: &[u8], at: &mut usize) -> Result<()> {
    let flags = *body.get(*at).context("truncated limits")?;
    *at += 1;
    leb(body, at)?;
    if flags & 1 == 1 {
        leb(body, at)?;
    }
    Ok(())
}

/// The `name` section's function names (subsection 1), by function index.
fn function_names(body: &[u8]) -> Result<std::collections::HashMap<usize, String>> {
    let mut names = std::collections::HashMap::new();
    let mut at = 0;
    while at < body.len() {
        let id = body[at];
        at += 1;
        let size = leb(body, &mut at)?;
        let end = at + size;
        if id == 1 {
            for _ in 0..leb(body, &mut at)? {
                let index = leb(body, &mut at)?;
                // Rust's mangled-then-demangled names are UTF-8; anything else is no match.
                let len = leb(body, &mut at)?;
                let raw = body.get(at..at + len).context("truncated name")?;
                at += len;
                names.insert(index, String::from_utf8_lossy(raw).into_owned());
            }
        }
        at = end;
    }
    Ok(names)
}

/// The glue without the classes whose exports the build pruned (`prefixes`, see
/// `page::UNCALLED_EXPORTS`): wasm-bindgen writes each as `export class {Name} { … }`, a
/// `Symbol.dispose` line and a `const {Name}Finalization` registry, none of which a minifier may
/// drop (exported, or with side effects). Fails when a pruned export is still named afterwards.
pub fn drop_classes(glue: &str, prefixes: &[&str]) -> Result<String> {
    let mut out = glue.to_owned();
    let mut at = 0;
    while let Some(found) = out[at..].find("export class ") {
        let start = at + found;
        let name: String = out[start + "export class ".len()..]
            .chars()
            .take_while(|c| is_ident(*c))
            .collect();
        let dispose = format!(
            "if (Symbol.dispose) {name}.prototype[Symbol.dispose] = {name}.prototype.free;\n"
        );
        let Some(end) = out[start..]
            .find(&dispose)
            .map(|e| start + e + dispose.len())
        else {
            at = start + 1;
            continue;
        };
        let calls_pruned = prefixes
            .iter()
            .any(|p| out[start..end].contains(&format!("wasm.{p}")));
        if !calls_pruned {
            at = end;
            continue;
        }
        out.replace_range(start..end, "");
        let registry = format!("const {name}Finalization = ");
        let from = out
            .find(&registry)
            .with_context(|| format!("the glue has no {name}Finalization"))?;
        let to = out[from..]
            .find(";\n")
            .map(|e| from + e + 2)
            .with_context(|| format!("{name}Finalization does not end"))?;
        out.replace_range(from..to, "");
        at = start;
    }
    for prefix in prefixes {
        if out.contains(&format!("wasm.{prefix}")) {
            bail!("the glue still calls pruned exports {prefix}…");
        }
    }
    Ok(out)
}

/// The names a module exports, from its export section.
pub fn export_names(module: &[u8]) -> Result<Vec<String>> {
    let Some((_, body)) = sections(module)?.into_iter().find(|(id, _)| *id == 7) else {
        return Ok(Vec::new());
    };
    let mut at = 0;
    let mut names = Vec::new();
    for _ in 0..leb(body, &mut at)? {
        names.push(name(body, &mut at)?);
        at += 1; // the kind
        leb(body, &mut at)?; // the index
    }
    Ok(names)
}

/// The lowest address the module's data segments are placed at (`None` without any). An address
/// the module computes (not an `i32.const`) is an error: the build relies on knowing it.
pub fn lowest_data_address(module: &[u8]) -> Result<Option<usize>> {
    let Some((_, body)) = sections(module)?.into_iter().find(|(id, _)| *id == 11) else {
        return Ok(None);
    };
    let mut at = 0;
    let mut lowest = None;
    for _ in 0..leb(body, &mut at)? {
        let flags = leb(body, &mut at)?;
        if flags == 2 {
            leb(body, &mut at)?; // the memory
        }
        if flags != 1 {
            // Active: its offset, `i32.const N end` (N a signed LEB128 number, here never negative).
            if body.get(at) != Some(&0x41) {
                bail!("a data segment's address is not a constant");
            }
            at += 1;
            let address = leb(body, &mut at)?;
            if body[at - 1] & 0x40 != 0 || body.get(at) != Some(&0x0b) {
                bail!("a data segment's address is negative or not a lone constant");
            }
            at += 1;
            lowest = Some(lowest.map_or(address, |l: usize| l.min(address)));
        }
        let size = leb(body, &mut at)?;
        at += size;
    }
    Ok(lowest)
}

/// A module's sections in order, as (id, body), after checking its header.
fn sections(module: &[u8]) -> Result<Vec<(u8, &[u8])>> {
    if module.get(..8) != Some(b"\0asm\x01\0\0\0") {
        bail!("not a WebAssembly module");
    }
    let mut sections = Vec::new();
    let mut at = 8;
    while at < module.len() {
        let id = module[at];
        at += 1;
        let size = leb(module, &mut at)?;
        let body = module
            .get(at..at + size)
            .context("a section runs past the module's end")?;
        at += size;
        sections.push((id, body));
    }
    Ok(sections)
}

/// A module from its sections, in order, under the version 1 header.
fn assemble(sections: Vec<(u8, Vec<u8>)>) -> Vec<u8> {
    let mut out = b"\0asm\x01\0\0\0".to_vec();
    for (id, body) in sections {
        out.push(id);
        put_leb(&mut out, body.len());
        out.extend(body);
    }
    out
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
        let glue = "const i = { \"./g.js\": { __proto__: null, __wbg_log_0123456789abcdef: function() {} } };\n\
                    wasm.memory.buffer; wasm.__wbindgen_start_long();";
        let (module, glue) = shorten(&module(), glue).expect("shortened");
        assert_eq!(
            glue,
            "const i = { Ma: { __proto__: null, a: function() {} } };\n\
             wasm.memory.buffer; wasm._b();"
        );
        assert_eq!(export_names(&module).expect("exports"), ["memory", "_b"]);
        let text = String::from_utf8_lossy(&module);
        assert!(!text.contains("./g.js") && !text.contains("__wbg_log") && text.contains("Ma"));
    }

    #[test]
    fn custom_sections_are_dropped() {
        let mut m = module();
        let mut custom = Vec::new();
        put_name(&mut custom, "producers");
        custom.extend([1, 2, 3]);
        m.push(0);
        put_leb(&mut m, custom.len());
        m.extend(custom);
        let glue = "const i = { \"./g.js\": { __wbg_log_0123456789abcdef: function() {} } }; wasm.__wbindgen_start_long();";
        let (out, _) = shorten(&m, glue).expect("shortened");
        let ids: Vec<u8> = sections(&out)
            .expect("a module")
            .iter()
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(ids, [1, 2, 3, 5, 7, 10]);
    }

    #[test]
    fn the_lowest_data_address_is_read_from_the_segments() {
        assert_eq!(lowest_data_address(&module()).expect("a module"), None);
        let with = |segments: &[u8]| {
            let mut m = module();
            m.push(11);
            put_leb(&mut m, segments.len());
            m.extend(segments);
            lowest_data_address(&m)
        };
        // Active at 1 MiB (1,048,576 as a signed LEB128), passive, active at 2,000.
        let data = [
            3, 0, 0x41, 0x80, 0x80, 0xc0, 0x00, 0x0b, 1, 7, 1, 1, 9, 0, 0x41, 0xd0, 0x0f, 0x0b, 0,
        ];
        assert_eq!(with(&data).expect("read"), Some(2000));
        assert_eq!(
            with(&data[..9]).ok(),
            None,
            "a truncated section is an error"
        );
        // An address the module computes (global.get 0) is not taken for a constant.
        assert!(with(&[1, 0, 0x23, 0, 0x0b, 0]).is_err());
    }

    #[test]
    fn a_name_the_glue_uses_otherwise_stops_the_build() {
        let glue = "const i = { \"./g.js\": { __wbg_log_0123456789abcdef: f } }; wasm.__wbindgen_start_long();";
        let bare = format!("{glue} function __wbindgen_start_long() {{}}");
        assert!(
            shorten(&module(), &bare).is_ok(),
            "a binding of the glue's own"
        );
        for reach in [
            "instance.exports.__wbindgen_start_long()",
            "get('__wbindgen_start_long')",
            "import('./g.js')",
        ] {
            assert!(
                shorten(&module(), &format!("{glue} {reach}")).is_err(),
                "{reach}"
            );
        }
        assert!(shorten(b"not wasm", "").is_err());
    }

    #[test]
    fn classes_of_pruned_exports_leave_the_glue() {
        let glue = "export class Gone {\n    free() { wasm.__wbg_gone_free(1); }\n    pull() { return wasm.gone_pull(this.__wbg_ptr); }\n}\n\
                    if (Symbol.dispose) Gone.prototype[Symbol.dispose] = Gone.prototype.free;\n\n\
                    export class Kept {\n    free() { wasm.__wbg_kept_free(1); }\n}\n\
                    if (Symbol.dispose) Kept.prototype[Symbol.dispose] = Kept.prototype.free;\n\
                    export function start() { wasm.start(); }\n\
                    const GoneFinalization = (typeof FinalizationRegistry === 'undefined')\n    ? { register: () => {}, unregister: () => {} }\n    : new FinalizationRegistry(ptr => wasm.__wbg_gone_free(ptr, 1));\n\
                    const KeptFinalization = 1;\n";
        let out = drop_classes(glue, &["gone", "__wbg_gone"]).expect("dropped");
        assert!(!out.contains("Gone"), "{out}");
        assert!(out.contains("export class Kept") && out.contains("KeptFinalization"));
        assert!(out.contains("export function start()"));
        // A call the build cannot take out stops it.
        let stray = format!("{glue}export function pull() {{ wasm.gone_pull(0); }}\n");
        assert!(drop_classes(&stray, &["gone", "__wbg_gone"]).is_err());
    }

    /// `module()` with a name section naming its one function.
    fn named(function: &str) -> Vec<u8> {
        let mut m = module();
        let mut names = Vec::new();
        put_name(&mut names, "name");
        let mut functions = vec![1u8]; // one name
        put_leb(&mut functions, 1); // index 1: after the one import
        put_name(&mut functions, function);
        names.push(1);
        put_leb(&mut names, functions.len());
        names.extend(functions);
        m.push(0);
        put_leb(&mut m, names.len());
        m.extend(names);
        m
    }

    #[test]
    fn functions_named_by_a_pattern_become_unreachable() {
        let (same, none) = stub_functions(&named("app::start"), &["wasm_streams"]).expect("read");
        assert_eq!((same, none), (named("app::start"), 0));
        let (stubbed, one) =
            stub_functions(&named("<wasm_streams::Sink>::write"), &["wasm_streams"]).expect("read");
        assert_eq!(one, 1);
        // The body (no locals, `end`) is now no locals, `unreachable`, `end`.
        let body = [10u8, 5, 1, 3, 0x00, 0x00, 0x0b];
        assert!(stubbed.windows(body.len()).any(|w| w == body));
        assert!(
            stub_functions(&module(), &["x"]).is_err(),
            "no names, nothing to go by"
        );
    }

    #[test]
    fn imports_the_module_no_longer_has_leave_the_glue() {
        let glue = "const import0 = {\n        __proto__: null,\n        __wbg_log_0123456789abcdef: function(arg0) {\n            console.log(arg0);\n        },\n        __wbg_gone_0123456789abcdef: function(arg0) {\n            const ret = arg0.byobRequest;\n            return ret;\n        },\n    };\n";
        let glue = format!("{glue}return {{ __proto__: null, \"./g.js\": import0 }};\n");
        let (_, out) = shorten(&module(), &glue).expect("shortened");
        assert!(
            !out.contains("gone") && !out.contains("byobRequest"),
            "{out}"
        );
        assert!(
            out.contains("a: function(arg0) {\n            console.log(arg0);\n        },"),
            "{out}"
        );
    }

    #[test]
    fn short_names_count_up() {
        assert_eq!(
            [0, 25, 26, 51, 52, 53].map(short),
            ["a", "z", "A", "Z", "ba", "bb"]
        );
    }
}
