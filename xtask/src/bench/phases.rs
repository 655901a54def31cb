//! The breakdown that explains a time to act: when the HTML, the boot module, the WebAssembly
//! and the first flow read arrived, and when the page's own marks say the WebAssembly was
//! instantiated and the first screen mounted. Read from one load's Resource Timing and User
//! Timing entries; a part whose entry is missing (an older build sets fewer marks) is `None`,
//! "not measured", never a guess.

use super::act::{BOOT_MARK, Load, MOUNTED_MARK, Resource, WASM_MARK};

/// The parts of a load, in the order they usually happen.
pub const PHASES: [Phase; 11] = [
    Phase::Html,
    Phase::Css,
    Phase::Boot,
    Phase::BootRan,
    Phase::Config,
    Phase::Language,
    Phase::Wasm,
    Phase::Compile,
    Phase::Flow,
    Phase::Render,
    Phase::Act,
];

/// One part of a load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The document, from the page's own request to its last byte.
    Html,
    /// The style sheet, requested to received (it holds back the boot module's run).
    Css,
    /// The boot module (`boot-*.js`), requested to received.
    Boot,
    /// The `device:boot` mark: the boot module began to run (a point). Module scripts wait for
    /// the document to be parsed and for the style sheets before them.
    BootRan,
    /// `config.json`, requested (preloaded by index.html, or asked by the page) to received.
    Config,
    /// The language file (`i18n/*.json`): the typed path's field waits for its words.
    Language,
    /// The WebAssembly, requested to received.
    Wasm,
    /// Its last byte to the `device:wasm` mark (compile and instantiate; streaming compilation
    /// overlaps the download, so this is what is left after it).
    Compile,
    /// The first flow read (`…/flows/…`), whoever started it (boot.js or the WebAssembly).
    Flow,
    /// `device:wasm` to `device:mounted`: the first screen built (waiting for the data it needs).
    Render,
    /// The `device:actionable` mark (a point: start and end are the same).
    Act,
}

impl Phase {
    /// Short name for the report.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Html => "html",
            Phase::Css => "css",
            Phase::Boot => "boot_module",
            Phase::BootRan => "boot_ran",
            Phase::Config => "config",
            Phase::Language => "language_file",
            Phase::Wasm => "wasm_download",
            Phase::Compile => "compile_instantiate",
            Phase::Flow => "flow_read",
            Phase::Render => "first_render",
            Phase::Act => "actionable",
        }
    }

    /// Column heading for the report.
    pub fn heading(self) -> &'static str {
        match self {
            Phase::Html => "HTML",
            Phase::Css => "CSS",
            Phase::Boot => "boot module",
            Phase::BootRan => "boot runs",
            Phase::Config => "config.json",
            Phase::Language => "language file",
            Phase::Wasm => "wasm download",
            Phase::Compile => "compile + instantiate",
            Phase::Flow => "first flow read",
            Phase::Render => "first render",
            Phase::Act => "actionable",
        }
    }

    /// The span of this part in `load`, ms from the page's own request, if it was measured.
    pub fn span(self, load: &Load) -> Option<Span> {
        let from = load.fetch_start_ms;
        let mark = |name: &str| load.marks.get(name).map(|ms| ms - from);
        let resource = |r: &Resource| Span {
            start: r.start_ms - from,
            end: r.end_ms - from,
        };
        match self {
            Phase::Html => Some(Span {
                start: 0.0,
                end: load.document_end_ms - from,
            }),
            Phase::Css => first(load, |name| name.ends_with(".css")).map(resource),
            Phase::Boot => first(load, is_boot_module).map(resource),
            Phase::BootRan => mark(BOOT_MARK).map(|at| Span { start: at, end: at }),
            Phase::Config => first(load, |name| name.ends_with("/config.json")).map(resource),
            Phase::Language => first(load, |name| {
                name.contains("/i18n/") && name.ends_with(".json")
            })
            .map(resource),
            Phase::Wasm => first(load, |name| name.ends_with(".wasm")).map(resource),
            Phase::Compile => {
                let downloaded = Phase::Wasm.span(load)?.end;
                mark(WASM_MARK).map(|end| Span {
                    start: downloaded,
                    end,
                })
            }
            Phase::Flow => first(load, |name| name.contains("/flows/")).map(resource),
            Phase::Render => Some(Span {
                start: mark(WASM_MARK)?,
                end: mark(MOUNTED_MARK)?,
            }),
            Phase::Act => {
                let at = load.to_act_ms();
                Some(Span { start: at, end: at })
            }
        }
    }
}

/// Whether a redirect-path load marked itself actionable before its first flow read had
/// arrived. The sign-on form depends on the flow's status, so such a mark came too early (a
/// loading screen taken for the form) and understates the time to act.
pub fn acted_before_the_flow(load: &Load) -> bool {
    Phase::Flow
        .span(load)
        .is_none_or(|flow| flow.end > load.to_act_ms())
}

