"""Build the installable app: translations, PyInstaller bundle, then a smoke test of the bundle.

    python installer/build.py            # dist/AftersalesLedger-<version>/
    python installer/build.py --dist /tmp/al-dist --work /tmp/al-build   # build outside the tree
    python installer/build.py --no-smoke
    python installer/build.py --smoke-only --dist /tmp/al-dist           # test a bundle built before

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


def smoke(bundle: Path) -> None:
    exe = bundle / ("AftersalesLedger.exe" if os.name == "nt" else "AftersalesLedger")
    cli = bundle / ("aftersales-cli.exe" if os.name == "nt" else "aftersales-cli")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, AFTERSALES_LEDGER_HOME=tmp, QT_QPA_PLATFORM="offscreen")
        db = str(Path(tmp) / "smoke.sqlite3")
        result = subprocess.run([str(cli), "case", "list", "--db", db, "--json"], capture_output=True, text=True,
                                env=env, timeout=120, check=False)
        if result.returncode != 0 or result.stdout.strip() != "[]":
            raise SystemExit(f"smoke test (CLI) failed: {result.returncode}\n{result.stdout}\n{result.stderr}")
        sample = ROOT / "tests" / "fixtures" / "samples" / "pdd_orders.csv"
        result = subprocess.run([str(cli), "import-orders", str(sample), "--db", db], capture_output=True,
                                text=True, env=env, timeout=300, check=False)
        if result.returncode != 0 or "Traceback" in result.stderr:
            raise SystemExit(f"smoke test (CLI import) failed: {result.returncode}\n{result.stderr}")
        if not (bundle / "_internal" / "resources" / "i18n" / "desktop_app_en.qm").exists() and not list(
                bundle.rglob("desktop_app_en.qm")):
            raise SystemExit("smoke test: the English translation (.qm) is not in the bundle")
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
