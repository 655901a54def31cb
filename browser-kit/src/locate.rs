//! XPath for what a person calls things: a button or link by its name, a field by its label, a
//! heading by its words. XPath rather than CSS because only XPath matches on visible text.

/// A quoted XPath string literal for any text (XPath 1.0 has no escapes).
pub(crate) fn literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// The buttons and links a person would call `name`.
pub(crate) fn control(name: &str) -> String {
    let lit = literal(name);
    let named = format!("[normalize-space(.)={lit} or @aria-label={lit}]");
    format!(
        "//button{named} | //a{named} | //*[@role='button' or @role='link']{named} | //input[(@type='submit' or @type='button') and @value={lit}]"
    )
}

/// The form field labelled `label` (by `<label for>`, by `aria-label`, or wrapped in its label).
pub(crate) fn field(label: &str) -> String {
    let lit = literal(label);
    let input = "*[self::input or self::textarea or self::select]";
    format!(
        "//{input}[@id = //label[normalize-space(.)={lit}]/@for or @aria-label={lit}] | //label[normalize-space(.)={lit}]//{input}"
    )
}

/// The screen's heading reading `title`.
pub(crate) fn heading(title: &str) -> String {
    let lit = literal(title);
    format!("//h1[normalize-space(.)={lit}] | //h2[normalize-space(.)={lit}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_quote_any_text() {
        assert_eq!(literal("Sign on"), "'Sign on'");
        assert_eq!(literal("Couldn't"), "\"Couldn't\"");
        assert_eq!(literal(r#"a'b"c"#), r#"concat('a', "'", 'b"c')"#);
    }
}
