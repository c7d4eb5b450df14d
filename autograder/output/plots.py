"""The reports' pictures, returned as ``data:`` URIs: each student's error plots as SVG written
here, the class report's charts as PNGs made with matplotlib (Agg).

A data URI keeps every HTML report one self-contained file that opens offline, by e-mail or
from a Gradescope download, with no JavaScript. matplotlib is imported only inside the
functions that draw (it takes about a second to import), so reading results or rendering the
Markdown report never pays for it.

Observations (see :func:`autograder.testing.observe`) arrive as stored in results.json: lists of
floats in which NaN and infinity are the strings "nan", "inf".
"""

from __future__ import annotations

import base64
import html
import io
import math
import statistics
from dataclasses import dataclass

from autograder.testing import from_json_float

GREEN, RED, GREY, BLUE = "#2e7d32", "#c62828", "#757575", "#1565c0"


@dataclass
class Series:
    """One label's observations of one test, decoded, with the numbers a caption needs."""
    test: str
    label: str
    count: int          # every example observed (more than are kept)
    over: int           # examples whose error exceeded the bound
    error: list[float]
    bound: list[float]

    @property
    def kept(self) -> int:
        return len(self.error)

    @property
    def worst_ratio(self) -> float:
        """The largest error / bound among the kept pairs (NaN if an error was NaN)."""
        ratios = [_ratio(e, b) for e, b in zip(self.error, self.bound)]
        if any(math.isnan(r) for r in ratios):
            return math.nan
        return max(ratios, default=0.0)

    def caption(self) -> str:
        within = self.count - self.over
        words = (f"{self.test}: the error was within the allowed bound in {within} of "
                 f"{self.count} example{'s' if self.count != 1 else ''}")
        r = self.worst_ratio
        among = f" of the {self.kept} drawn" if self.kept < self.count else ""
        if math.isnan(r):
            words += f"; at least one error{among} was NaN"
        elif math.isinf(r) and any(math.isinf(e) for e in self.error):
            words += f"; the worst error{among} was infinite (an answer of ±inf or an overflow)"
        elif math.isinf(r):
            words += f"; the worst error{among} was over a bound of 0 (an exact result was required)"
        elif self.count:
            words += f"; the worst{among} was {_num(r)} × the bound"
        return words + "."


def series_of(observations: dict) -> list[Series]:
    """results.json's ``extra_data.ulp.observations`` as :class:`Series`, in test order."""
    out = []
    for test, labels in (observations or {}).items():
        for s in labels:
            out.append(Series(test=test, label=str(s.get("label", "")), count=int(s.get("count", 0)),
                              over=int(s.get("over", 0)),
                              error=[from_json_float(v) for v in s.get("error", [])],
                              bound=[from_json_float(v) for v in s.get("bound", [])]))
    return out


def safely(draw, *args) -> str:
    """``draw(*args)``, or "" if matplotlib fails: a picture never costs a report (or a grade,
    since reports are written in the grading process)."""
    try:
        return draw(*args)
    except Exception:  # noqa: BLE001 - any drawing failure; the page's text says it all
        return ""


def _ratio(e: float, b: float) -> float:
    if math.isnan(e) or math.isnan(b):
        return math.nan
    if b == 0:
        return 0.0 if e == 0 else math.inf
    return e / b


