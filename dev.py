#!/usr/bin/env python3
"""Set up what a fresh machine lacks, then run: `python3 dev.py demo | serve | test [pytest args]`.

Needs only Python 3.11+. Creates .venv and installs the project with its test extras (again only when
pyproject.toml changed). For `test`, installs Debian's chromium when running as root and it is missing.
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


def ensure_chromium() -> None:
    if shutil.which("chromium") or os.path.exists(CHROMIUM):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing chromium (Debian package) for the browser tests ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env,
                       stdin=subprocess.DEVNULL)
    else:
        print("note: chromium is not installed, browser tests will be skipped "
              "(sudo apt-get install chromium)", flush=True)


def main() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is needed (python3 --version)")
    command, rest = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("help", [])
    if command not in ("demo", "serve", "test"):
        sys.exit(__doc__)
    os.chdir(ROOT)
    ensure_venv()
    if command == "test":
        ensure_chromium()
        args = [str(PYTHON), "-m", "pytest", *rest]
    else:
        args = [str(PYTHON), "-m", "voting", command, *rest]
    os.execv(args[0], args)


if __name__ == "__main__":
    main()
