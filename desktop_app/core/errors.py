"""Typed errors: a `UserError` is the user's to fix and carries a Chinese message; anything else is a bug."""

from __future__ import annotations


class UserError(Exception):
    """A known problem with what the user gave us (bad value, bad file, forbidden action)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(UserError):
    """The thing asked for does not exist (case number, order number ...)."""


class ActionNotAllowed(UserError):
    """The case's current state does not allow the action."""


class StaleData(UserError):
    """Someone else changed the record since it was read (optimistic locking)."""


class DatabaseTooNew(UserError):
    """The database was written by a newer version of the app."""


class LedgerDamaged(UserError):
    """The ledger file fails SQLite's integrity check: it is not written to."""

    def __init__(self, path: object, problems: tuple[str, ...] = ()) -> None:
        super().__init__(f"数据库文件 {path} 已损坏，为免损失扩大，程序不会再写入它。")
        self.path = path
        self.problems = problems


class LedgerBusy(UserError):
    """Another program kept the ledger locked for longer than the busy timeout."""


class ReadInterrupted(Exception):
    """A read was stopped on purpose before it finished (the user asked for something newer): its result
    is not wanted, so it is neither an error to show nor a bug to log."""
