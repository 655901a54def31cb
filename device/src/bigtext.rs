//! The user code in letters a person can read from the sofa: a 5×7 dot font (the one character
//! LCDs use) drawn with Unicode half blocks, two dot rows per terminal row.

/// One glyph: seven rows of `#` (ink) and `.` (paper), all the same width.
type Glyph = [&'static str; 7];

/// Every character a user code can hold (RFC 8628 §6.1 and Ping's examples: `A-Z`, `0-9`, `-`).
const GLYPHS: &[(char, Glyph)] = &[
    (
        '0',
        [
            ".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###.",
        ],
    ),
    (
        '1',
        [
            "..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###.",
        ],
    ),
    (
        '2',
        [
            ".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####",
        ],
    ),
    (
        '3',
        [
            "#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###.",
        ],
    ),
    (
        '4',
        [
            "...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#.",
        ],
    ),
    (
        '5',
        [
            "#####", "#....", "####.", "....#", "....#", "#...#", ".###.",
        ],
    ),
    (
        '6',
        [
            "..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###.",
        ],
    ),
    (
        '7',
        [
            "#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#...",
        ],
    ),
    (
        '8',
        [
            ".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###.",
        ],
    ),
    (
        '9',
        [
            ".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##..",
        ],
    ),
    (
        'A',
        [
            ".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#",
        ],
    ),
    (
        'B',
        [
            "####.", "#...#", "#...#", "####.", "#...#", "#...#", "####.",
        ],
    ),
    (
        'C',
        [
            ".###.", "#...#", "#....", "#....", "#....", "#...#", ".###.",
        ],
    ),
    (
        'D',
        [
            "###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###..",
        ],
    ),
    (
        'E',
        [
            "#####", "#....", "#....", "####.", "#....", "#....", "#####",
        ],
    ),
    (
        'F',
        [
            "#####", "#....", "#....", "####.", "#....", "#....", "#....",
        ],
    ),
    (
        'G',
        [
            ".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####",
        ],
    ),
    (
        'H',
        [
            "#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#",
        ],
    ),
    (
        'I',
        [
            ".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###.",
        ],
    ),
    (
        'J',
        [
            "..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##..",
        ],
    ),
    (
        'K',
        [
            "#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#",
        ],
    ),
    (
        'L',
        [
            "#....", "#....", "#....", "#....", "#....", "#....", "#####",
        ],
    ),
    (
        'M',
        [
            "#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#",
        ],
    ),
    (
        'N',
        [
            "#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#",
        ],
    ),
    (
        'O',
        [
            ".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###.",
        ],
    ),
    (
        'P',
        [
            "####.", "#...#", "#...#", "####.", "#....", "#....", "#....",
        ],
    ),
    (
        'Q',
        [
            ".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#",
        ],
    ),
    (
        'R',
        [
            "####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#",
        ],
    ),
    (
        'S',
        [
            ".####", "#....", "#....", ".###.", "....#", "....#", "####.",
        ],
    ),
    (
        'T',
        [
            "#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#..",
        ],
    ),
    (
        'U',
        [
            "#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###.",
        ],
    ),
    (
        'V',
        [
            "#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#..",
        ],
    ),
    (
        'W',
        [
            "#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#.",
        ],
    ),
    (
        'X',
        [
            "#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#",
        ],
    ),
    (
        'Y',
        [
            "#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#..",
        ],
    ),
    (
        'Z',
        [
            "#####", "....#", "...#.", "..#..", ".#...", "#....", "#####",
        ],
    ),
    ('-', ["...", "...", "...", "###", "...", "...", "..."]),
    (' ', ["..", "..", "..", "..", "..", "..", ".."]),
];

/// Columns of paper between two glyphs.
const GAP: usize = 2;

fn glyph(c: char) -> Option<&'static Glyph> {
    let c = c.to_ascii_uppercase();
    GLYPHS.iter().find(|(g, _)| *g == c).map(|(_, rows)| rows)
}

/// `text` as four lines of half blocks, or `None` if it holds a character the font lacks (the
/// caller then shows the text as it is).
pub fn render(text: &str) -> Option<Vec<String>> {
    let glyphs: Vec<&Glyph> = text.chars().map(glyph).collect::<Option<_>>()?;
    if glyphs.is_empty() {
        return None;
    }
    // Seven dot rows, each the glyphs side by side.
    let dots: Vec<Vec<bool>> = (0..7)
        .map(|row| {
            let mut line = Vec::new();
            for (i, g) in glyphs.iter().enumerate() {
                if i > 0 {
                    line.extend(std::iter::repeat_n(false, GAP));
                }
                line.extend(g[row].bytes().map(|b| b == b'#'));
            }
            line
        })
        .collect();
    let width = dots[0].len();
    let lines = (0..7)
        .step_by(2)
        .map(|top| {
            (0..width)
                .map(|x| {
                    let upper = dots[top][x];
                    let lower = dots.get(top + 1).is_some_and(|row| row[x]);
                    match (upper, lower) {
                        (true, true) => '█',
                        (true, false) => '▀',
                        (false, true) => '▄',
                        (false, false) => ' ',
                    }
                })
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect();
    Some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_glyph_is_a_clean_rectangle() {
        for (c, rows) in GLYPHS {
            let width = rows[0].len();
            for row in rows {
                assert_eq!(row.len(), width, "glyph {c:?}");
                assert!(row.bytes().all(|b| b == b'#' || b == b'.'), "glyph {c:?}");
            }
        }
    }

    #[test]
    fn the_font_covers_every_user_code_character() {
        for c in ('A'..='Z').chain('0'..='9').chain(['-']) {
            assert!(glyph(c).is_some(), "{c:?} is missing");
        }
        // Distinct glyphs, so no two characters read alike.
        for (i, (a, ga)) in GLYPHS.iter().enumerate() {
            for (b, gb) in &GLYPHS[i + 1..] {
                assert_ne!(ga, gb, "{a:?} and {b:?} look the same");
            }
        }
    }

    #[test]
    fn renders_four_rows_and_refuses_unknown_characters() {
        let lines = render("BVKV-2GZ2").expect("a user code renders");
        assert_eq!(lines.len(), 4);
        // 8 glyphs of 5 columns, a dash of 3, 8 gaps of 2.
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() <= 8 * 5 + 3 + 8 * GAP)
        );
        assert_eq!(lines[0].chars().next(), Some('█'));
        assert_eq!(render("bvkv"), render("BVKV"));
        assert_eq!(render("AB?"), None);
        assert_eq!(render(""), None);
    }
}
