//! The emulator's one clock and PingOne's way of writing times, so every timestamp in a flow, a
//! device authorization or a hook reads the same.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// Now, in UTC.
pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Seconds as a `time::Duration`, saturating.
pub(crate) fn secs(s: u64) -> time::Duration {
    time::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 2))
}

/// `2026-11-28T18:24:57.154Z`, as PingOne writes times.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .or_else(|_| t.format(&Rfc3339))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_look_like_pingones() {
        let t = time::macros::datetime!(2026-11-28 18:24:57.154 UTC);
        assert_eq!(rfc3339(t), "2026-11-28T18:24:57.154Z");
        let t = time::macros::datetime!(2026-11-28 19:24:57 +01:00);
        assert_eq!(rfc3339(t), "2026-11-28T18:24:57.000Z");
    }
}
