"""The charts of the LKjIP document drawn with matplotlib: inline SVG for HTML, PNG for Word.

A `blocks.Chart` says what to draw (categories, series of exact values, a reference line);
this module alone knows matplotlib, and is imported only by `kinerja report` (the `report`
extra). Three kinds: `capaian` (a bar per indicator coloured by its predikat, a line at 100 %),
`trend` (realisasi per year as bars against the target as a line) and `budget` (serapan and
capaian per sasaran as grouped bars). A value None is a gap: no bar, a break in the line,
never 0.

The same chart gives the same bytes on every run and machine: matplotlib's defaults are
restored for each drawing (a user's matplotlibrc changes nothing), the font is DejaVu Sans
(shipped inside matplotlib), the SVG's ids come from a fixed salt, and no date or version is
written into either file. SVG text is drawn as paths (`svg.fonttype 'path'`): the glyphs travel
inside the file, so a browser or Word without DejaVu Sans shows exactly what was drawn, and no
font lookup on the reader's machine can move a label; the text is then not selectable, which a
picture pasted into a report does not need (the figures are in the tables).
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from kinerja_dsl.catalog import quantized

from ..numbers import format_number
from ..reports.blocks import Chart, Series

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

WIDTH_INCHES = 6.3          # the text width of an A4 page with 2,5 cm margins (16 cm)
HEIGHT_INCHES = 3.4
SERIES_COLORS = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0")   # dark, printable, told apart in grey
REFERENCE_COLOR = "#c00000"
GAP = "nan"                  # a value that is not there: matplotlib draws nothing for it

# every parameter that decides the bytes, on top of matplotlib's own defaults
_RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 8.0,
    "svg.fonttype": "path",
    "svg.image_inline": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.6,
    "path.simplify": False,
}
SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
PNG_METADATA = {"Software": None}


# ---- the one place a chart's values become floats ----------------------------------------------

def pixel_positions(values: tuple[Decimal | None, ...]) -> list[float]:
    """Exact values as drawing positions: a chart is a picture, not a result, so here (and only
    here) a Decimal becomes a float; None becomes NaN, which matplotlib leaves out (a gap)."""
    return [float(GAP) if v is None else float(v) for v in values]


def _tick_formatter(locale: str) -> FuncFormatter:
    """Axis numbers in the document's notation (102,84; 1.000): the tick matplotlib gives, read back
    as a short exact decimal (6 places at most) and written by engine/numbers.py."""
    from matplotlib.ticker import FuncFormatter

    def text(x: float, _position: int) -> str:
        value = quantized(Decimal(str(round(x, 6))), Decimal("0.000001"), ROUND_HALF_UP).normalize()
        return format_number(value + 0, locale)   # + 0: no "-0"
    return FuncFormatter(text)


# ---- drawing ------------------------------------------------------------------------------

@contextmanager
def _settings(chart: Chart) -> Iterator[None]:
    """matplotlib's defaults and ours for one drawing, restored afterwards: nothing leaks into
    (or from) the process's global settings. The SVG ids are salted with the chart's slug, so
    two charts inlined in one HTML page never share an id for different shapes."""
    import matplotlib

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        with matplotlib.rc_context(rc={**_RC, "svg.hashsalt": f"kinerja_dsl-{chart.slug or chart.kind}"}):
            yield


def _figure(chart: Chart) -> Figure:
    """The chart drawn on a Figure of its own (never pyplot's global figures)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), layout="constrained")
    ax = figure.add_subplot()
    count = len(chart.categories)
    positions = list(range(count))
    bars = [s for s in chart.series if s.kind == "bar"]
    width = 0.8 / max(len(bars), 1)
    crowded = count > 12
    for k, series in enumerate(chart.series):
        colour = SERIES_COLORS[k % len(SERIES_COLORS)]
        values = pixel_positions(series.values)
        if series.kind == "bar":
            offset = (bars.index(series) - (len(bars) - 1) / 2) * width
            drawn = ax.bar([p + offset for p in positions], values, width=width * 0.92,
                           color=list(series.colors) if series.colors else colour,
                           label=None if series.colors and chart.legend else series.label, zorder=2)
            _label_bars(ax, drawn, series, chart.locale, crowded)
        else:
            ax.plot(positions, values, color=REFERENCE_COLOR if series.kind == "reference" else colour,
                    marker="o", markersize=3.5, linewidth=1.4, label=series.label, zorder=3,
                    linestyle="--" if series.kind == "reference" else "-")
    if chart.reference_line is not None:
        ax.axhline(pixel_positions((chart.reference_line,))[0], color=REFERENCE_COLOR, linewidth=1.0,
                   linestyle="--", label=chart.reference_label or None, zorder=3)
    if chart.legend:
        from matplotlib.patches import Patch

        handles, _ = ax.get_legend_handles_labels()
        handles += [Patch(facecolor=colour, label=label) for label, colour in chart.legend]
    else:
        handles, _ = ax.get_legend_handles_labels()
    if handles:
        figure.legend(handles=handles, loc="outside upper center", ncols=min(len(handles), 6), frameon=False,
                      fontsize=7)
    ax.set_xticks(positions, list(chart.categories), rotation=90 if crowded else 0,
                  fontsize=6 if crowded else 7.5)
    ax.set_xlim(-0.6, count - 0.4)
    negative = any(v is not None and v < 0 for series in bars for v in series.values)
    ax.margins(y=0.22 if negative and crowded else 0.12)  # room for the bars' figures, a negative one's below it
    ax.yaxis.set_major_formatter(_tick_formatter(chart.locale))
    ax.set_ylabel(chart.y_label)
    ax.axhline(0, color="#808080", linewidth=0.6, zorder=1)
    return figure


def _label_bars(ax: Axes, drawn: object, series: Series, locale: str, crowded: bool) -> None:
    """Each bar's figure above it (below a negative one), in the document's notation; none for a gap."""
    exact = Decimal(1).scaleb(-series.places) if series.places is not None else None
    texts = [format_number(v.quantize(exact, ROUND_HALF_UP) if exact is not None else v, locale)
             if v is not None else "" for v in series.values]
    ax.bar_label(drawn, labels=texts, padding=1.5, fontsize=5 if crowded else 6.5,  # type: ignore[arg-type]
                 rotation=90 if crowded else 0)


# ---- the two formats ------------------------------------------------------------------------

_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_GLOBAL_STYLE = re.compile(r"\s*<style type=\"text/css\">\*\{stroke-linejoin: round; stroke-linecap: butt\}</style>")
_EMPTY_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)


def svg(chart: Chart) -> str:
    """The chart as one inline `<svg>` element: no XML prolog or DOCTYPE, no external reference, no
    date. matplotlib's page-wide style (`*{stroke-linejoin…}`), which inlined in HTML would style the
    whole page, becomes attributes of the chart's own root, inherited by its shapes alone."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    with _settings(chart):
        figure = _figure(chart)
        FigureCanvasSVG(figure)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata=SVG_METADATA)
    text = _PROLOG.sub("", buffer.getvalue(), count=1)
    text = _GLOBAL_STYLE.sub("", text, count=1)
    text = _EMPTY_METADATA.sub("", text, count=1)
    return text.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1).strip() + "\n"


def png(chart: Chart, dpi: int = 150) -> bytes:
    """The chart as a PNG for Word, `dpi` dots per inch (150: sharp on paper, small in a .docx)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with _settings(chart):
        figure = _figure(chart)
        FigureCanvasAgg(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, metadata=PNG_METADATA)
    return buffer.getvalue()
