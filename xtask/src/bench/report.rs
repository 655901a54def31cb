//! The bench's figures as `report.json` (for tools and before/after diffs) and `report.md` (for
//! people): each build's weight, time to act on both paths (against the baseline as a ratio,
//! when there is one) with the breakdown that explains it, and the emulator under load.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

use super::act::{ACTIONABLE_MARK, Load, PHASE_MARKS, Series, Way};
use super::load::{CALLS, Outcome};
use super::phases::{PHASES, Phase, Span, acted_before_the_flow};
use crate::precompress::Compressed;
use crate::size::BUDGET_BYTES;

/// Where and how the figures were taken.
pub struct Context {
    /// The command line, for reproducing.
    pub command: String,
    /// UTC time, ISO 8601.
    pub generated: String,
    /// `git describe`-like commit, `-dirty` when the tree has changes.
    pub commit: String,
    /// `chromium --version`.
    pub chromium: String,
    /// Logical CPUs.
    pub cpus: usize,
    /// Whether the dist carried `.br`/`.gz` siblings.
    pub precompressed: bool,
    /// `debug` or `release`: how xtask (and the in-process emulator) was compiled.
    pub build: &'static str,
}

/// One build of the page as the report names and weighs it.
pub struct Build {
    /// `new` or `baseline`.
    pub name: &'static str,
    /// Its commit, for people.
    pub label: String,
    /// How it was built.
    pub recipe: String,
    /// How it was served.
    pub serving: &'static str,
    /// Which of the breakdown's marks it sets (found in its files).
    pub marks: Vec<&'static str>,
    /// Every dist file's weight.
    pub files: Vec<Compressed>,
    /// The files the size budget counts (one language: a phone loads one).
    pub counted: Vec<String>,
}

impl Build {
    fn total(&self, f: fn(&Compressed) -> u64) -> u64 {
        self.files.iter().map(f).sum()
    }

    /// The brotli bytes a phone downloads, as the size budget counts them.
    fn budget_total(&self) -> u64 {
        self.counted_files().map(|f| f.brotli).sum()
    }

    fn counted_files(&self) -> impl Iterator<Item = &Compressed> {
        self.files.iter().filter(|f| self.counted.contains(&f.name))
    }

    /// The phone's download by kind of file: `(kind, raw, brotli)`.
    fn by_kind(&self) -> Vec<(&'static str, u64, u64)> {
        let mut kinds: Vec<(&'static str, u64, u64)> = Vec::new();
        for f in self.counted_files() {
            let kind = kind_of(&f.name);
            match kinds.iter_mut().find(|(k, _, _)| *k == kind) {
                Some((_, raw, br)) => {
                    *raw += f.raw;
                    *br += f.brotli;
                }
                None => kinds.push((kind, f.raw, f.brotli)),
            }
        }
        kinds.sort_by_key(|(k, _, _)| KINDS.iter().position(|known| known == k));
        kinds
    }
}

/// The kinds of file in the weight comparison, in report order.
const KINDS: [&str; 6] = [
    "WebAssembly",
    "JavaScript",
    "CSS",
    "HTML",
    "JSON (config, one language)",
    "other",
];

fn kind_of(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("wasm") => KINDS[0],
        Some("js" | "mjs") => KINDS[1],
        Some("css") => KINDS[2],
        Some("html") => KINDS[3],
        Some("json") => KINDS[4],
        _ => KINDS[5],
    }
}

/// The targets for new/baseline (issue 14, measured on cold loads on the slow phone).
fn target(way: Way, conditions: &str, cache: &str) -> Option<f64> {
    (conditions == "slow-phone" && cache == "cold").then_some(match way {
        Way::Redirect => 0.75,
        Way::Typed => 0.55,
    })
}

/// A distribution's summary, in the unit of its samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Samples.
    pub n: usize,
    /// Smallest.
    pub min: f64,
    /// 10th percentile (nearest rank).
    pub p10: f64,
    /// Median (nearest rank).
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

