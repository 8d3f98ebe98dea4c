"""Debian's Chromium for Playwright: where it lives, how to launch it, how to install it.

Playwright's own browser downloads are not available on our machines, so the
browser tests and `make screenshots` drive the `chromium` package from Debian.
Shared by tests/browser/conftest.py and tests/browser/screenshots.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

# The flags DESIGN.md asks for, plus two that keep a headless run on a small
# CI machine quiet and steady: no QUIC probing, no /dev/shm (often tiny in containers).
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]

APT_TIMEOUT_SECONDS = 900


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def ensure_chromium() -> str | None:
    """Make sure Debian's Chromium is installed; return why not when it cannot be.

    Installs it with apt-get (after `apt-get update`) when it is missing, as
    root or through password-less sudo. Returns None when the browser is ready,
    otherwise a message that says what to run by hand.
    """
    if _is_executable(CHROMIUM):
        return None
    manual = "install it with `apt-get update && apt-get install -y chromium` (as root), or set CHROMIUM_PATH"
    if shutil.which("apt-get") is None:
        return f"{CHROMIUM} is missing and this machine has no apt-get: {manual}."
    if os.geteuid() == 0:
        prefix: list[str] = []
    elif shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        prefix = ["sudo", "-n"]
    else:
        return f"{CHROMIUM} is missing and installing it needs root: {manual}."
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]):
        try:
            result = subprocess.run(prefix + command, env=env, capture_output=True, text=True, timeout=APT_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return f"`{' '.join(command)}` took longer than {APT_TIMEOUT_SECONDS} s: {manual}."
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
            return f"`{' '.join(command)}` failed ({' / '.join(tail)}): {manual}."
    if not _is_executable(CHROMIUM):
        return f"apt-get installed chromium but {CHROMIUM} is still missing: {manual}."
    return None


def launch(playwright, **options):
    """Launch headless Chromium with the project's flags."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS, **options)
