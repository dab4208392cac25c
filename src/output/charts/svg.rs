//! Makes plotters' SVG smaller without changing a pixel: the report inlines
//! every chart, and plotters writes every vertex in absolute coordinates, one
//! element per dash of a dashed line, every attribute spelled out (issue 16: a
//! report of 20 charts weighed 3.9 MB).
//!
//! The rewrites, each exact: polylines and polygons become paths in relative
//! coordinates (a step of a time series moves a few pixels: `l2-1` instead of
//! `1234,567`), without steps that stay on the same vertex; runs of opaque
//! polylines of one stroke become one path of subpaths (`M` starts each former
//! polyline, so nothing is joined that was not; translucent ones stay apart,
//! as overlaps would blend once); `opacity="1"` (the default) is dropped; the
//! font family every text repeats is said once on the root element, which the
//! texts inherit.

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

/// Path data of plotters' `points` ("x,y x,y "): an absolute move to the first
/// vertex, then lines by relative steps, separators only where a sign is not one.
/// `None` if a coordinate is not an integer (plotters writes integers).
fn relative(points: &str) -> Option<String> {
    let mut vertices = points.split_whitespace().map(|p| {
        let (x, y) = p.split_once(',')?;
        Some((x.parse::<i64>().ok()?, y.parse::<i64>().ok()?))
    });
    let (mut x, mut y) = vertices.next()??;
    let mut d = format!("M{x},{y}");
    let mut first = true;
    for v in vertices {
        let (nx, ny) = v?;
        let (dx, dy) = (nx - x, ny - y);
        // A step to the same vertex draws nothing (plotters' lines have butt
        // caps, and a zero-length segment bends no join); a time series has many.
        if (dx, dy) == (0, 0) {
            continue;
        }
        if first {
            d.push('l');
            first = false;
        } else if dx >= 0 {
            d.push(' ');
        }
        let _ = write!(d, "{dx}");
        if dy >= 0 {
            d.push(',');
        }
        let _ = write!(d, "{dy}");
        (x, y) = (nx, ny);
    }
    Some(d)
}

/// A polygon as a closed path in relative coordinates, its other attributes kept.
fn polygon(line: &str) -> Option<String> {
    if !line.starts_with("<polygon ") || !line.ends_with("/>") {
        return None;
    }
    let points = attr(line, "points")?;
    let d = relative(points)?;
    let rest = line["<polygon".len()..line.len() - 2].replace(&format!(" points=\"{points}\""), "");
    Some(format!("<path{rest} d=\"{d}z\"/>"))
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
        if let Some((style, d)) = opaque_polyline(line).and_then(|(s, p)| Some((s, relative(p)?))) {
            match &mut run {
                Some(r) if r.style == style => {
                    r.data.push(' ');
                    r.data.push_str(&d);
                }
                _ => {
                    if let Some(done) = run.take() {
                        done.write(&mut out);
                    }
                    run = Some(Run { style, data: d });
                }
            }
            continue;
        }
        if let Some(done) = run.take() {
            done.write(&mut out);
        }
        let mut line = line.replace(" opacity=\"1\"", "");
        if let Some(path) = polygon(&line) {
            line = path;
        }
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
            "<path fill=\"none\" stroke=\"#D55E00\" stroke-width=\"3\" d=\"M0,0l1,1 M3,3l1,1\"/>\n\
             <path fill=\"none\" stroke=\"#0072B2\" stroke-width=\"3\" d=\"M5,5l1,1\"/>\n"
        ));
        // A translucent polyline stays itself: merged, overlaps would blend once.
        assert!(small.contains("opacity=\"0.5\" stroke=\"#0072B2\""));
        assert!(small.contains("<path opacity=\"0.15\" fill=\"#009E73\" d=\"M0,0l1,0 0,1z\"/>"));
        assert!(!small.contains("opacity=\"1\""));
        assert!(small.contains(
            "<text x=\"1\" y=\"2\" dy=\"0.76em\" text-anchor=\"start\" font-size=\"20\" \
             fill=\"#1E1E1E\">\na &amp; b\n</text>\n</svg>\n"
        ));
        assert_eq!(compact(&small), small, "compacting twice changes nothing");
    }

    #[test]
    fn relative_steps_need_a_separator_only_before_a_positive_number() {
        assert_eq!(
            relative("10,20 12,19 12,25 9,25 ").unwrap(),
            "M10,20l2-1 0,6-3,0"
        );
        assert_eq!(relative("7,8 ").unwrap(), "M7,8");
        assert_eq!(relative("7,8 7,8 9,8 9,8 9,7").unwrap(), "M7,8l2,0 0-1");
        assert_eq!(relative("1.5,2 3,4"), None);
        // Read back, the steps give the vertices again.
        let d = relative("100,50 101,48 103,48 102,51").unwrap();
        let steps = d.split_once('l').unwrap().1;
        let numbers: Vec<i64> = steps
            .replace('-', " -")
            .split([' ', ','])
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().unwrap())
            .collect();
        let (mut x, mut y) = (100, 50);
        let mut back = vec![(x, y)];
        for pair in numbers.chunks(2) {
            (x, y) = (x + pair[0], y + pair[1]);
            back.push((x, y));
        }
        assert_eq!(back, [(100, 50), (101, 48), (103, 48), (102, 51)]);
    }
}
