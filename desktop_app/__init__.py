"""Aftersales Ledger (售后台账): one local ledger for a small shop's after-sales work across platforms."""

from functools import cache


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed package's metadata when first asked for: importing
    importlib.metadata costs the window's start-up ~25 ms (issue 15), and only 关于 and --version ask."""
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aftersales-ledger")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"

APP_NAME = "AftersalesLedger"
APP_TITLE = "售后台账"
