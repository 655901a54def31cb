//! Property tests of the page's pure parsers: what a link, a person, `config.json` or PingOne
//! hands the page is untrusted, so each parser is fed arbitrary input up to 64 kB (mostly short,
//! where the edge cases are, sometimes long) and must never panic and keep its promises.
//!
//! 10,000 cases each by default (what `cargo xtask test` runs); more with
//! `PROPTEST_CASES=1000000 cargo test --release --test props`.

#![cfg(not(target_arch = "wasm32"))]

use device_page::config::Config;
use device_page::flow::Flow;
use device_page::query::{Query, is_device_path};
use device_page::user_code::{FIELD_MAX, Remembered, UserCode};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::{Map, Value};

/// The largest input: 64 kB.
const MAX_BYTES: usize = 64 * 1024;

const ENV: &str = "8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f";
const OTHER_ENV: &str = "11111111-2222-3333-4444-555555555555";

/// 10,000 cases, unless `PROPTEST_CASES` asks for another number (proptest reads it itself).
fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 10_000;
    }
    config
}

/// Any characters at all, controls and bidi overrides included.
fn chars() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..48).prop_map(String::from_iter)
}

/// Text made of `pieces` (what the parser looks for) and arbitrary characters between them.
fn made_of(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
    let piece =
        prop_oneof![3 => prop::sample::select(pieces).prop_map(str::to_owned), 1 => chars()];
    prop::collection::vec(piece, 0..12).prop_map(|parts| parts.concat())
}

/// Short text from `short`, or now and then (one case in 20) up to 64 kB of one piece of it
/// repeated.
fn text(short: impl Strategy<Value = String> + Clone) -> impl Strategy<Value = String> {
    prop_oneof![
        19 => short.clone(),
        1 => (short, 0..=MAX_BYTES).prop_map(|(piece, len)| long(&piece, len)),
    ]
}

/// `piece` repeated to at most `len` bytes, cut on a character boundary.
fn long(piece: &str, len: usize) -> String {
    let piece = if piece.is_empty() { "A" } else { piece };
    let mut out = piece.repeat(len / piece.len() + 1);
    let mut cut = len.min(out.len());
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    out.truncate(cut);
    out
}

const CODE_PIECES: &[&str] = &[
    "GKHF",
    "jqbc",
    "BVKV",
    "2gz2",
    "A",
    "7",
    "-",
    " ",
    "–",
    "\u{a0}",
    "_",
    ".",
    "/",
    ":",
    ",",
    "https://example.com/device?",
    "user_code=",
    "&",
    "#",
    "?",
    "%20",
    "%",
    "+",
    "Ç",
    "ß",
    "\0",
    "\u{202e}",
];

const QUERY_PIECES: &[&str] = &[
    "user_code",
    "user%5Fcode",
    "user%5fcode",
    "%75ser_code",
    "USER_CODE",
    "user+code",
    "environmentId",
    "flowId",
    "error",
    "=",
    "&",
    "#",
    "?",
    "+",
    "%",
    "%2",
    "%ZZ",
    "%00",
    "%C3",
    "GKHF-JQBC",
    "%20",
    " ",
];

const PATH_PIECES: &[&str] = &[
    "/",
    "//",
    "\\",
    "device",
    "%2F",
    "%2f",
    "%5C",
    "%5c",
    "evil.example",
    ".",
    "..",
    "portal",
    "%2E",
];

const CONFIG_KEYS: &[&str] = &[
    "authBase",
    "environmentId",
    "environmentIds",
    "customDomain",
    "appIdentifier",
    "hostedSignOnUrl",
    "followResumeUrl",
    "allowPlainHttp",
    "other",
];

const CONFIG_STRINGS: &[&str] = &[
    "https://auth.pingone.com",
    "https://auth.pingone.eu/",
    "https://auth.example.com",
    "http://localhost:9000",
    "http://127.0.0.1:9000",
    "http://[::1]:9000",
    "http://auth.example.com",
    "http://localhost@evil.example",
    "https://",
    "ftp://x",
    ENV,
    OTHER_ENV,
    "tv",
    "has space",
    "",
    " ",
];

const FLOW_KEYS: &[&str] = &[
    "id",
    "status",
    "resumeUrl",
    "expiresAt",
    "_embedded",
    "_links",
    "user",
    "name",
    "given",
    "family",
    "username",
    "application",
    "icon",
    "href",
    "scopes",
    "description",
    "error",
    "code",
    "self",
    "signOnPage",
];

const FLOW_STRINGS: &[&str] = &[
    "f-1",
    "USERNAME_PASSWORD_REQUIRED",
    "DAG_USER_CODE_REQUIRED",
    "DAG_CONSENT_REQUIRED",
    "COMPLETED",
    "FAILED",
    "OTP_REQUIRED",
    "ACCESS_DENIED",
    "https://auth.example/flows/f-1",
    "javascript:alert(1)",
    "",
];

/// JSON documents whose keys are mostly ones the decoder reads, with values of every type.
fn json(
    keys: &'static [&'static str],
    strings: &'static [&'static str],
) -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(strings).prop_map(Value::from),
        prop::collection::vec(any::<char>(), 0..8)
            .prop_map(|c| Value::String(c.into_iter().collect())),
    ];
    let value = leaf.prop_recursive(3, 12, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(keys), inner), 0..5).prop_map(|fields| {
                Value::Object(
                    fields
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<String, Value>>(),
                )
            }),
        ]
    });
    prop::collection::vec((prop::sample::select(keys), value), 0..8).prop_map(|fields| {
        Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()).to_string()
    })
}