impl Summary {
    /// `None` for no samples.
    pub fn of(samples: &[f64]) -> Option<Summary> {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|s| s.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let rank = |q: f64| {
            let i = (q * sorted.len() as f64).ceil() as usize;
            sorted[i.clamp(1, sorted.len()) - 1]
        };
        Some(Summary {
            n: sorted.len(),
            min: sorted[0],
            p10: rank(0.10),
            p50: rank(0.50),
            p90: rank(0.90),
            p99: rank(0.99),
            max: sorted[sorted.len() - 1],
        })
    }

    fn to_json(self) -> Value {
        let r = |x: f64| (x * 10.0).round() / 10.0;
        json!({
            "n": self.n, "min": r(self.min), "p10": r(self.p10), "p50": r(self.p50),
            "p90": r(self.p90), "p99": r(self.p99), "max": r(self.max),
        })
    }
}

fn ms(d: &Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A figure of every load, summarised.
fn column(loads: &[Load], f: impl Fn(&Load) -> f64) -> Option<Summary> {
    Summary::of(&loads.iter().map(f).collect::<Vec<_>>())
}

/// A series' loads by cache state, in report order.
fn caches(s: &Series) -> [(&'static str, &[Load]); 2] {
    [("cold", &s.cold), ("warm", &s.warm)]
}

/// The conditions' names in the order the series have them.
fn condition_names(series: &[Series]) -> Vec<&'static str> {
    let mut names = Vec::new();
    for s in series {
        if !names.contains(&s.conditions.name) {
            names.push(s.conditions.name);
        }
    }
    names
}

fn find<'a>(series: &'a [Series], build: &str, way: Way, conditions: &str) -> Option<&'a Series> {
    series
        .iter()
        .find(|s| s.build == build && s.way == way && s.conditions.name == conditions)
}

fn loads_of<'a>(s: Option<&'a Series>, cache: &str) -> &'a [Load] {
    match s {
        Some(s) if cache == "cold" => &s.cold,
        Some(s) => &s.warm,
        None => &[],
    }
}

/// One comparison of medians: new over baseline, per path, conditions and cache.
struct Ratio {
    way: Way,
    conditions: &'static str,
    description: &'static str,
    cache: &'static str,
    baseline: Summary,
    new: Summary,
}

impl Ratio {
    fn value(&self) -> f64 {
        self.new.p50 / self.baseline.p50
    }

    fn target(&self) -> Option<f64> {
        target(self.way, self.conditions, self.cache)
    }
}

fn ratios(series: &[Series]) -> Vec<Ratio> {
    let mut out = Vec::new();
    for conditions in condition_names(series) {
        for way in Way::ALL {
            let (old, new) = (
                find(series, "baseline", way, conditions),
                find(series, "new", way, conditions),
            );
            let Some(description) = new.or(old).map(|s| s.conditions.description) else {
                continue;
            };
            for cache in ["cold", "warm"] {
                let summary = |s| column(loads_of(s, cache), Load::to_act_ms);
                if let (Some(baseline), Some(new)) = (summary(old), summary(new)) {
                    out.push(Ratio {
                        way,
                        conditions,
                        description,
                        cache,
                        baseline,
                        new,
                    });
                }
            }
        }
    }
    out
}

/// Both reports, as text: `(json, markdown)`.
pub fn render(
    ctx: &Context,
    new: &Build,
    baseline: Option<&Build>,
    series: &[Series],
    load: &[Outcome],
) -> (String, String) {
    let json = to_json(ctx, new, baseline, series, load);
    let md = to_markdown(ctx, new, baseline, series, load);
    (
        serde_json::to_string_pretty(&json).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")),
        md,
    )
}

