"""The frozen smoke test of installer/build.py on a bundle built before (building one takes minutes to
an hour, so the suite does not build): set AFTERSALES_LEDGER_BUNDLE_DIST to the --dist folder of
`python installer/build.py --dist DIR`; without it the test is skipped."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = os.environ.get("AFTERSALES_LEDGER_BUNDLE_DIST")


@pytest.mark.slow
@pytest.mark.skipif(not DIST, reason="no frozen bundle given (AFTERSALES_LEDGER_BUNDLE_DIST)")
def test_the_frozen_bundle_passes_its_smoke_test() -> None:
    spec = importlib.util.spec_from_file_location("installer_build", ROOT / "installer" / "build.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    build.smoke(build.bundle_dir(Path(str(DIST))))  # raises SystemExit with the failure
