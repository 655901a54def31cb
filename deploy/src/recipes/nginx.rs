//! The nginx recipe: a file to include inside `http { }` with a log format that leaves query
//! strings out, a redirect from plain HTTP, and the server block with every header at its level.

use std::fmt::Write;

use super::provenance;
use crate::{Policy, Site};

/// The log format's name (log formats are global to nginx's `http` block).
const LOG_FORMAT: &str = "device_page";

/// The recipe for a site.
pub fn server_block(policy: &Policy, site: &Site) -> String {
    let mut out = provenance("#", site);
    out += "#\n\
        # Include this file inside nginx's `http { }` block (Debian: copy it to /etc/nginx/conf.d/).\n\
        # It needs nginx 1.22 or later and, for the .br files, the brotli_static module (Debian:\n\
        # libnginx-mod-http-brotli-static); without the module, delete the brotli_static line.\n\n";
    out += "# Access log lines name the path as asked, without its query string: links to the page\n\
        # carry the person's user_code, and PingOne's redirects a flowId, neither of which belongs\n\
        # in a log. ($uri would name the file served, /index.html, instead of /device.)\n";
    let _ = writeln!(
        out,
        "map $request_uri ${LOG_FORMAT}_path {{\n    \"~^(?<path>[^?]*)\" $path;\n}}\n\
         log_format {LOG_FORMAT} '$remote_addr [$time_local] \"$request_method ${LOG_FORMAT}_path $server_protocol\" \
         $status $body_bytes_sent';\n"
    );
    let log = format!(
        "{}/device-page.access.log",
        site.log_dir.as_deref().unwrap_or("/var/log/nginx")
    );
    let every = policy.every_answer(site);

    match site.listen_parts() {
        None => {
            out += "# Plain HTTP only redirects to HTTPS, keeping the path and query (the user_code).\n";
            out += "server {\n    listen 80;\n    listen [::]:80;\n";
            let _ = writeln!(out, "    server_name {};", site.server_name);
            let _ = writeln!(out, "    access_log {log} {LOG_FORMAT};");
            out += "    return 301 https://$host$request_uri;\n}\n\n";
            out += "server {\n    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n";
            let _ = writeln!(out, "    server_name {};", site.server_name);
            out += "    # Your certificate and key (certbot, your CA, ...).\n";
            let _ = writeln!(
                out,
                "    ssl_certificate     /etc/ssl/{0}/fullchain.pem;\n    ssl_certificate_key /etc/ssl/{0}/privkey.pem;",
                site.server_name
            );
        }
        Some((host, port)) => {
            out += "# Plain HTTP behind a proxy or load balancer that terminates TLS: the proxy must\n\
                     # refuse plain HTTP from browsers and pass these headers through.\n";
            let address = if host.is_empty() {
                port.to_string()
            } else {
                format!("{host}:{port}")
            };
            let _ = writeln!(out, "server {{\n    listen {address};");
            let _ = writeln!(out, "    server_name {};", site.server_name);
        }
    }
    let _ = writeln!(out, "\n    root {};", site.dist);
    let _ = writeln!(out, "    access_log {log} {LOG_FORMAT};");
    out += "    server_tokens off;\n";
    out += "    # The .br and .gz files the build writes next to its files, for browsers that take them.\n";
    out += "    brotli_static on;\n    gzip_static on;\n    gzip_vary on;\n";
    out += "    # Only the types this page serves, whatever the global mime.types says.\n    types {\n";
    for (ext, content_type) in policy.content_types() {
        let _ = writeln!(out, "        \"{content_type}\" {ext};");
    }
    out += "    }\n    default_type application/octet-stream;\n";

    // Headers differing by path are variables each location sets; `add_header` appears only
    // here, since nginx drops inherited add_header lines in any block that has its own.
    let mut varying: Vec<String> = Vec::new();
    for class in policy.paths() {
        for (name, _) in class.headers() {
            if !varying.contains(&name) {
                varying.push(name);
            }
        }
    }
    out += "\n    # On every answer, errors included. A header left empty is not sent; each location\n\
            \x20   # below sets its own values (a location with an add_header of its own would lose these).\n";
    for name in &varying {
        let _ = writeln!(out, "    set {} \"\";", variable(name));
    }
    for name in &varying {
        let _ = writeln!(out, "    add_header {name} {} always;", variable(name));
    }
    for (name, value) in &every {
        let _ = writeln!(out, "    add_header {name} \"{value}\" always;");
    }

    for class in policy.paths() {
        let _ = writeln!(out, "\n    # {}", class.about);
        let location = match &class.prefix {
            Some(prefix) => format!("^~ {prefix}"),
            None if class.exact.len() == 1 => format!("= {}", class.exact[0]),
            None => {
                let alternatives: Vec<String> = class.exact.iter().map(|p| regex(p)).collect();
                format!("~ \"^({})$\"", alternatives.join("|"))
            }
        };
        let _ = writeln!(out, "    location {location} {{");
        for (name, value) in class.headers() {
            let _ = writeln!(out, "        set {} \"{value}\";", variable(&name));
        }
        let file = class.file.as_deref().unwrap_or("$uri");
        let _ = writeln!(out, "        try_files {file} =404;\n    }}");
    }
    out += "\n    # Nothing else is part of the page.\n    location / {\n        return 404;\n    }\n}\n";
    out
}

/// The variable holding a header that differs by path.
fn variable(header: &str) -> String {
    format!(
        "$device_page_{}",
        header.to_ascii_lowercase().replace('-', "_")
    )
}

/// A path as a regular expression matching only itself.
fn regex(path: &str) -> String {
    path.chars()
        .flat_map(|c| {
            let escape = !(c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_'));
            escape.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_literal_regexes() {
        assert_eq!(regex("/device/"), "/device/");
        assert_eq!(regex("/index.html"), "/index\\.html");
    }

    #[test]
    fn behind_a_proxy_it_listens_plainly_and_never_redirects() {
        let policy = Policy::shipped().expect("headers.toml");
        let mut site = Site::example().expect("site.toml");
        site.listen = Some("127.0.0.1:8080".into());
        site.log_dir = Some("/tmp/logs".into());
        let text = server_block(&policy, &site);
        assert!(text.contains("    listen 127.0.0.1:8080;\n"));
        assert!(!text.contains("ssl"));
        assert!(!text.contains("return 301"));
        assert!(text.contains("access_log /tmp/logs/device-page.access.log device_page;"));
    }
}