/// A load's requests, times from the page's own request (so they add up to the time to act).
fn waterfall_json(load: &Load) -> Value {
    let from = load.fetch_start_ms;
    let mut rows = vec![json!({
        "name": "document", "initiator": "navigation", "start_ms": 0.0,
        "end_ms": round1(load.document_end_ms - from),
    })];
    rows.extend(load.resources.iter().map(|r| {
        json!({
            "name": short_url(&r.name), "initiator": r.initiator,
            "start_ms": round1(r.start_ms - from), "end_ms": round1(r.end_ms - from),
            "transfer": r.transfer, "encoded": r.encoded, "decoded": r.decoded,
        })
    }));
    rows.extend(
        load.marks
            .iter()
            .map(|(mark, at)| json!({"name": mark, "start_ms": round1(at - from)})),
    );
    rows.push(json!({"name": ACTIONABLE_MARK, "start_ms": round1(load.to_act_ms())}));
    Value::Array(rows)
}

/// The spans of `phase` in the loads that measured it.
fn spans(loads: &[Load], phase: Phase) -> Vec<Span> {
    loads.iter().filter_map(|l| phase.span(l)).collect()
}

fn phases_json(loads: &[Load]) -> Value {
    let phases: serde_json::Map<String, Value> = PHASES
        .iter()
        .map(|&phase| {
            let spans = spans(loads, phase);
            let of = |f: fn(&Span) -> f64| {
                Summary::of(&spans.iter().map(f).collect::<Vec<_>>()).map(Summary::to_json)
            };
            let value = if spans.is_empty() {
                Value::Null
            } else {
                json!({
                    "loads": spans.len(),
                    "start_ms": of(|s| s.start),
                    "end_ms": of(|s| s.end),
                    "ms": of(|s| s.ms()),
                })
            };
            (phase.name().to_owned(), value)
        })
        .collect();
    Value::Object(phases)
}

fn build_json(b: &Build, series: &[Series], precompressed: bool) -> Value {
    let reference = find(series, b.name, Way::Redirect, "default").and_then(|s| s.cold.first());
    json!({
        "name": b.name,
        "commit": b.label,
        "recipe": b.recipe,
        "served_by": b.serving,
        "marks_set": b.marks,
        "marks_not_set": PHASE_MARKS.iter().filter(|m| !b.marks.contains(m)).collect::<Vec<_>>(),
        "weight": {
            "precompressed_siblings": precompressed,
            "files": b.files.iter().map(|f| json!({
                "name": f.name, "raw": f.raw, "gzip": f.gzip, "brotli": f.brotli,
                "precompressed": f.siblings, "counted_by_budget": b.counted.contains(&f.name),
            })).collect::<Vec<_>>(),
            "total": {"raw": b.total(|f| f.raw), "gzip": b.total(|f| f.gzip), "brotli": b.total(|f| f.brotli)},
            "budget_total_brotli": b.budget_total(),
            "by_kind_brotli": b.by_kind().iter().map(|(k, _, br)| ((*k).to_owned(), json!(br))).collect::<serde_json::Map<_, _>>(),
            "requests_to_actionable": reference.map(|l| l.requests),
            "transfer_bytes_to_actionable": reference.map(|l| l.transfer_bytes),
        },
    })
}

