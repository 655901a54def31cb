// How the page reads and tidies the address bar, one list of cases for both query back ends:
// `form_urlencoded` natively (src/query.rs's tests) and the browser's `URLSearchParams`
// (tests/web.rs). Included by both, with `Query` and `form` in scope.

/// Every case the two back ends must read alike.
fn query_string_cases() {
    let q = Query::parse(
        "?user_code=gkhf%20jqbc&environmentId=env-1&flowId=f-2&other=x&error=%7B%22id%22%3A%22e%22%7D",
    );
    assert_eq!(q.error.as_deref(), Some(r#"{"id":"e"}"#));
    assert_eq!(q.user_code.as_deref(), Some("gkhf jqbc"));
    assert_eq!(q.environment_id.as_deref(), Some("env-1"));
    assert_eq!(q.flow_id.as_deref(), Some("f-2"));

    let q = Query::parse("user_code=gkhf+jqbc&flowId=&environmentId=%20&flowId=b&flowId=c");
    assert_eq!(q.user_code.as_deref(), Some("gkhf jqbc"), "plus is a space");
    assert_eq!(q.flow_id.as_deref(), Some("b"), "the first value that is not empty");
    assert_eq!(q.environment_id, None, "blank is absent");
    assert_eq!(Query::parse(""), Query::default());

    // Only the code leaves the address bar; the rest keeps its order and encoding.
    for (input, want) in [
        ("?user_code=ABCD-EFGH", ""),
        ("", ""),
        ("?environmentId=e&user_code=X&flowId=f", "?environmentId=e&flowId=f"),
        ("?user_code=X&user_code=Y&a=%20b", "?a=%20b"),
        ("?user_codex=1", "?user_codex=1"),
        ("?user%5Fcode=X&flowId=f", "?flowId=f"),
        // What the parser does not read stays: it is not the code.
        ("?USER_CODE=X", "?USER_CODE=X"),
    ] {
        assert_eq!(Query::without_user_code(input), want, "{input:?}");
    }
    // However its key is encoded, a code the parser reads is scrubbed.
    for input in [
        "?user%5Fcode=GKHF-JQBC",
        "?user%5fcode=GKHF-JQBC&flowId=f",
        "?%75ser_code=x",
        "?a=1&user_code=X#frag",
    ] {
        assert!(Query::parse(input).user_code.is_some(), "{input}");
        let scrubbed = Query::without_user_code(input);
        assert_eq!(Query::parse(&scrubbed).user_code, None, "{input} -> {scrubbed}");
    }

    // A flow id comes back from the sign-on page as it went.
    let odd = "f 1&x=ü/%";
    let query = format!("flowId={}", form::encode(odd));
    assert_eq!(Query::parse(&query).flow_id.as_deref(), Some(odd));
}
