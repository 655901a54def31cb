//! An object store behind a CDN, with Amazon S3 and CloudFront as the worked example: a note with
//! the upload commands (caching and types as object metadata), a response headers policy for the
//! security headers, and a CloudFront Function that answers `/device` with `index.html`.

use std::fmt::Write;

use serde_json::{Value, json};

use super::{Recipe, paths_of, provenance};
use crate::{Error, Header, Policy, Site};

/// The note, the response headers policy and the function.
pub fn files(policy: &Policy, site: &Site) -> Result<Vec<Recipe>, Error> {
    Ok(vec![
        Recipe {
            path: "cloudfront/README.md",
            text: note(policy, site)?,
        },
        Recipe {
            path: "cloudfront/response-headers-policy.json",
            text: response_headers_policy(&policy.every_answer(site))?,
        },
        Recipe {
            path: "cloudfront/device-path.js",
            text: function(policy, site),
        },
    ])
}

/// CloudFront's response headers policy: its typed fields for the security headers it knows,
/// custom headers for the rest (it refuses those names as custom headers).
fn response_headers_policy(headers: &[Header]) -> Result<String, Error> {
    let mut security = serde_json::Map::new();
    let mut custom = Vec::new();
    for (name, value) in headers {
        let (field, config) = match name.to_ascii_lowercase().as_str() {
            "content-security-policy" => (
                "ContentSecurityPolicy",
                json!({"Override": true, "ContentSecurityPolicy": value}),
            ),
            "x-content-type-options" if value == "nosniff" => {
                ("ContentTypeOptions", json!({"Override": true}))
            }
            "x-frame-options" => (
                "FrameOptions",
                json!({"Override": true, "FrameOption": value}),
            ),
            "referrer-policy" => (
                "ReferrerPolicy",
                json!({"Override": true, "ReferrerPolicy": value}),
            ),
            "strict-transport-security" => ("StrictTransportSecurity", hsts(value)?),
            _ => {
                custom.push(json!({"Header": name, "Value": value, "Override": true}));
                continue;
            }
        };
        security.insert(field.to_owned(), config);
    }
    let config = json!({
        "Name": "device-page",
        "Comment": "The /device page's headers, from deploy/headers.toml (cargo xtask hosting)",
        "SecurityHeadersConfig": Value::Object(security),
        "CustomHeadersConfig": {"Quantity": custom.len(), "Items": custom},
    });
    serde_json::to_string_pretty(&config)
        .map(|text| text + "\n")
        .map_err(|e| Error::Policy(format!("the CloudFront policy: {e}")))
}

fn hsts(value: &str) -> Result<Value, Error> {
    let mut config = json!({"Override": true, "IncludeSubdomains": false, "Preload": false});
    for part in value.split(';').map(str::trim) {
        if let Some(age) = part.strip_prefix("max-age=") {
            let age: u64 = age
                .parse()
                .map_err(|_| Error::Policy(format!("Strict-Transport-Security max-age {age:?}")))?;
            config["AccessControlMaxAgeSec"] = json!(age);
        } else if part.eq_ignore_ascii_case("includeSubDomains") {
            config["IncludeSubdomains"] = json!(true);
        } else if part.eq_ignore_ascii_case("preload") {
            config["Preload"] = json!(true);
        } else {
            return Err(Error::Policy(format!(
                "Strict-Transport-Security {value:?}: CloudFront cannot carry {part:?}"
            )));
        }
    }
    Ok(config)
}

/// The viewer-request function: the page's paths answer with their file.
fn function(policy: &Policy, site: &Site) -> String {
    let mut out = provenance("//", site);
    out += "//\n// A CloudFront Function (JavaScript runtime 2.0) on the distribution's viewer requests: the\n\
            // page's addresses answer with its file. The query string (the user_code) stays as it is.\n";
    out += "var FILES = {\n";
    for class in policy.paths() {
        if let Some(file) = &class.file {
            for path in &class.exact {
                let _ = writeln!(out, "  '{path}': '{file}',");
            }
        }
    }
    out += "};\n\nfunction handler(event) {\n  var request = event.request;\n\
            \x20 if (Object.prototype.hasOwnProperty.call(FILES, request.uri)) {\n\
            \x20   request.uri = FILES[request.uri];\n  }\n  return request;\n}\n";
    out
}

