"""The 研判简报's charts as PNG images for the Word file, drawn on the server without a browser
(matplotlib's Agg backend) with a CJK font of the system: the same bar charts the brief's page
draws with ECharts (``selectors.section_charts``).

The font: ``settings.REPORTS_CHART_FONT`` (a font file) if set, else the first installed font
whose family is one of ``CJK_FAMILIES`` (Debian: ``fonts-noto-cjk``). Without matplotlib or
without such a font ``renderer()`` is None and the Word file keeps its tables only, saying so.
"""

from __future__ import annotations

import io
from functools import lru_cache

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing CN",
    "SimSun",
    "SimHei",
    "Microsoft YaHei",
)
COLOURS = ("#2f6fb0", "#9bbbe0", "#c9c9c9")  # this period, 环比, 同比 (as on the page)


@lru_cache(maxsize=4)
def cjk_font(configured: str | None = None) -> str | None:
    """The path of a font that draws Chinese, or None."""
    try:
        from matplotlib import font_manager
    except ImportError:
        return None
    if configured:
        return configured
    by_name: dict[str, str] = {}
    for entry in sorted(font_manager.fontManager.ttflist, key=lambda e: e.weight != 400):
        by_name.setdefault(entry.name, entry.fname)  # the regular weight first
    for family in CJK_FAMILIES:
        if family in by_name:
            return by_name[family]
    return None


def renderer():
    """``draw(spec) -> PNG bytes`` with a CJK font, or None when none can be used."""
    from django.conf import settings

    path = cjk_font(getattr(settings, "REPORTS_CHART_FONT", None) or None)
    if path is None:
        return None
    return lambda spec: bar_png(spec, path)


def bar_png(spec: dict, font_path: str) -> bytes:
    """A grouped bar chart of ``{"title", "names", "series": [{"name", "values"}]}`` as PNG
    (15 cm wide at 150 dpi). A missing value (no data for that period) draws no bar."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    font = font_manager.FontProperties(fname=font_path)
    names, series = spec["names"], spec["series"]
    fig = Figure(figsize=(5.9, 2.6), dpi=150)
    ax = fig.add_subplot()
    width = 0.8 / max(len(series), 1)
    for i, s in enumerate(series):
        xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(names))]
        values = [0 if v is None else v for v in s["values"]]
        bars = ax.bar(xs, values, width, label=s["name"], color=COLOURS[i % len(COLOURS)])
        for bar, v in zip(bars, s["values"], strict=True):
            if v:
                ax.annotate(
                    f"{v:g}",
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center",
                    va="bottom",
                    fontsize=6,
                )
    ax.set_xticks(range(len(names)))
    rotate = 30 if len(names) > 4 else 0
    ax.set_xticklabels(
        names, fontproperties=font, fontsize=7, rotation=rotate, ha="right" if rotate else "center"
    )
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title(spec["title"], fontproperties=font, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        ax.legend(prop=font_manager.FontProperties(fname=font_path, size=7), frameon=False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