def _num(v: float) -> str:
    """Three digits, or as many as it takes to tell a tight 0.9999999 from 1 (pass from fail)."""
    short = f"{v:.3g}"
    return short if float(short) == v or short != "1" else f"{v:.9g}"


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def power_of_ten(k: int) -> str:
    """"10⁻⁵" in plain text: the same look as mathtext's $10^{-5}$, which costs a parse per tick
    label and made plotting slower than grading."""
    return "10" + str(k).translate(_SUPERSCRIPT)


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _data_uri(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    _pyplot().close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def error_vs_bound(s: Series) -> str:
    """A log-log scatter of each example's |error| against its bound, with the line error = bound.

    Points on or below the line passed; red crosses above it failed. An error of exactly 0 has
    no place on a log scale, so such points sit on the bottom edge (blue), an infinite or NaN
    error on the top edge, and examples whose bound and error were both 0 (exact results
    required and given) are only counted. Axes are log10 of the values, so ranges that span
    float64's (1e-323 to 1e308) draw as well as any.

    Drawn as SVG text rather than with matplotlib: one is written for every graded student, and
    matplotlib took longer to draw a report's plots than the grading itself."""
    pts = list(zip(s.error, s.bound))
    logs = [math.log10(v) for e, b in pts for v in (e, b) if math.isfinite(v) and v > 0]
    lo = math.floor(min(logs, default=-12.0)) - 0.5
    hi = math.ceil(max(logs, default=0.0)) + 0.5
    if hi - lo < 3:
        lo, hi = lo - 1, hi + 1

    def at(v):  # log10 of v, held inside the axes (bottom for 0, top for inf and NaN)
        if not math.isfinite(v):
            return hi
        return lo if v <= 0 else min(max(math.log10(v), lo), hi)

    ok = [(at(b), at(e)) for e, b in pts if e <= b and b > 0 and e > 0]
    zero = [(at(b), lo) for e, b in pts if e == 0 and b > 0]
    bad = [(at(b), at(e)) for e, b in pts if not (e <= b)]
    exact = sum(1 for e, b in pts if e == 0 and b == 0)
    pinned = sum(1 for e, _ in pts if not math.isfinite(e))

    svg = _Svg(760, 360, left=84, right=472, top=36, bottom=306, lo=lo, hi=hi)
    svg.polygon([(lo, lo), (hi, hi), (lo, hi)], fill=RED, opacity=0.06)
    svg.grid_and_ticks(_ticks(lo, hi))
    svg.line((lo, lo), (hi, hi), stroke=GREY, width=1.2, dash="5 4")
    legend = [("dash", GREY, "error = allowed bound")]
    for x, y in ok:
        svg.circle(*svg.xy(x, y), GREEN, 0.75)
    for x, y in zero:
        svg.triangle(*svg.xy(x, y), BLUE, 0.6)
    for x, y in bad:
        svg.cross(*svg.xy(x, y), RED)
    if ok:
        legend.append(("circle", GREEN, f"within the bound ({len(ok)})"))
    if zero:
        legend.append(("triangle", BLUE, f"error exactly 0 ({len(zero)})"))
    if bad:
        legend.append(("cross", RED, f"over the bound ({len(bad)})"))
    if pinned:  # an infinite error has no place on the axis: say where it went
        left, _, top, _ = svg.box
        svg.text(left - 6, top + 4, "∞", size=13, anchor="end", extra=f' fill="{RED}"')
        legend.append(("none", RED, f"error infinite or NaN ({pinned}): on the top edge, at ∞"))
    if exact:  # nothing to draw, but the legend accounts for every kept example
        legend.append(("none", GREY, f"bound 0, error 0 ({exact}, not drawn)"))
    svg.frame("allowed bound for the example", "|error| of your answer", s.label)
    svg.legend(legend)
    return svg.data_uri()


def _ticks(lo: float, hi: float) -> list[int]:
    """Whole powers of ten between lo and hi, at most about seven of them."""
    first, last = math.ceil(lo), math.floor(hi)
    step = max(1, math.ceil((last - first + 1) / 7))
    return list(range(first, last + 1, step))


class _Svg:
    """Just enough SVG for :func:`error_vs_bound`: data coordinates lo..hi on both axes mapped
    into the plot box, in pixels, y growing upwards."""

    def __init__(self, width, height, *, left, right, top, bottom, lo, hi):
        self.w, self.h, self.box, self.lo, self.hi = width, height, (left, right, top, bottom), lo, hi
        self.parts = [f'<rect width="{width}" height="{height}" fill="#fff"/>']

    def xy(self, x: float, y: float) -> tuple[float, float]:
        left, right, top, bottom = self.box
        fx, fy = (x - self.lo) / (self.hi - self.lo), (y - self.lo) / (self.hi - self.lo)
        return round(left + fx * (right - left), 1), round(bottom - fy * (bottom - top), 1)

    def polygon(self, points, fill, opacity):
        coords = " ".join("%s,%s" % self.xy(*p) for p in points)
        self.parts.append(f'<polygon points="{coords}" fill="{fill}" fill-opacity="{opacity}"/>')

    def line(self, a, b, stroke, width, dash=""):
        (x1, y1), (x2, y2) = self.xy(*a), self.xy(*b)
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{stroke}" '
                          f'stroke-width="{width}"{dashed}/>')

    # markers: at pixel coordinates (cx, cy), for the plot (via xy) and the legend alike
    def circle(self, cx, cy, fill, opacity, r=2.6):
        self.parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{fill}" fill-opacity="{opacity}"/>')

    def triangle(self, cx, cy, fill, opacity):
        self.parts.append(f'<polygon points="{cx - 3.5},{cy - 3} {cx + 3.5},{cy - 3} {cx},{cy + 3.5}" '
                          f'fill="{fill}" fill-opacity="{opacity}"/>')

    def cross(self, cx, cy, stroke):
        self.parts.append(f'<path d="M{cx - 4.5},{cy - 4.5}L{cx + 4.5},{cy + 4.5}M{cx - 4.5},'
                          f'{cy + 4.5}L{cx + 4.5},{cy - 4.5}" stroke="{stroke}" stroke-width="2"/>')

    def text(self, x, y, words, size=11, anchor="start", extra=""):
        self.parts.append(f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}"{extra}>'
                          f'{html.escape(words)}</text>')

    def grid_and_ticks(self, ticks):
        left, right, top, bottom = self.box
        for k in ticks:
            x, y = self.xy(k, k)
            self.parts.append(f'<path d="M{x},{top}V{bottom}M{left},{y}H{right}" stroke="#000" '
                              'stroke-opacity="0.12"/>')
            self.text(x, bottom + 16, power_of_ten(k), anchor="middle")
            self.text(left - 6, y + 4, power_of_ten(k), anchor="end")

    def frame(self, xlabel, ylabel, title):
        left, right, top, bottom = self.box
        self.parts.append(f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" '
                          'fill="none" stroke="#000" stroke-width="0.8"/>')
        self.text((left + right) / 2, bottom + 36, xlabel, size=12, anchor="middle")
        mid = (top + bottom) / 2
        self.text(left - 56, mid, ylabel, size=12, anchor="middle",
                  extra=f' transform="rotate(-90 {left - 56} {mid})"')
        self.text((left + right) / 2, top - 10, title, size=12, anchor="middle")

    def legend(self, entries):
        x, y = self.box[1] + 22, self.box[2] + 10
        for kind, colour, words in entries:
            if kind == "dash":
                self.parts.append(f'<line x1="{x - 4}" y1="{y}" x2="{x + 12}" y2="{y}" stroke="{colour}" '
                                  'stroke-width="1.2" stroke-dasharray="5 4"/>')
            elif kind == "circle":
                self.circle(x + 4, y, colour, 1, r=3)
            elif kind == "triangle":
                self.triangle(x + 4, y, colour, 0.8)
            elif kind == "cross":
                self.cross(x + 4, y, colour)
            self.text(x + 22, y + 4, words)
            y += 20

    def data_uri(self) -> str:
        body = "".join(self.parts)
        doc = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.w}" height="{self.h}" '
               f'viewBox="0 0 {self.w} {self.h}" font-family="DejaVu Sans, Arial, sans-serif">'
               f'{body}</svg>')
        return "data:image/svg+xml;base64," + base64.b64encode(doc.encode()).decode("ascii")


