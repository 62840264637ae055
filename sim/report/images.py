"""PNG copies of the run report's charts, drawn by kaleido in a local Chromium (no download, no CDN)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import plotly.graph_objects as go

from .run_data import load_run
from .run_report import run_figures

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
PNG_FOLDER = "png"
PNG_WIDTH = 1200
PNG_WIDTHS = {"map": 950}    # the map keeps its lon/lat proportions: a narrower picture, less white


class PngUnavailable(Exception):
    """PNGs cannot be drawn here; the message is one line saying why. The HTML report needs neither."""


class NoBrowser(PngUnavailable):
    """No Chromium to draw PNGs with; the message is one line saying so and how to point at one."""


class NoKaleido(PngUnavailable):
    """The optional kaleido package is not installed."""


def find_browser() -> str | None:
    """A Chromium: $BROWSER_PATH if it names an executable file, else the first of BROWSER_NAMES on PATH."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return explicit if os.path.isfile(explicit) and os.access(explicit, os.X_OK) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _require_browser() -> str:
    browser = find_browser()
    if browser is None:
        where = os.environ.get("BROWSER_PATH")
        raise NoBrowser(
            f"no Chromium at BROWSER_PATH={where!r}: PNGs need Chromium or Chrome" if where else
            f"no Chromium found on PATH ({', '.join(BROWSER_NAMES[:3])}): PNGs need Chromium or Chrome; "
            "install one or set BROWSER_PATH")
    return browser


def write_pngs(figures: dict[str, go.Figure], folder: Path) -> list[Path]:
    """Each figure as `folder/<key>.png`, drawn in one kaleido session (one browser start)."""
    browser = _require_browser()
    try:
        import kaleido  # optional dependency, only needed here
    except ImportError:
        raise NoKaleido("PNGs need the kaleido package: pip install 'policesim[png]'") from None

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{key}.png" for key in figures]
    jobs = [{"fig": fig.to_dict(), "path": str(path),
             "opts": {"format": "png", "width": PNG_WIDTHS.get(key, PNG_WIDTH),
                      "height": int(fig.layout.height or 450), "scale": 2}}
            for (key, fig), path in zip(figures.items(), paths)]
    previous = os.environ.get("BROWSER_PATH")
    os.environ["BROWSER_PATH"] = browser   # kaleido (choreographer) looks here first
    try:
        # mathjax=False: kaleido's page would otherwise name a CDN copy of MathJax.
        kaleido.write_fig_from_object_sync(jobs, kopts={"mathjax": False})
    finally:
        if previous is None:
            del os.environ["BROWSER_PATH"]
        else:
            os.environ["BROWSER_PATH"] = previous
    return paths


def export_pngs(folder: Path) -> list[Path]:
    """Write every chart of the run report of run folder `folder` as PNG into `folder/png/`.

    Raises NoBrowser when no Chromium is found, NoKaleido without kaleido (both PngUnavailable,
    with a one-line message); the HTML report needs neither.
    """
    folder = Path(folder)
    _require_browser()
    return write_pngs(run_figures(load_run(folder)), folder / PNG_FOLDER)
