//! The Caddy recipe: one site block. Caddy's `header` handlers run before `rewrite`, so each
//! class's headers match the path the browser asked for, and the files are then served from the
//! rewritten one.

use std::fmt::Write;

use super::{paths_of, provenance};
use crate::{Policy, Site};

/// The Caddyfile for a site.
pub fn caddyfile(policy: &Policy, site: &Site) -> String {
    let mut out = provenance("#", site);
    out += "#\n# A site block for Caddy 2.6 or later: put it in /etc/caddy/Caddyfile or `import` it there.\n";
    let address = match site.listen_parts() {
        None => {
            out += "# Caddy gets and renews the certificate and redirects plain HTTP to HTTPS itself.\n\n";
            site.server_name.clone()
        }
        Some((_, port)) => {
            out += "# Plain HTTP behind a proxy or load balancer that terminates TLS: the proxy must\n\
                    # refuse plain HTTP from browsers and pass these headers through.\n\n";
            format!("http://:{port}")
        }
    };
    let _ = writeln!(out, "{address} {{");
    if let Some((host, _)) = site.listen_parts()
        && !host.is_empty()
    {
        let _ = writeln!(out, "\tbind {host}");
    }
    let _ = writeln!(out, "\troot * {}\n", site.dist);

    out += "\t# On every answer.\n\theader {\n";
    for (name, value) in policy.every_answer(site) {
        let _ = writeln!(out, "\t\t{name} \"{value}\"");
    }
    out += "\t}\n";

    let mut files: Vec<String> = Vec::new();
    for class in policy.paths() {
        let matcher = format!("@{}", class.name);
        let _ = writeln!(out, "\n\t# {}", class.about);
        let _ = writeln!(out, "\t{matcher} path {}", paths_of(class));
        for (name, value) in class.headers() {
            let _ = writeln!(out, "\theader {matcher} {name} \"{value}\"");
        }
        let served = match &class.file {
            Some(file) => {
                let _ = writeln!(out, "\trewrite {matcher} {file}");
                file.clone()
            }
            None => paths_of(class),
        };
        for file in served.split(' ') {
            if !files.iter().any(|f| f == file) {
                files.push(file.to_owned());
            }
        }
    }

    out +=
        "\n\t# The files (after the rewrite above), as .br or .gz when the browser takes them.\n";
    let _ = writeln!(out, "\t@files path {}", files.join(" "));
    out += "\thandle @files {\n\t\tfile_server {\n\t\t\tprecompressed br gzip\n\t\t}\n\t}\n";
    out +=
        "\t# Nothing else is part of the page.\n\thandle {\n\t\trespond \"Not found\" 404\n\t}\n\n";

    out += "\t# Access log lines without the query string (links carry the person's user_code,\n\
            \t# PingOne's redirects a flowId) and without the Referer.\n";
    let log = format!(
        "{}/device-page.access.log",
        site.log_dir.as_deref().unwrap_or("/var/log/caddy")
    );
    let _ = writeln!(out, "\tlog {{\n\t\toutput file {log}");
    out += "\t\tformat filter {\n\t\t\twrap json\n\t\t\tfields {\n\
            \t\t\t\trequest>uri regexp \\?.* \"\"\n\
            \t\t\t\trequest>headers>Referer delete\n\
            \t\t\t}\n\t\t}\n\t}\n}\n";
    out
}
