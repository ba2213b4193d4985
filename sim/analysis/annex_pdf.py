"""The annex as PDF: the HTML file printed by headless Chromium (Debian's ``chromium``).

A subprocess, not Playwright: Playwright is a development dependency (the browser tests), and
printing one local file needs no more than the browser's own ``--print-to-pdf``. The page has
no script and no external resource, so nothing has to load before printing. The PDF is
written to a temporary name and renamed (``sim.atomic``) only when it looks like a PDF.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sim.atomic import write_with

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
# the project's headless Chromium flags (the browser tests use the same ones)
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
FLAGS = (*HEADLESS_FLAGS, "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw")
TIMEOUT_S = 180


class PdfError(RuntimeError):
    """No PDF: the message says why (no browser, the browser failed)."""


def find_browser(explicit: str | None = None) -> str | None:
    """The Chromium executable to print with: ``explicit``, ``$ANNEX_CHROMIUM``, or the first
    of ``CANDIDATES`` found."""
    for name in (explicit, os.environ.get("ANNEX_CHROMIUM"), *CANDIDATES):
        if name and (found := shutil.which(name)):
            return found
    return None


def print_pdf(html_file: Path, pdf_file: Path, browser: str | None = None) -> Path:
    """Print ``html_file`` to ``pdf_file``; PdfError when no browser is found or it fails."""
    exe = find_browser(browser)
    if exe is None:
        raise PdfError(
            f"no Chromium found (tried {', '.join(CANDIDATES)}; set ANNEX_CHROMIUM or "
            f"install Debian's chromium package)"
        )
    url = Path(html_file).resolve().as_uri()

    def write(tmp: Path) -> None:
        # a profile of its own: a browser the user has open does not lock this one
        with tempfile.TemporaryDirectory(prefix="annex-chromium-") as profile:
            cmd = [exe, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}", url]
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                raise PdfError(f"{exe} did not finish within {TIMEOUT_S} s") from None
        if not tmp.is_file() or tmp.read_bytes()[:5] != b"%PDF-":
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            raise PdfError(f"{exe} wrote no PDF (exit {proc.returncode}): {' | '.join(tail)}")

    return write_with(pdf_file, write)
