#!/usr/bin/env python3
"""Set up what a fresh machine lacks, then run: `python3 dev.py demo | serve | test [pytest args] | lint`.

Needs only Python 3.11+. Creates .venv and installs the project with its test extras (again only when
pyproject.toml changed). For `test`, installs Debian's chromium and a Chinese font (fonts-noto-cjk: without it
every Chinese character renders as a box) when running as root and they are missing.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
CHROMIUM = "/usr/bin/chromium"
CJK_FONT_DIR = "/usr/share/fonts/opentype/noto"      # where Debian's fonts-noto-cjk puts NotoSansCJK-*.ttc


def ensure_venv() -> None:
    stamp = VENV / ".installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    print("installing dependencies ...", flush=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", ".[test]"],
                   cwd=ROOT, check=True)
    stamp.write_text(wanted)


def _has_cjk_font() -> bool:
    if shutil.which("fc-list"):
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
        return bool(found.stdout.strip())
    return any(Path(CJK_FONT_DIR).glob("NotoSansCJK*"))


def ensure_browser() -> None:
    """Debian's chromium and fonts-noto-cjk, installed together (as root, non-interactive, stdin closed)."""
    packages = [name for name, present in (("chromium", shutil.which("chromium") or os.path.exists(CHROMIUM)),
                                           ("fonts-noto-cjk", _has_cjk_font())) if not present]
    if not packages:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {' '.join(packages)} (Debian packages) for the browser tests ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdin=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], check=True,
                       env=env, stdin=subprocess.DEVNULL)
    else:
        print(f"note: {' and '.join(packages)} not installed; browser tests will be skipped or fail "
              f"(sudo apt-get install {' '.join(packages)})", flush=True)


def main() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is needed (python3 --version)")
    command, rest = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("help", [])
    if command not in ("demo", "serve", "test", "lint"):
        sys.exit(__doc__)
    os.chdir(ROOT)
    ensure_venv()
    if command == "test":
        ensure_browser()
        args = [str(PYTHON), "-m", "pytest", *rest]
    elif command == "lint":
        args = [str(VENV / "bin" / "ruff"), "check", ".", *rest]
    else:
        args = [str(PYTHON), "-m", "voting", command, *rest]
    os.execv(args[0], args)


if __name__ == "__main__":
    main()
