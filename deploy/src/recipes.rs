//! The recipes written from the policy and a site: one per kind of host, each serving `/device`
//! and `/device/` from `index.html`, the build's files with their caching, 404 for the rest,
//! and the policy's headers on every answer.

mod caddy;
mod cloudfront;
mod nginx;
mod static_host;

pub use caddy::caddyfile;
pub use nginx::server_block as nginx;

use crate::{Error, Policy, Site};

/// A generated file: where it goes under `deploy/` (or an operator's folder) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipe {
    pub path: &'static str,
    pub text: String,
}

/// The nginx recipe's path.
pub const NGINX: &str = "nginx/device-page.conf";
/// The Caddy recipe's path.
pub const CADDY: &str = "caddy/Caddyfile";

/// Every recipe for a site.
pub fn all(policy: &Policy, site: &Site) -> Result<Vec<Recipe>, Error> {
    site.check()?;
    let mut recipes = vec![
        Recipe {
            path: NGINX,
            text: nginx(policy, site),
        },
        Recipe {
            path: CADDY,
            text: caddyfile(policy, site),
        },
    ];
    recipes.extend(static_host::files(policy, site));
    recipes.extend(cloudfront::files(policy, site)?);
    Ok(recipes)
}

/// The lines every recipe opens with, behind the file type's comment marker.
fn provenance(comment: &str, site: &Site) -> String {
    let portals = if site.portal_origins.is_empty() {
        "none".to_owned()
    } else {
        site.portal_origins.join(" ")
    };
    let icons = if site.icon_hosts.is_empty() {
        "none".to_owned()
    } else {
        site.icon_hosts.join(" ")
    };
    [
        "Written by `cargo xtask hosting` from deploy/headers.toml and a site file: change those and"
            .to_owned(),
        "regenerate rather than editing this copy. This one is for:".to_owned(),
        format!("  server name {}, page files in {}", site.server_name, site.dist),
        format!("  authBase {}", site.auth_base),
        format!("  icon hosts {icons}"),
        format!("  portals allowed to frame the page: {portals}"),
    ]
    .iter()
    .map(|line| match comment {
        "" => format!("{line}\n"),
        _ => format!("{comment} {line}\n"),
    })
    .collect()
}

/// The paths a class answers, for comments.
fn paths_of(class: &crate::PathClass) -> String {
    match &class.prefix {
        Some(prefix) => format!("{prefix}*"),
        None => class.exact.join(" "),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The committed recipes are exactly what the source writes: edit headers.toml or site.toml,
    /// run `cargo xtask hosting`, and commit the result.
    #[test]
    fn committed_recipes_match_the_source() {
        let policy = Policy::shipped().expect("deploy/headers.toml");
        let site = Site::example().expect("deploy/site.toml");
        let deploy = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut stale = Vec::new();
        for recipe in all(&policy, &site).expect("the recipes") {
            let committed = std::fs::read_to_string(deploy.join(recipe.path)).unwrap_or_default();
            if committed != recipe.text {
                stale.push(recipe.path);
            }
        }
        assert!(
            stale.is_empty(),
            "deploy/ is out of date with headers.toml or site.toml: {stale:?}. \
             Run `cargo xtask hosting` and commit the result."
        );
    }

    #[test]
    fn every_recipe_carries_every_header_value() {
        let policy = Policy::shipped().expect("deploy/headers.toml");
        let site = Site::example().expect("deploy/site.toml");
        let recipes = all(&policy, &site).expect("the recipes");
        let csp = policy.csp(&site);
        // (CloudFront's policy spells some headers as fields: its own test covers it.)
        for path in [NGINX, CADDY, "static-host/_headers"] {
            let text = &recipes
                .iter()
                .find(|r| r.path == path)
                .expect("the recipe")
                .text;
            assert!(text.contains(&csp), "{path} lacks the policy");
            for (name, value) in policy.every_answer(&site) {
                assert!(text.contains(&value), "{path} lacks {name}: {value}");
            }
        }
    }
}