def score_histogram(scores: list[float], max_score: float) -> str:
    """How many students got each score, on a 0..max axis (one bar per point where it fits)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    top = max([max_score, *scores, 1.0])
    bins = int(math.ceil(top)) if top <= 40 else 20
    ax.hist(scores, bins=bins, range=(0, top), color=BLUE, edgecolor="white")
    if scores:
        mean, median = statistics.fmean(scores), statistics.median(scores)
        ax.axvline(mean, color=RED, lw=1.5, label=f"mean {mean:.2f}")
        ax.axvline(median, color=GREY, lw=1.5, ls="--", label=f"median {median:g}")
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    ax.set_xlabel(f"score (of {max_score:g})")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(True, axis="y", alpha=0.25)
    return _data_uri(fig)


def pass_rates(names: list[str], rates: list[float]) -> str:
    """A horizontal bar per test: the share of students who passed it (red where under half)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8.0, 0.8 + 0.36 * max(1, len(names))))
    y = list(range(len(names)))[::-1]
    bars = ax.barh(y, [100 * r for r in rates], color=[GREEN if r >= 0.5 else RED for r in rates])
    ax.bar_label(bars, [f"{100 * r:.0f} %" for r in rates], padding=3, fontsize=10)
    ax.set_yticks(y, names, fontsize=11)
    ax.set_xlim(0, 112)  # room for the label of a bar at 100 %
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("% of students who passed", fontsize=11)
    ax.grid(True, axis="x", alpha=0.25)
    return _data_uri(fig)
