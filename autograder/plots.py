"""The reports' pictures: PNGs made with matplotlib (Agg), returned as ``data:`` URIs.

A data URI keeps every HTML report one self-contained file that opens offline, by e-mail or
from a Gradescope download, with no JavaScript. matplotlib is imported only inside the
functions that draw (it takes about a second to import), so reading results or rendering the
Markdown report never pays for it.

Observations (see :func:`autograder.testing.observe`) arrive as stored in results.json: lists of
floats in which NaN and infinity are the strings "nan", "inf".
"""

from __future__ import annotations

import base64
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


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _data_uri(fig, tight: bool = True) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight" if tight else None)
    _pyplot().close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def error_vs_bound(s: Series) -> str:
    """A log-log scatter of each example's |error| against its bound, with the line error = bound.

    Points on or below the line passed; red crosses above it failed. An error of exactly 0 has
    no place on a log scale, so such points sit on the bottom edge (blue), an infinite or NaN
    error on the top edge, and examples whose bound and error were both 0 (exact results
    required and given) are only counted. The axes are log10 of the values on linear scales:
    matplotlib's log axes overflow on ranges that span float64's (1e-323 to 1e308)."""
    plt = _pyplot()
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    fig, ax = plt.subplots(figsize=(7.6, 3.6))  # fixed layout: every such plot the same size
    fig.subplots_adjust(left=0.11, right=0.62, bottom=0.15, top=0.9)
    pts = list(zip(s.error, s.bound))
    logs = [math.log10(v) for e, b in pts for v in (e, b) if math.isfinite(v) and v > 0]
    lo = math.floor(min(logs, default=-12.0)) - 0.5
    hi = math.ceil(max(logs, default=0.0)) + 0.5
    if hi - lo < 3:
        lo, hi = lo - 1, hi + 1

    def at(v):  # log10 of v, held inside the axes (0 at the bottom, inf/NaN at the top)
        if not math.isfinite(v):
            return hi
        return lo if v <= 0 else min(max(math.log10(v), lo), hi)

    ok = [(at(b), at(e)) for e, b in pts if e <= b and b > 0 and e > 0]
    zero = [(at(b), lo) for e, b in pts if e == 0 and b > 0]
    bad = [(at(b), at(e)) for e, b in pts if not (e <= b)]
    exact = sum(1 for e, b in pts if e == 0 and b == 0)
    ax.fill_between([lo, hi], [lo, hi], [hi, hi], color=RED, alpha=0.06, lw=0)
    ax.plot([lo, hi], [lo, hi], color=GREY, lw=1.2, ls="--", label="error = allowed bound")
    if ok:
        ax.scatter(*zip(*ok), s=14, color=GREEN, alpha=0.75, label=f"within the bound ({len(ok)})")
    if zero:
        ax.scatter(*zip(*zero), s=14, color=BLUE, marker="v", alpha=0.6, clip_on=False,
                   label=f"error exactly 0 ({len(zero)})")
    if bad:
        ax.scatter(*zip(*bad), s=46, color=RED, marker="x", linewidths=2, clip_on=False,
                   label=f"over the bound ({len(bad)})")
    if exact:  # nothing to draw, but the legend accounts for every kept example
        ax.plot([], [], ls="", label=f"bound 0, error 0 ({exact}, not drawn)")
    power = FuncFormatter(lambda v, _: f"$10^{{{int(round(v))}}}$")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(nbins=7, integer=True))
        axis.set_major_formatter(power)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_xlabel("allowed bound for the example")
    ax.set_ylabel("|error| of your answer")
    ax.set_title(s.label, fontsize=9)
    ax.grid(True, which="major", alpha=0.25)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.03, 1.0), frameon=False)
    return _data_uri(fig, tight=False)


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
    fig, ax = plt.subplots(figsize=(7.2, 0.6 + 0.26 * max(1, len(names))))
    y = list(range(len(names)))[::-1]
    ax.barh(y, [100 * r for r in rates], color=[GREEN if r >= 0.5 else RED for r in rates])
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of students who passed")
    ax.grid(True, axis="x", alpha=0.25)
    return _data_uri(fig)
