"""Aftersales Ledger (售后台账): one local ledger for a small shop's after-sales work across platforms."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("aftersales-ledger")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

APP_NAME = "AftersalesLedger"