fn to_json(
    ctx: &Context,
    new: &Build,
    baseline: Option<&Build>,
    series: &[Series],
    load: &[Outcome],
) -> Value {
    let builds: Vec<Value> = baseline
        .into_iter()
        .chain([new])
        .map(|b| build_json(b, series, ctx.precompressed))
        .collect();
    let series_json: Vec<Value> = series
        .iter()
        .map(|s| {
            let c = &s.conditions;
            let summary = |loads: &[Load]| {
                let col = |f: fn(&Load) -> f64| column(loads, f).map(Summary::to_json);
                json!({
                    "to_act_ms": col(Load::to_act_ms),
                    "since_navigation_ms": col(|l| l.since_navigation_ms),
                    "redirect_ms": col(|l| l.fetch_start_ms),
                    "requests": col(|l| l.requests as f64),
                    "transfer_bytes": col(|l| l.transfer_bytes as f64),
                    "samples_ms": loads.iter().map(|l| round1(l.to_act_ms())).collect::<Vec<_>>(),
                    "phases": phases_json(loads),
                    "actionable_before_flow_read": (s.way == Way::Redirect)
                        .then(|| loads.iter().filter(|l| acted_before_the_flow(l)).count()),
                    "first_waterfall": loads.first().map(waterfall_json),
                })
            };
            json!({
                "build": s.build,
                "path": s.way.name(),
                "actionable": s.way.actionable(),
                "conditions": c.name,
                "description": c.description,
                "cpu_slowdown": c.cpu_slowdown,
                "network": c.network.map(|n| json!({
                    "latency_ms": n.latency_ms, "down_bps": n.down_bps, "up_bps": n.up_bps,
                })),
                "cold": summary(&s.cold),
                "warm": summary(&s.warm),
                "failures": s.failures,
            })
        })
        .collect();
    let comparison: Vec<Value> = ratios(series)
        .iter()
        .map(|r| {
            json!({
                "path": r.way.name(),
                "conditions": r.conditions,
                "cache": r.cache,
                "baseline": r.baseline.to_json(),
                "new": r.new.to_json(),
                "ratio_of_medians": (r.value() * 1000.0).round() / 1000.0,
                "target": r.target(),
            })
        })
        .collect();
    let passes: Vec<Value> = load
        .iter()
        .map(|o| {
            let calls: serde_json::Map<String, Value> = CALLS
                .iter()
                .map(|call| {
                    let samples: Vec<f64> = o
                        .latencies
                        .get(call)
                        .map(|l| l.iter().map(ms).collect())
                        .unwrap_or_default();
                    (
                        (*call).to_owned(),
                        Summary::of(&samples).map_or(Value::Null, Summary::to_json),
                    )
                })
                .collect();
            json!({
                "flows": o.flows,
                "concurrency": o.concurrency,
                "completed": o.completed,
                "errors": o.errors,
                "wall_s": (o.wall.as_secs_f64() * 1000.0).round() / 1000.0,
                "flows_per_s": round1(o.flows_per_second()),
                "calls_per_s": round1(o.calls_per_second()),
                "calls_ms": calls,
            })
        })
        .collect();
    json!({
        "command": ctx.command,
        "generated": ctx.generated,
        "commit": ctx.commit,
        "chromium": ctx.chromium,
        "cpus": ctx.cpus,
        "xtask_build": ctx.build,
        "budget_brotli": BUDGET_BYTES,
        "builds": builds,
        "time_to_act": {
            "mark": ACTIONABLE_MARK,
            "from": "the page's own request (navigation fetchStart, after PingOne's redirect)",
            "alternation": "per run: for each conditions, path and build, one fresh window (cold, then warm); builds alternate pair by pair",
            "series": series_json,
            "new_over_baseline": comparison,
        },
        "load": passes,
    })
}

fn to_markdown(
    ctx: &Context,
    new: &Build,
    baseline: Option<&Build>,
    series: &[Series],
    load: &[Outcome],
) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Bench report\n");
    let _ = writeln!(
        md,
        "`{}` at {} ({}), {}; {} CPUs; xtask and emulator {} build.\n",
        ctx.command, ctx.commit, ctx.generated, ctx.chromium, ctx.cpus, ctx.build
    );
    weight_md(&mut md, ctx, new, baseline, series);
    time_to_act_md(&mut md, series, baseline.is_some());
    breakdown_md(&mut md, new, baseline, series);
    load_md(&mut md, ctx, load);
    md
}

