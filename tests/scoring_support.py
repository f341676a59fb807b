"""Shared by the scoring tests: the `scoring` CLI as a subprocess, input files, and what Excel shows for a cell."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args, cwd):
    """The CLI of this checkout (not whichever `scoring` an editable install points at)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "scoring", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def excel_text(cell) -> str:
    """What Excel shows for a number under the formats the export writes ("0.00", "0.000", "0.0%", "0%")."""
    fmt = cell.number_format
    percent = fmt.endswith("%")
    decimals = len(fmt.removesuffix("%").partition(".")[2])
    value = cell.value * 100 if percent else cell.value
    return f"{value:.{decimals}f}" + ("%" if percent else "")
