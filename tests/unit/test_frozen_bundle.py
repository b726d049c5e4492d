"""The frozen smoke test of installer/build.py on a bundle built before (building one takes minutes to
an hour, so the suite does not build): set AFTERSALES_LEDGER_BUNDLE_DIST to the --dist folder of
`python installer/build.py --dist DIR`; without it the test is skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from script_modules import load_script

ROOT = Path(__file__).resolve().parents[2]
DIST = os.environ.get("AFTERSALES_LEDGER_BUNDLE_DIST")


@pytest.mark.slow
@pytest.mark.skipif(not DIST, reason="no frozen bundle given (AFTERSALES_LEDGER_BUNDLE_DIST)")
def test_the_frozen_bundle_passes_its_smoke_test() -> None:
    build = load_script(ROOT / "installer" / "build.py", "installer_build")
    build.smoke(build.bundle_dir(Path(str(DIST))))  # raises SystemExit with the failure
