"""Build the installable app: translations, PyInstaller bundle, then a smoke test of the bundle.

    python installer/build.py            # dist/AftersalesLedger-<version>/
    python installer/build.py --no-smoke

The smoke test (as qutebrowser's release script does) runs the frozen program once headless
(`case list --json` against a fresh database) and once as a window for a second, and fails on
any error output.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_translations() -> None:
    tool = ROOT / "installer" / "update_translations.py"
    if tool.exists():
        subprocess.run([sys.executable, str(tool), "--release"], check=True, cwd=ROOT)


def bundle_dir() -> Path:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    return ROOT / "dist" / f"AftersalesLedger-{version}"


def smoke(bundle: Path) -> None:
    exe = bundle / ("AftersalesLedger.exe" if os.name == "nt" else "AftersalesLedger")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, AFTERSALES_LEDGER_HOME=tmp, QT_QPA_PLATFORM="offscreen")
        db = str(Path(tmp) / "smoke.sqlite3")
        result = subprocess.run([str(exe), "case", "list", "--db", db, "--json"], capture_output=True, text=True,
                                env=env, timeout=120, check=False)
        if result.returncode != 0 or result.stdout.strip() != "[]":
            raise SystemExit(f"smoke test (CLI) failed: {result.returncode}\n{result.stdout}\n{result.stderr}")
        window = subprocess.Popen([str(exe), "--db", db], env=env, stderr=subprocess.PIPE, text=True)
        try:
            window.wait(timeout=4)
            raise SystemExit(f"smoke test (window) exited early:\n{window.stderr.read() if window.stderr else ''}")
        except subprocess.TimeoutExpired:
            window.terminate()
            _, err = window.communicate(timeout=10)
        bad = [line for line in err.splitlines() if "Traceback" in line or "Error" in line]
        if bad:
            raise SystemExit("smoke test (window) printed errors:\n" + err)
    print(f"smoke test passed: {exe}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-smoke", action="store_true")
    args = parser.parse_args()
    build_translations()
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                    str(ROOT / "installer" / "aftersales_ledger.spec")], check=True, cwd=ROOT)
    if not args.no_smoke:
        smoke(bundle_dir())


if __name__ == "__main__":
    main()
