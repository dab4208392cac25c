//! Makes plotters' SVG smaller without changing a pixel: the report inlines
//! every chart, and plotters writes one element per dash of a dashed line with
//! every attribute spelled out (issue 16: a report of ~20 charts weighed ~2 MB).
//!
//! Three rewrites, each exact: runs of opaque polylines of one stroke become one
//! `<path>` of subpaths (`M` starts each former polyline, so nothing is joined
//! that was not); `opacity="1"` (the default) is dropped; the font family every
//! text repeats is said once on the root element, which the texts inherit.

use std::fmt::Write as _;

/// The value of attribute `name` in one element's text.
fn attr<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = element.find(&key)? + key.len();
    element[start..].split('"').next()
}

/// The stroke and width of a polyline plotters wrote opaque and unfilled, and
/// its points; `None` for any other element.
fn opaque_polyline(line: &str) -> Option<((&str, &str), &str)> {
    if !line.starts_with("<polyline ") || !line.ends_with("/>") {
        return None;
    }
    if attr(line, "fill")? != "none" || attr(line, "opacity")? != "1" {
        return None;
    }
    let style = (attr(line, "stroke")?, attr(line, "stroke-width")?);
    Some((style, attr(line, "points")?.trim()))
}

/// A run of polylines of one stroke, being merged into one path.
struct Run<'a> {
    style: (&'a str, &'a str),
    data: String,
}

impl Run<'_> {
    fn write(self, out: &mut String) {
        let (stroke, width) = self.style;
        let _ = writeln!(
            out,
            "<path fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{width}\" d=\"{}\"/>",
            self.data
        );
    }
}

/// The same drawing as `svg` (as plotters writes it: one element per line), smaller.
pub fn compact(svg: &str) -> String {
    let family = svg
        .lines()
        .find(|l| l.starts_with("<text "))
        .and_then(|l| attr(l, "font-family"));
    let family_attr = family.map(|f| format!(" font-family=\"{f}\""));
    let mut out = String::with_capacity(svg.len() / 2);
    let mut run: Option<Run> = None;
    for line in svg.lines() {
        if let Some((style, points)) = opaque_polyline(line) {
            match &mut run {
                Some(r) if r.style == style => {
                    r.data.push_str(" M");
                    r.data.push_str(points);
                }
                _ => {
                    if let Some(done) = run.take() {
                        done.write(&mut out);
                    }
                    run = Some(Run {
                        style,
                        data: format!("M{points}"),
                    });
                }
            }
            continue;
        }
        if let Some(done) = run.take() {
            done.write(&mut out);
        }
        let mut line = line.replace(" opacity=\"1\"", "");
        if let Some(f) = &family_attr {
            if line.starts_with("<svg ") {
                line.insert_str(line.len() - 1, f);
            } else if line.starts_with("<text ") {
                line = line.replacen(f.as_str(), "", 1);
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    if let Some(done) = run.take() {
        done.write(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLOTTERS: &str = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">
<rect x=\"0\" y=\"0\" width=\"10\" height=\"10\" opacity=\"1\" fill=\"#FFFFFF\" stroke=\"none\"/>
<polyline fill=\"none\" opacity=\"1\" stroke=\"#D55E00\" stroke-width=\"3\" points=\"0,0 1,1 \"/>
<polyline fill=\"none\" opacity=\"1\" stroke=\"#D55E00\" stroke-width=\"3\" points=\"3,3 4,4 \"/>
<polyline fill=\"none\" opacity=\"1\" stroke=\"#0072B2\" stroke-width=\"3\" points=\"5,5 6,6 \"/>
<polyline fill=\"none\" opacity=\"0.5\" stroke=\"#0072B2\" stroke-width=\"3\" points=\"7,7 8,8 \"/>
<polygon points=\"0,0 1,0 1,1 \" opacity=\"0.15\" fill=\"#009E73\"/>
<text x=\"1\" y=\"2\" dy=\"0.76em\" text-anchor=\"start\" font-family=\"DejaVu Sans\" font-size=\"20\" opacity=\"1\" fill=\"#1E1E1E\">
a &amp; b
</text>
</svg>
";

    #[test]
    fn opaque_runs_of_one_stroke_become_one_path_and_defaults_go() {
        let small = compact(PLOTTERS);
        assert!(small.len() < PLOTTERS.len());
        assert!(small.starts_with(
            "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" \
             xmlns=\"http://www.w3.org/2000/svg\" font-family=\"DejaVu Sans\">\n"
        ));
        assert!(small.contains(
            "<path fill=\"none\" stroke=\"#D55E00\" stroke-width=\"3\" d=\"M0,0 1,1 M3,3 4,4\"/>\n\
             <path fill=\"none\" stroke=\"#0072B2\" stroke-width=\"3\" d=\"M5,5 6,6\"/>\n"
        ));
        // A translucent polyline stays itself: merged, overlaps would blend once.
        assert!(small.contains("opacity=\"0.5\" stroke=\"#0072B2\""));
        assert!(small.contains("<polygon points=\"0,0 1,0 1,1 \" opacity=\"0.15\""));
        assert!(!small.contains("opacity=\"1\""));
        assert!(small.contains(
            "<text x=\"1\" y=\"2\" dy=\"0.76em\" text-anchor=\"start\" font-size=\"20\" \
             fill=\"#1E1E1E\">\na &amp; b\n</text>\n</svg>\n"
        ));
        assert_eq!(compact(&small), small, "compacting twice changes nothing");
    }
}