fn weight_md(
    md: &mut String,
    ctx: &Context,
    new: &Build,
    baseline: Option<&Build>,
    series: &[Series],
) {
    let _ = writeln!(md, "## Weight\n");
    for b in baseline.into_iter().chain([new]) {
        let _ = writeln!(
            md,
            "- **{}**: {}, built by {}, served by {}.",
            b.name, b.label, b.recipe, b.serving
        );
    }
    let _ = writeln!(md);
    if let Some(old) = baseline {
        let _ = writeln!(
            md,
            "What a phone downloads, by kind (one language, as the budget counts), bytes:\n"
        );
        let _ = writeln!(
            md,
            "| files | baseline raw | baseline brotli | new raw | new brotli | new/baseline (brotli) |\n|---|---:|---:|---:|---:|---:|"
        );
        let (old_kinds, new_kinds) = (old.by_kind(), new.by_kind());
        for kind in KINDS {
            let get = |kinds: &[(&str, u64, u64)]| {
                kinds
                    .iter()
                    .find(|(k, _, _)| *k == kind)
                    .map(|&(_, raw, br)| (raw, br))
            };
            let (o, n) = (get(&old_kinds), get(&new_kinds));
            if o.is_none() && n.is_none() {
                continue;
            }
            let cell = |x: Option<u64>| x.map_or("–".to_owned(), |x| x.to_string());
            let _ = writeln!(
                md,
                "| {kind} | {} | {} | {} | {} | {} |",
                cell(o.map(|o| o.0)),
                cell(o.map(|o| o.1)),
                cell(n.map(|n| n.0)),
                cell(n.map(|n| n.1)),
                ratio_cell(o.map(|o| o.1), n.map(|n| n.1))
            );
        }
        let raw = |b: &Build| b.counted_files().map(|f| f.raw).sum::<u64>();
        let _ = writeln!(
            md,
            "| **total** | **{}** | **{}** | **{}** | **{}** | **{}** |\n",
            raw(old),
            old.budget_total(),
            raw(new),
            new.budget_total(),
            ratio_cell(Some(old.budget_total()), Some(new.budget_total()))
        );
    }
    for b in baseline.into_iter().chain([new]) {
        files_md(md, b);
    }
    let _ = writeln!(
        md,
        "Budget (new): {} of {BUDGET_BYTES} bytes brotli ({:.0} %), one language counted.\n",
        new.budget_total(),
        new.budget_total() as f64 * 100.0 / BUDGET_BYTES as f64
    );
    if !ctx.precompressed {
        let _ = writeln!(
            md,
            "Served without the `.br`/`.gz` siblings (`--uncompressed`).\n"
        );
    }
    for way in Way::ALL {
        let first = find(series, "new", way, "default").and_then(|s| s.cold.first());
        if let Some(first) = first {
            let _ = writeln!(
                md,
                "A cold load of the new page on the {} path makes **{} requests** until the first \
                 actionable screen (the document included), **{} bytes** over the wire (same-origin, \
                 headers included; the API's answers are cross-origin and not counted).\n",
                way.name(),
                first.requests,
                first.transfer_bytes
            );
        }
    }
    for way in Way::ALL {
        if let Some(s) = find(series, "new", way, "slow-phone")
            && let Some(first) = s.cold.first()
        {
            waterfall_md(md, s, first);
        }
    }
}

fn ratio_cell(old: Option<u64>, new: Option<u64>) -> String {
    match (old, new) {
        (Some(o), Some(n)) if o > 0 => format!("{:.2}×", n as f64 / o as f64),
        _ => "–".to_owned(),
    }
}

fn files_md(md: &mut String, b: &Build) {
    let _ = writeln!(md, "Files of **{}** ({}):\n", b.name, b.label);
    let _ = writeln!(
        md,
        "| file | raw | gzip -9 | brotli 11 | `.br`/`.gz` shipped |\n|---|---:|---:|---:|:---:|"
    );
    for f in &b.files {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            f.name,
            f.raw,
            f.gzip,
            f.brotli,
            if f.siblings { "yes" } else { "no" }
        );
    }
    let _ = writeln!(
        md,
        "| **all files** | **{}** | **{}** | **{}** | |\n",
        b.total(|f| f.raw),
        b.total(|f| f.gzip),
        b.total(|f| f.brotli)
    );
}