/// An `http://` URL to this computer, which `config.json` may name.
fn is_loopback_url(url: &str) -> bool {
    let url = url.to_ascii_lowercase();
    ["http://localhost", "http://127.", "http://[::1]"]
        .iter()
        .any(|start| url.starts_with(start))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn user_code_parser_never_panics(input in text(prop_oneof![made_of(CODE_PIECES), chars()])) {
        let _ = UserCode::parse(&input);
    }

    #[test]
    fn a_normalised_code_round_trips(
        code in "[A-Z0-9]{8}",
        lower in prop::collection::vec(any::<bool>(), 8),
        separators in prop::collection::vec(prop::sample::select(&[" ", "-", "–", "", "\u{a0}", "."][..]), 8),
    ) {
        let canonical = UserCode::parse(&code).expect("eight letters and digits are a code");
        prop_assert_eq!(UserCode::parse(&canonical.formatted()), Ok(canonical.clone()));
        // Any spelling a person types comes back to the same code.
        let typed: String = code
            .chars()
            .zip(lower.iter().zip(&separators))
            .map(|(c, (lower, sep))| {
                let c = if *lower { c.to_ascii_lowercase() } else { c };
                format!("{c}{sep}")
            })
            .collect();
        prop_assert_eq!(UserCode::parse(&typed), Ok(canonical));
    }

    #[test]
    fn parse_format_parse_is_stable(input in text(prop_oneof![made_of(CODE_PIECES), chars()])) {
        if let Ok(code) = UserCode::parse(&input) {
            let again = UserCode::parse(&code.formatted());
            prop_assert_eq!(again.as_ref(), Ok(&code));
            prop_assert_eq!(again.map(|c| c.formatted()), Ok(code.formatted()));
        }
    }

    #[test]
    fn stored_codes_are_bounded_and_read_back(input in text(prop_oneof![made_of(CODE_PIECES), chars()])) {
        let mut kept = vec![Remembered::Typed(input.clone())];
        kept.extend(Remembered::from_link(&input));
        for remembered in kept {
            let stored = remembered.encode();
            prop_assert!(stored.chars().count() <= "typed:".len() + FIELD_MAX);
            let back = Remembered::decode(&stored);
            prop_assert_eq!(back.map(|r| r.encode()), Some(stored));
        }
        // Storage holds only what `encode` writes: anything else is refused.
        if let Some(read) = Remembered::decode(&input) {
            prop_assert_eq!(read.encode(), input);
        }
    }

    #[test]
    fn scrubbing_the_query_is_idempotent_and_leaves_no_code(
        search in text(prop_oneof![made_of(QUERY_PIECES), chars()]),
    ) {
        let read = Query::parse(&search);
        let scrubbed = Query::without_user_code(&search);
        prop_assert_eq!(Query::without_user_code(&scrubbed), scrubbed.clone());
        // Everything else the parser read is still there, and only the code is gone.
        prop_assert_eq!(Query::parse(&scrubbed), Query { user_code: None, ..read });
    }

    #[test]
    fn device_paths_never_lead_elsewhere(path in text(prop_oneof![made_of(PATH_PIECES), chars()])) {
        if is_device_path(&path) {
            let lower = path.to_ascii_lowercase();
            prop_assert!(path.starts_with('/') && !path.contains("//") && !path.contains('\\'));
            prop_assert!(!lower.contains("%2f") && !lower.contains("%5c"));
            prop_assert!(path.trim_end_matches('/').ends_with("/device"));
        }
    }

    #[test]
    fn config_parser_never_panics_and_never_trusts_the_link(
        file in prop_oneof![
            4 => json(CONFIG_KEYS, CONFIG_STRINGS),
            1 => text(prop_oneof![made_of(CONFIG_STRINGS), chars()]),
        ],
        asked in prop::option::of(prop_oneof![
            Just(ENV.to_owned()),
            Just(OTHER_ENV.to_owned()),
            Just(ENV.to_uppercase()),
            chars(),
        ]),
    ) {
        if let Ok(config) = Config::parse(&file, asked.as_deref()) {
            // The environment is always one the file names, never the link's alone.
            if let Some(env) = &config.environment_id {
                prop_assert!(file.to_ascii_lowercase().contains(&env.to_ascii_lowercase()));
            }
            // Passwords go over https://, to this computer, or where the file explicitly allows it.
            let plain_allowed = file.contains("allowPlainHttp");
            for url in [&config.auth_base, &config.hosted_sign_on_url] {
                prop_assert!(
                    url.starts_with("https://") || is_loopback_url(url) || plain_allowed,
                    "{}", url
                );
            }
        }
    }

    #[test]
    fn flow_decoder_never_panics(
        body in prop_oneof![
            4 => json(FLOW_KEYS, FLOW_STRINGS),
            1 => text(prop_oneof![made_of(FLOW_STRINGS), chars()]),
        ],
    ) {
        if let Ok(flow) = Flow::parse(&body) {
            prop_assert!(!flow.id.is_empty());
        }
    }
}
