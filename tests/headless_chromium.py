"""Rendering a report page in Debian's headless Chromium (`.ci/run` installs it).

Shared by the tests that check a generated HTML page the way a person sees it: the DOM
Chromium built (scripts run) and a screenshot kept beside it.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def render(page: Path, profile_dir: Path, window: str) -> tuple[str, Path]:
    """(DOM after scripts ran, screenshot path) of `page`; fails in CI when Chromium is missing."""
    browser = chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
             f"--user-data-dir={profile_dir / 'profile'}", f"--window-size={window}"]
    url = page.as_uri()
    dom = subprocess.run([*flags, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True).stdout
    shot = page.with_suffix(".png")
    subprocess.run([*flags, f"--screenshot={shot}", url], capture_output=True, timeout=120, check=True)
    return dom, shot
