//! The bench's figures as `report.json` (for tools and before/after diffs) and `report.md` (for
//! people): weight, time to act, emulator under load.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

use super::act::{ACTIONABLE_MARK, Load, Series};
use super::load::{CALLS, Outcome};
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

fn to_act(loads: &[Load]) -> Vec<f64> {
    loads.iter().map(Load::to_act_ms).collect()
}

/// Both reports, as text: `(json, markdown)`.
pub fn render(
    ctx: &Context,
    files: &[Compressed],
    series: &[Series],
    load: &[Outcome],
) -> (String, String) {
    let json = to_json(ctx, files, series, load);
    let md = to_markdown(ctx, files, series, load);
    (
        serde_json::to_string_pretty(&json).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")),
        md,
    )
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
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
    rows.push(json!({"name": ACTIONABLE_MARK, "start_ms": round1(load.to_act_ms())}));
    Value::Array(rows)
}

fn to_json(ctx: &Context, files: &[Compressed], series: &[Series], load: &[Outcome]) -> Value {
    let total = |f: fn(&Compressed) -> u64| files.iter().map(f).sum::<u64>();
    let reference = series.first().and_then(|s| s.cold.first());
    let column = |loads: &[Load], f: fn(&Load) -> f64| {
        Summary::of(&loads.iter().map(f).collect::<Vec<_>>()).map(Summary::to_json)
    };
    let series_json: Vec<Value> = series
        .iter()
        .map(|s| {
            let c = &s.conditions;
            let summary = |loads: &[Load]| {
                json!({
                    "to_act_ms": column(loads, Load::to_act_ms),
                    "since_navigation_ms": column(loads, |l| l.since_navigation_ms),
                    "redirect_ms": column(loads, |l| l.fetch_start_ms),
                    "requests": column(loads, |l| l.requests as f64),
                    "transfer_bytes": column(loads, |l| l.transfer_bytes as f64),
                    "samples_ms": loads.iter().map(|l| round1(l.to_act_ms())).collect::<Vec<_>>(),
                    "first_waterfall": loads.first().map(waterfall_json),
                })
            };
            json!({
                "name": c.name,
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
        "weight": {
            "precompressed_siblings": ctx.precompressed,
            "files": files.iter().map(|f| json!({
                "name": f.name, "raw": f.raw, "gzip": f.gzip, "brotli": f.brotli,
                "precompressed": f.siblings,
            })).collect::<Vec<_>>(),
            "total": {"raw": total(|f| f.raw), "gzip": total(|f| f.gzip), "brotli": total(|f| f.brotli)},
            "budget_brotli": BUDGET_BYTES,
            "requests_to_actionable": reference.map(|l| l.requests),
            "transfer_bytes_to_actionable": reference.map(|l| l.transfer_bytes),
        },
        "time_to_act": {
            "mark": ACTIONABLE_MARK,
            "from": "the page's own request (navigation fetchStart, after PingOne's redirect)",
            "series": series_json,
        },
        "load": passes,
    })
}

fn to_markdown(ctx: &Context, files: &[Compressed], series: &[Series], load: &[Outcome]) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Bench report\n");
    let _ = writeln!(
        md,
        "`{}` at {} ({}), {}; {} CPUs; xtask and emulator {} build.\n",
        ctx.command, ctx.commit, ctx.generated, ctx.chromium, ctx.cpus, ctx.build
    );

    let _ = writeln!(md, "## Weight\n");
    let _ = writeln!(
        md,
        "| file | raw | gzip -9 | brotli 11 | `.br`/`.gz` shipped |\n|---|---:|---:|---:|:---:|"
    );
    for f in files {
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
    let total = |f: fn(&Compressed) -> u64| files.iter().map(f).sum::<u64>();
    let _ = writeln!(
        md,
        "| **total** | **{}** | **{}** | **{}** | |\n",
        total(|f| f.raw),
        total(|f| f.gzip),
        total(|f| f.brotli)
    );
    let _ = writeln!(
        md,
        "Budget: {} of {BUDGET_BYTES} bytes brotli ({:.0} %).\n",
        total(|f| f.brotli),
        total(|f| f.brotli) as f64 * 100.0 / BUDGET_BYTES as f64
    );
    if let Some(reference) = series.first().and_then(|s| s.cold.first()) {
        let _ = writeln!(
            md,
            "A cold load makes **{} requests** until the first actionable screen (the document, \
             then the ones below), **{} bytes** over the wire (same-origin, headers included; the \
             API's answers are cross-origin and not counted).\n",
            reference.requests, reference.transfer_bytes
        );
    }
    if let Some(s) = series.last()
        && let Some(first) = s.cold.first()
    {
        let _ = writeln!(
            md,
            "The first cold load under {}, ms from the page's own request:\n",
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
        let _ = writeln!(
            md,
            "| *`{ACTIONABLE_MARK}`* | | {:.0} | | | | |\n",
            first.to_act_ms()
        );
    }

    let _ = writeln!(md, "## Time to act\n");
    let _ = writeln!(
        md,
        "Headless Chromium opens PingOne's hand-off URL (the emulator sets the session cookie and \
         redirects to `/device?environmentId&flowId`); the figure is from the page's own request \
         (after the redirect hop, shown apart) to the `{ACTIONABLE_MARK}` mark (the sign-on form \
         on screen). Cold: a fresh profile. Warm: the same window again with a new code. ms; \
         spread p10–p90 and min–max.\n"
    );
    let _ = writeln!(
        md,
        "| conditions | cache | runs | median | p10 | p90 | min | max | requests | redirect hop (median) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for s in series {
        for (cache, loads) in [("cold", &s.cold), ("warm", &s.warm)] {
            let Some(sum) = Summary::of(&to_act(loads)) else {
                let _ = writeln!(
                    md,
                    "| {} | {cache} | 0 | – | – | – | – | – | – | – |",
                    s.conditions.description
                );
                continue;
            };
            let requests =
                Summary::of(&loads.iter().map(|l| l.requests as f64).collect::<Vec<_>>());
            let hop = Summary::of(&loads.iter().map(|l| l.fetch_start_ms).collect::<Vec<_>>());
            let _ = writeln!(
                md,
                "| {} | {cache} | {} | **{:.0}** | {:.0} | {:.0} | {:.0} | {:.0} | {} | {:.0} |",
                s.conditions.description,
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
            "\n{} failed run(s) under {}: {}",
            s.failures.len(),
            s.conditions.name,
            s.failures.join("; ")
        );
    }
    let _ = writeln!(md);

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
    md
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