/// The note: what to upload how, and how to set up the distribution.
fn note(policy: &Policy, site: &Site) -> Result<String, Error> {
    let mut out = String::from("<!--\n");
    out += &provenance("", site);
    out += "-->\n\n# The /device page on Amazon S3 and CloudFront\n\n";
    out += "The bucket holds the built page; CloudFront serves it over HTTPS with the page's headers.\n\
            Any object store and CDN works the same way: caching and content types as object\n\
            metadata, the security headers added by the CDN, and `/device` answered with\n\
            `index.html`.\n\n";

    out += "## 1. Upload, with each file's caching and type\n\n\
            Upload only what the build wrote (no `.br`/`.gz`: CloudFront compresses by itself):\n\n\
            ```sh\nBUCKET=your-bucket\n";
    for class in policy.paths() {
        let cache = class.headers.get("Cache-Control");
        let cache_arg = cache
            .map(|c| format!(" --cache-control \"{c}\""))
            .unwrap_or_default();
        match (&class.prefix, &class.file) {
            (_, Some(file)) => {
                let served = policy.route(file).map(|r| r.class.headers.clone());
                if served.as_ref() != Some(&class.headers) {
                    return Err(Error::Policy(format!(
                        "CloudFront sends {file}'s own headers for {}: give both classes the same",
                        paths_of(class)
                    )));
                }
            }
            (Some(prefix), None) => {
                let dir = prefix.trim_matches('/');
                let _ = writeln!(out, "# {}", class.about);
                for (ext, content_type) in policy.content_types() {
                    let _ = writeln!(
                        out,
                        "aws s3 sync dist/{dir} \"s3://$BUCKET/{dir}\" --exclude \"*\" --include \"*.{ext}\"{cache_arg} --content-type \"{content_type}\""
                    );
                }
            }
            (None, None) => {
                let _ = writeln!(out, "# {}", class.about);
                for path in &class.exact {
                    let type_arg = policy
                        .content_type(path)
                        .map(|t| format!(" --content-type \"{t}\""))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "aws s3 cp dist{path} \"s3://$BUCKET{path}\"{cache_arg}{type_arg}"
                    );
                }
            }
        }
    }
    out += "```\n\n";

    out += "## 2. The response headers policy\n\n\
            `response-headers-policy.json` beside this note sets every answer's headers:\n\n\
            ```sh\naws cloudfront create-response-headers-policy \\\n  \
            --response-headers-policy-config file://response-headers-policy.json\n```\n\n\
            Attach it to the distribution's default behaviour. It sends:\n\n";
    for (name, value) in policy.every_answer(site) {
        let _ = writeln!(out, "- `{name}: {value}`");
    }

    out += "\n## 3. The page's addresses\n\n\
            Create a CloudFront Function from `device-path.js` (runtime `cloudfront-js-2.0`), publish\n\
            it and associate it with the default behaviour's **viewer request**. It answers\n";
    for class in policy.paths() {
        if let Some(file) = &class.file {
            let _ = writeln!(out, "{} with `{file}`.", code_list(&class.exact));
        }
    }

    out += "\n## 4. The distribution\n\n\
            - **Origin**: the bucket, private, read through origin access control (OAC).\n\
            - **Viewer protocol policy**: *Redirect HTTP to HTTPS*, with your certificate for the\n  \
            page's host name; add `includeSubDomains` to HSTS only when every subdomain is HTTPS.\n\
            - **Cache policy**: *CachingOptimized*: query strings stay out of the cache key (every\n  \
            `/device?user_code=…` is one cached `index.html`) and CloudFront compresses with brotli\n  \
            and gzip (*Compress objects automatically*: yes).\n\
            - **Custom error response**: S3 answers 403 for objects that do not exist; map 403 to a\n  \
            404 (optionally with `/404.html` from `static-host/`) so no other path serves the page.\n\
            - **Logs**: CloudFront's standard logs carry the query string (`cs-uri-query`), and with\n  \
            it the person's user_code and PingOne's flowId. Leave logging off, or choose fields\n  \
            without the query string.\n";
    Ok(out)
}

fn code_list(paths: &[String]) -> String {
    let quoted: Vec<String> = paths.iter().map(|p| format!("`{p}`")).collect();
    quoted.join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_headers_become_cloudfront_fields_and_the_rest_custom_headers() {
        let headers: Vec<Header> = [
            ("Content-Security-Policy", "default-src 'none'"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            (
                "Strict-Transport-Security",
                "max-age=600; includeSubDomains",
            ),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        let text = response_headers_policy(&headers).expect("the policy");
        let config: Value = serde_json::from_str(&text).expect("JSON");
        let security = &config["SecurityHeadersConfig"];
        assert_eq!(
            security["ContentSecurityPolicy"]["ContentSecurityPolicy"],
            "default-src 'none'"
        );
        assert_eq!(security["FrameOptions"]["FrameOption"], "DENY");
        assert_eq!(security["ContentTypeOptions"]["Override"], true);
        assert_eq!(
            security["StrictTransportSecurity"]["AccessControlMaxAgeSec"],
            600
        );
        assert_eq!(
            security["StrictTransportSecurity"]["IncludeSubdomains"],
            true
        );
        assert_eq!(config["CustomHeadersConfig"]["Quantity"], 1);
        assert_eq!(
            config["CustomHeadersConfig"]["Items"][0]["Header"],
            "Cross-Origin-Opener-Policy"
        );
    }
}