fn waterfall_md(md: &mut String, s: &Series, first: &Load) {
    let _ = writeln!(
        md,
        "The new page's first cold load on the {} path under {}, ms from the page's own request:\n",
        s.way.name(),
        s.conditions.description
    );
    let _ = writeln!(
        md,
        "| request | by | start | end | over the wire | body sent | body decoded |\n|---|---|---:|---:|---:|---:|---:|"
    );
    let from = first.fetch_start_ms;
    let _ = writeln!(
        md,
        "| the page (document) | navigation | 0 | {:.0} | | | |",
        first.document_end_ms - from
    );
    for r in &first.resources {
        let _ = writeln!(
            md,
            "| {} | {} | {:.0} | {:.0} | {} | {} | {} |",
            short_url(&r.name),
            r.initiator,
            r.start_ms - from,
            r.end_ms - from,
            r.transfer,
            r.encoded,
            r.decoded
        );
    }
    for (mark, at) in &first.marks {
        let _ = writeln!(md, "| *`{mark}`* | | {:.0} | | | | |", at - from);
    }
    let _ = writeln!(
        md,
        "| *`{ACTIONABLE_MARK}`* | | {:.0} | | | | |\n",
        first.to_act_ms()
    );
}

fn time_to_act_md(md: &mut String, series: &[Series], compared: bool) {
    let _ = writeln!(md, "## Time to act\n");
    let _ = writeln!(
        md,
        "Headless Chromium, a fresh window per run: a cold load, then a warm one in the same \
         window. **Redirect path**: the TV's link to PingOne's hand-off, which redirects to \
         `/device?environmentId&flowId`; actionable is the sign-on form usable. **Typed path**: \
         `/device` opened by hand; actionable is the code field usable. The figure runs from the \
         page's own request (after the redirect hop, shown apart) to the `{ACTIONABLE_MARK}` \
         mark. ms.\n"
    );
    if compared {
        let _ = writeln!(
            md,
            "New against the baseline, measured in the same run with the builds alternating pair \
             by pair: median (p10–p90), and the ratio of the medians. The issue's targets are for \
             cold loads on the slow phone.\n"
        );
        let _ = writeln!(
            md,
            "| path | conditions | cache | baseline | new | new/baseline | target |\n|---|---|---|---:|---:|---:|---:|"
        );
        for r in ratios(series) {
            let spread = |s: Summary| format!("**{:.0}** ({:.0}–{:.0})", s.p50, s.p10, s.p90);
            let target = r.target().map_or(String::new(), |t| {
                let verdict = if r.value() <= t { "met" } else { "not met" };
                format!("≤ {t:.2}×, {verdict}")
            });
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | **{:.2}×** | {target} |",
                r.way.name(),
                r.description,
                r.cache,
                spread(r.baseline),
                spread(r.new),
                r.value()
            );
        }
        let _ = writeln!(md);
    }
    let _ = writeln!(
        md,
        "Every series: spread p10–p90 and min–max.\n\n\
         | path | conditions | build | cache | runs | median | p10 | p90 | min | max | requests | redirect hop (median) |\n\
         |---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for s in series {
        for (cache, loads) in caches(s) {
            let row = format!(
                "| {} | {} | {} | {cache} |",
                s.way.name(),
                s.conditions.description,
                s.build
            );
            let Some(sum) = column(loads, Load::to_act_ms) else {
                let _ = writeln!(md, "{row} 0 | – | – | – | – | – | – | – |");
                continue;
            };
            let requests = column(loads, |l| l.requests as f64);
            let hop = column(loads, |l| l.fetch_start_ms);
            let _ = writeln!(
                md,
                "{row} {} | **{:.0}** | {:.0} | {:.0} | {:.0} | {:.0} | {} | {:.0} |",
                sum.n,
                sum.p50,
                sum.p10,
                sum.p90,
                sum.min,
                sum.max,
                requests.map_or("–".to_owned(), |r| if r.min == r.max {
                    format!("{:.0}", r.min)
                } else {
                    format!("{:.0}–{:.0}", r.min, r.max)
                }),
                hop.map_or(0.0, |h| h.p50),
            );
        }
    }
    for s in series.iter().filter(|s| !s.failures.is_empty()) {
        let _ = writeln!(
            md,
            "\n{} failed run(s) of {} on the {} path under {}: {}",
            s.failures.len(),
            s.build,
            s.way.name(),
            s.conditions.name,
            s.failures.join("; ")
        );
    }
    let _ = writeln!(md);
}

