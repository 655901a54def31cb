//! Static hosts that read `_headers` and `_redirects` from the uploaded folder (Netlify,
//! Cloudflare Pages): the files to copy into `dist/` before uploading it. Both hosts join the
//! values when two rules set one header, so each header is set by exactly one rule.

use std::fmt::Write;

use super::{Recipe, provenance};
use crate::{Policy, Site};

/// `_headers`, `_redirects` and `404.html`.
pub fn files(policy: &Policy, site: &Site) -> Vec<Recipe> {
    let mut headers = provenance("#", site);
    headers += "#\n# Copy this file, _redirects and 404.html into dist/ before uploading it. Both hosts serve\n\
                # HTTPS only and .wasm as application/wasm, and compress on the fly (the .br and .gz files\n\
                # in dist/ are not needed there).\n\n";
    headers += "# On every answer.\n/*\n";
    for (name, value) in policy.every_answer(site) {
        let _ = writeln!(headers, "  {name}: {value}");
    }
    for class in policy.paths() {
        let _ = writeln!(headers, "\n# {}", class.about);
        let patterns = match &class.prefix {
            Some(prefix) => vec![format!("{prefix}*")],
            None => class.exact.clone(),
        };
        for pattern in patterns {
            let _ = writeln!(headers, "{pattern}");
            for (name, value) in class.headers() {
                let _ = writeln!(headers, "  {name}: {value}");
            }
        }
    }

    let mut redirects = provenance("#", site);
    redirects += "#\n# Status 200: the host answers with the file and the address stays /device.\n";
    for class in policy.paths() {
        if let Some(file) = &class.file {
            let _ = writeln!(redirects, "# {}", class.about);
            for path in &class.exact {
                let _ = writeln!(redirects, "{path}  {file}  200");
            }
        }
    }

    // Cloudflare Pages answers every unknown path with index.html unless the upload has a
    // 404.html; the page must not appear at paths it does not own.
    let not_found = "<!doctype html>\n<html lang=\"en\">\n<meta charset=\"utf-8\">\n\
                     <title>Not found</title>\n<p>There is no page at this address.</p>\n</html>\n"
        .to_owned();

    vec![
        Recipe {
            path: "static-host/_headers",
            text: headers,
        },
        Recipe {
            path: "static-host/_redirects",
            text: redirects,
        },
        Recipe {
            path: "static-host/404.html",
            text: not_found,
        },
    ]
}