/// A part of a load, ms from the page's own request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    /// When it began.
    pub start: f64,
    /// When it ended.
    pub end: f64,
}

impl Span {
    /// How long it took.
    pub fn ms(self) -> f64 {
        self.end - self.start
    }
}

/// The first resource whose URL path matches.
fn first(load: &Load, matches: impl Fn(&str) -> bool) -> Option<&Resource> {
    load.resources.iter().find(|r| matches(path_of(&r.name)))
}

/// The URL's path (Resource Timing names are absolute URLs, queries already cut).
fn path_of(url: &str) -> &str {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    rest.find('/').map_or("", |i| &rest[i..])
}

/// `…/boot-<hash>.js`, Trunk's name for `public/boot.js`.
fn is_boot_module(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.starts_with("boot") && file.ends_with(".js")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn resource(name: &str, start_ms: f64, end_ms: f64) -> Resource {
        Resource {
            name: name.to_owned(),
            initiator: "other".to_owned(),
            start_ms,
            end_ms,
            transfer: 0,
            encoded: 0,
            decoded: 0,
        }
    }

    /// A load whose own request started 100 ms after navigation (a redirect hop).
    fn load(resources: Vec<Resource>, marks: &[(&'static str, f64)]) -> Load {
        Load {
            since_navigation_ms: 900.0,
            fetch_start_ms: 100.0,
            document_end_ms: 150.0,
            requests: 1 + resources.len(),
            transfer_bytes: 0,
            resources,
            marks: marks.iter().copied().collect::<BTreeMap<_, _>>(),
        }
    }

    fn spans(load: &Load) -> Vec<Option<(f64, f64)>> {
        PHASES
            .iter()
            .map(|p| p.span(load).map(|s| (s.start, s.end)))
            .collect()
    }

    #[test]
    fn a_build_with_every_mark_has_every_part() {
        let l = load(
            vec![
                resource("http://127.0.0.1:1/config.json", 160.0, 200.0),
                resource("http://127.0.0.1:1/assets/boot-1f2e.js", 160.0, 210.0),
                resource("http://127.0.0.1:1/i18n/de.json", 215.0, 330.0),
                resource("http://127.0.0.1:2/8d2f/flows/6c79", 220.0, 400.0),
                resource(
                    "http://127.0.0.1:1/assets/device-page-ab12_bg.wasm",
                    170.0,
                    600.0,
                ),
            ],
            &[
                (BOOT_MARK, 215.0),
                (WASM_MARK, 700.0),
                (MOUNTED_MARK, 750.0),
            ],
        );
        assert_eq!(
            spans(&l),
            vec![
                Some((0.0, 50.0)),
                None,
                Some((60.0, 110.0)),
                Some((115.0, 115.0)),
                Some((60.0, 100.0)),
                Some((115.0, 230.0)),
                Some((70.0, 500.0)),
                Some((500.0, 600.0)),
                Some((120.0, 300.0)),
                Some((600.0, 650.0)),
                Some((800.0, 800.0)),
            ]
        );
    }

    #[test]
    fn what_an_older_build_does_not_mark_is_not_measured() {
        // 6274dad: Trunk's inline loader (no boot module), only the actionable mark, the typed
        // path (no flow read).
        let l = load(
            vec![
                resource("http://127.0.0.1:1/device-page-ab12.js", 160.0, 200.0),
                resource("http://127.0.0.1:1/device-page-ab12_bg.wasm", 165.0, 600.0),
            ],
            &[],
        );
        assert_eq!(
            spans(&l),
            vec![
                Some((0.0, 50.0)),
                None,
                None,
                None,
                None,
                None,
                Some((65.0, 500.0)),
                None,
                None,
                None,
                Some((800.0, 800.0)),
            ]
        );
    }

    #[test]
    fn a_mark_before_the_flow_arrived_is_caught() {
        let flow = |start, end| resource("http://127.0.0.1:2/e/flows/f", start, end);
        // Actionable at 800 ms from the page's own request (900 since navigation).
        assert!(!acted_before_the_flow(&load(vec![flow(300.0, 700.0)], &[])));
        assert!(acted_before_the_flow(&load(vec![flow(300.0, 950.0)], &[])));
        // Read after the mark: not among the resources read up to it.
        assert!(acted_before_the_flow(&load(vec![], &[])));
    }

    #[test]
    fn only_paths_are_matched() {
        assert_eq!(path_of("http://127.0.0.1:9/a/boot-x.js"), "/a/boot-x.js");
        assert_eq!(path_of("https://h/flows/1"), "/flows/1");
        assert!(is_boot_module("/assets/boot-1f2e.js"));
        assert!(!is_boot_module("/assets/device-page-ab12.js"));
        // A host name never passes for a path.
        let l = load(vec![resource("http://flows.example/x.js", 1.0, 2.0)], &[]);
        assert_eq!(Phase::Flow.span(&l), None);
    }
}