/// A phase's medians in `loads`: `start–end` (a point for the mark), or "not measured".
fn phase_cell(loads: &[Load], phase: Phase) -> String {
    let spans = spans(loads, phase);
    let median =
        |f: fn(&Span) -> f64| Summary::of(&spans.iter().map(f).collect::<Vec<_>>()).map(|s| s.p50);
    let (Some(start), Some(end)) = (median(|s| s.start), median(|s| s.end)) else {
        return "not measured".to_owned();
    };
    let text = if matches!(phase, Phase::Act | Phase::BootRan) {
        format!("{end:.0}")
    } else {
        format!("{start:.0}–{end:.0}")
    };
    if spans.len() < loads.len() {
        format!("{text} ({} of {} loads)", spans.len(), loads.len())
    } else {
        text
    }
}

fn breakdown_md(md: &mut String, new: &Build, baseline: Option<&Build>, series: &[Series]) {
    let _ = writeln!(md, "## Breakdown\n");
    let _ = writeln!(
        md,
        "Where the time goes, from each load's Resource Timing and User Timing entries: the \
         median start–end of each part, ms from the page's own request. \"boot runs\" is the \
         `device:boot` mark, when the boot module began to run (module scripts wait for the \
         parsed document and the style sheet). Compile + instantiate runs from the \
         WebAssembly's last byte to `device:wasm`; first render from `device:wasm` to \
         `device:mounted`; the first flow read is the first `/flows/` request, whoever made \
         it. \"not measured\": the build sets no such mark, or loads no such file.\n"
    );
    for b in baseline.into_iter().chain([new]) {
        let missing: Vec<_> = PHASE_MARKS
            .iter()
            .filter(|m| !b.marks.contains(m))
            .map(|m| format!("`{m}`"))
            .collect();
        let _ = writeln!(
            md,
            "- {} sets {}{}.",
            b.name,
            if b.marks.is_empty() {
                format!("only `{ACTIONABLE_MARK}`")
            } else {
                b.marks
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .chain([format!("`{ACTIONABLE_MARK}`")])
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            if missing.is_empty() {
                String::new()
            } else {
                format!(" ({} not measured)", missing.join(", "))
            }
        );
    }
    let _ = writeln!(md);
    let mut head = "| path | conditions | cache | build |".to_owned();
    let mut rule = "|---|---|---|---|".to_owned();
    for phase in PHASES {
        head += &format!(" {} |", phase.heading());
        rule += "---:|";
    }
    let _ = writeln!(md, "{head}\n{rule}");
    for conditions in condition_names(series) {
        for way in Way::ALL {
            for cache in ["cold", "warm"] {
                for build in ["baseline", "new"] {
                    let Some(s) = find(series, build, way, conditions) else {
                        continue;
                    };
                    let loads = loads_of(Some(s), cache);
                    let mut row = format!(
                        "| {} | {} | {cache} | {build} |",
                        way.name(),
                        s.conditions.name
                    );
                    for phase in PHASES {
                        row += &format!(" {} |", phase_cell(loads, phase));
                    }
                    let _ = writeln!(md, "{row}");
                }
            }
        }
    }
    let _ = writeln!(md);
    for s in series.iter().filter(|s| s.way == Way::Redirect) {
        for (cache, loads) in caches(s) {
            let early = loads.iter().filter(|l| acted_before_the_flow(l)).count();
            if early > 0 {
                let _ = writeln!(
                    md,
                    "**Check failed:** {} marked `{ACTIONABLE_MARK}` on the redirect path before                      its first flow read had arrived in {early} of {} {cache} loads under {}. The                      sign-on form needs the flow, so the mark came too early and that time to act                      is understated.\n",
                    s.build,
                    loads.len(),
                    s.conditions.name
                );
            }
        }
    }
}

fn load_md(md: &mut String, ctx: &Context, load: &[Outcome]) {
    let _ = writeln!(md, "## Emulator under load\n");
    let _ = writeln!(
        md,
        "Device flows end to end over loopback HTTP (device authorization → hand-off → sign on → \
         verify → consent → token; 6 calls each), a fresh emulator per pass, emulator and load \
         generator in one process on {} CPUs ({} build). Both passes keep the CPUs saturated, \
         so a call's latency is mostly waiting its turn (≈ in flight ÷ calls/s), not work.\n",
        ctx.cpus, ctx.build
    );
    let _ = writeln!(
        md,
        "| flows | in flight | completed | errors | seconds | flows/s | calls/s |\n|---:|---:|---:|---:|---:|---:|---:|"
    );
    for o in load {
        let _ = writeln!(
            md,
            "| {} | {} | **{}** | **{}** | {:.2} | **{:.0}** | {:.0} |",
            o.flows,
            in_flight(o),
            o.completed,
            o.errors.values().sum::<usize>(),
            o.wall.as_secs_f64(),
            o.flows_per_second(),
            o.calls_per_second()
        );
    }
    let _ = writeln!(md);
    let mut head = "| call |".to_owned();
    let mut rule = "|---|".to_owned();
    for o in load {
        head += &format!(" p50 ms ({0}) | p99 ms ({0}) |", in_flight(o));
        rule += "---:|---:|";
    }
    let _ = writeln!(md, "{head}\n{rule}");
    for call in CALLS {
        let mut row = format!("| {call} |");
        for o in load {
            let samples: Vec<f64> = o
                .latencies
                .get(call)
                .map(|l| l.iter().map(ms).collect())
                .unwrap_or_default();
            match Summary::of(&samples) {
                Some(s) => row += &format!(" {:.1} | {:.1} |", s.p50, s.p99),
                None => row += " – | – |",
            }
        }
        let _ = writeln!(md, "{row}");
    }
    for o in load.iter().filter(|o| !o.errors.is_empty()) {
        let _ = writeln!(md, "\nErrors with {} in flight:\n", in_flight(o));
        for (why, n) in &o.errors {
            let _ = writeln!(md, "- {n} × {why}");
        }
    }
}

fn in_flight(o: &Outcome) -> String {
    if o.concurrency >= o.flows {
        "all at once".to_owned()
    } else {
        o.concurrency.to_string()
    }
}

/// `http://127.0.0.1:1234/x/y.js` → `/x/y.js`, with UUID segments (environment, flow) as `{id}`:
/// the ports and ids change every run.
fn short_url(url: &str) -> String {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    match rest.split_once('/') {
        Some((_, path)) => path
            .split('/')
            .map(|seg| {
                let uuid = seg.len() == 36 && seg.bytes().filter(|b| *b == b'-').count() == 4;
                if uuid { "{id}" } else { seg }
            })
            .fold(String::new(), |acc, seg| acc + "/" + seg),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_use_nearest_rank() {
        let samples: Vec<f64> = (1..=20).map(f64::from).collect();
        let s = Summary::of(&samples).expect("samples");
        assert_eq!((s.n, s.min, s.max), (20, 1.0, 20.0));
        assert_eq!((s.p10, s.p50, s.p90, s.p99), (2.0, 10.0, 18.0, 20.0));
        let one = Summary::of(&[7.0]).expect("one");
        assert_eq!((one.p10, one.p50, one.p99), (7.0, 7.0, 7.0));
        assert_eq!(Summary::of(&[]), None);
        assert_eq!(Summary::of(&[f64::NAN]), None);
    }

    #[test]
    fn urls_lose_their_origin() {
        assert_eq!(short_url("http://127.0.0.1:4000/app.wasm"), "/app.wasm");
        assert_eq!(
            short_url(
                "http://127.0.0.1:9/8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f/flows/6c796712-0f16-4062-815a-e0a92f4a2143"
            ),
            "/{id}/flows/{id}"
        );
        assert_eq!(short_url("data:,"), "data:,");
    }
}
