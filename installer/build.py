"""Build the installable app: translations, PyInstaller bundle, then a smoke test of the bundle.

    python installer/build.py            # dist/AftersalesLedger-<version>/
    python installer/build.py --dist /tmp/al-dist --work /tmp/al-build   # build outside the tree
    python installer/build.py --no-smoke
    python installer/build.py --smoke-only --dist /tmp/al-dist           # test a bundle built before

The smoke test (as qutebrowser's release script does) runs the frozen program once headless
(`--help` of each command, `import-orders` into a fresh database, then `case list --json`) and once as a
window for a second, and fails on any error output.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the command table of the tree being built (the smoke test asks each command)

from desktop_app.cli.command_table import COMMANDS  # noqa: E402  (after the path above)


def build_translations() -> None:
    tool = ROOT / "installer" / "update_translations.py"
    if tool.exists():
        subprocess.run([sys.executable, str(tool), "--release"], check=True, cwd=ROOT)


def project_version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])


def bundle_dir(dist: Path) -> Path:
    return dist / f"AftersalesLedger-{project_version()}"


def write_windows_version(version: str) -> Path:
    """The exe's version resource (Explorer → Properties → Details), read by the spec on Windows."""
    parts = [*version.split("."), "0", "0", "0"][:3]
    numbers = ", ".join([*parts, "0"])
    text = f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers=({numbers}), prodvers=({numbers})),
  kids=[StringFileInfo([StringTable('080404B0', [
    StringStruct('CompanyName', 'Aftersales Ledger'),
    StringStruct('FileDescription', '售后台账 Aftersales Ledger'),
    StringStruct('FileVersion', '{version}'),
    StringStruct('ProductName', '售后台账'),
    StringStruct('ProductVersion', '{version}'),
    StringStruct('LegalCopyright', 'MIT License')])]),
    VarFileInfo([VarStruct('Translation', [2052, 1200])])]
)
"""
    path = ROOT / "installer" / "windows-version.txt"
    path.write_text(text, encoding="utf-8")
    return path


SAMPLE = ROOT / "tests" / "fixtures" / "samples" / "pdd_orders.csv"
SAMPLE_ORDER = "261101-103283030276851"  # the sample's first order


def _run(argv: list[str], env: dict[str, str], what: str, timeout: float = 300) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    if result.returncode != 0 or "Traceback" in result.stderr:
        raise SystemExit(f"smoke test ({what}) failed: exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _orders(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("SELECT count(*) FROM orders").fetchone()[0])
    except sqlite3.Error:  # not created yet, or being migrated by the window
        return 0


def _window(exe: Path, args: list[str], env: dict[str, str], until: Callable[[], bool], what: str,
            seconds: float = 90) -> None:
    """Start the windowed program, wait until `until()` holds (or `seconds` pass), close it, and fail on
    an early exit, a traceback, a Qt warning or an error in its output."""
    window = subprocess.Popen([str(exe), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and window.poll() is None and not until():
        time.sleep(0.5)
    early = window.poll() is not None
    window.terminate()
    output, _ = window.communicate(timeout=30)
    if early:
        raise SystemExit(f"smoke test ({what}) exited early:\n{output}")
    if not until():
        raise SystemExit(f"smoke test ({what}): not done within {seconds:.0f} s\n{output}")
    bad = [line for line in output.splitlines() if any(w in line for w in ("Traceback", "Error", "Warning", "警告"))]
    if bad:
        raise SystemExit(f"smoke test ({what}) printed errors:\n{output}")


def smoke(bundle: Path) -> None:
    """The frozen programs, as a user runs them: the CLI (version, each command's help, list, an import, a
    statement PDF) and the window in Chinese, in English, and opening a file the desktop passed ("open with")."""
    suffix = ".exe" if os.name == "nt" else ""
    exe, cli = bundle / f"AftersalesLedger{suffix}", bundle / f"aftersales-cli{suffix}"
    if not list(bundle.rglob("desktop_app_en.qm")):
        raise SystemExit("smoke test: the English translation (.qm) is not in the bundle")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = dict(os.environ, AFTERSALES_LEDGER_HOME=str(home), QT_QPA_PLATFORM="offscreen")
        db = Path(tmp) / "smoke.sqlite3"
        if project_version() not in _run([str(cli), "--version"], env, "CLI --version"):
            raise SystemExit("smoke test (CLI --version): the version is not printed")
        # A command's module is imported by name when the command is parsed (cli/command_table.py), which
        # PyInstaller cannot follow: each must be in the bundle (the spec's hidden imports).
        for command in COMMANDS:
            if not _run([str(cli), command.name, "--help"], env, f"CLI {command.name} --help").startswith("用法："):
                raise SystemExit(f"smoke test (CLI {command.name} --help): no help printed")
        # The import makes the ledger (a read command on a ledger that is not there refuses and creates nothing).
        _run([str(cli), "import-orders", str(SAMPLE), "--db", str(db)], env, "CLI import")
        if _run([str(cli), "case", "list", "--db", str(db), "--json"], env, "CLI case list").strip() != "[]":
            raise SystemExit("smoke test (CLI case list): a ledger of imported orders lists cases")
        pdf = Path(tmp) / "货值说明.pdf"
        _run([str(cli), "statement", "--order", SAMPLE_ORDER, "--platform", "pdd", "--out", str(pdf), "--db", str(db)],
             env, "CLI statement PDF")
        if not pdf.read_bytes().startswith(b"%PDF"):
            raise SystemExit("smoke test (CLI statement PDF): no PDF written")
        log = home / "logs" / "ledger.log"
        _window(exe, ["--db", str(db)], env, log.exists, "window, Chinese")
        settings = home / "settings.ini"
        settings.write_text("[ui]\nlanguage=en\n", encoding="utf-8")
        started = log.stat().st_size
        _window(exe, ["--db", str(db)], env, lambda: log.stat().st_size > started, "window, English")
        if "no translation for en" in log.read_text(encoding="utf-8", errors="replace")[started:]:
            raise SystemExit("smoke test (window, English): the English translation did not load")
        opened = Path(tmp) / "opened.sqlite3"  # "open with": the desktop passes only the file
        _window(exe, ["--db", str(opened), str(SAMPLE)], env, lambda: _orders(opened) > 0, "window, open with")
    print(f"smoke test passed: {exe} and {cli}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-smoke", action="store_true", help="build only")
    parser.add_argument("--smoke-only", action="store_true", help="test the bundle already in --dist")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the bundle goes (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's work folder (default: build/)")
    args = parser.parse_args()
    if not args.smoke_only:
        build_translations()
        write_windows_version(project_version())
        subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                        "--distpath", str(args.dist), "--workpath", str(args.work),
                        str(ROOT / "installer" / "aftersales_ledger.spec")], check=True, cwd=ROOT)
    if not args.no_smoke:
        smoke(bundle_dir(args.dist))


if __name__ == "__main__":
    main()
