"""Errors of the order import: a refused file and a cancelled import are the user's; a bad cell is a row error."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.core.errors import UserError


class OrderFileRefused(UserError):
    """The file is not an order export we can read (empty, corrupt, unknown headers ...): nothing is stored."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"文件“{self.path.name}”无法导入：{reason}")


class UnknownLayout(OrderFileRefused):
    """The file reads fine but its headers match no known export: a column mapping can import it."""


class ImportCancelled(UserError):
    """The user cancelled; the file being imported was rolled back."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        name = f"“{self.path.name}”" if self.path else ""
        super().__init__(f"已取消导入{name}，该文件的数据没有保存")


class CellError(Exception):
    """One cell's value is unusable; the message is Chinese and names the value."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class RowError:
    """A rejected row: spreadsheet row number (header = 1 without a title line), column, reason."""

    row: int | None
    column: str | None
    message: str
    table: str | None = None  # the sheet or companion file, when not the main table


class ItemRowWithoutOrder(Exception):
    """A row of a table with one row per item whose order number cannot be read. Which order the item
    belongs to is unknown, so storing the other rows could replace an order's items with a set that
    lacks it: the import turns this into a refusal of the whole file."""

    def __init__(self, error: RowError, *, under_an_order: bool = False) -> None:
        """`under_an_order`: a table read as one row per order, where this row holds only an item (a
        hand-made sheet that lists an order's further items on the rows under it, order number blank)."""
        where = msg.say(msg.QUOTED_TABLE, error.table) if error.table else ""
        column = msg.say(msg.COLUMN_OF, error.column) if error.column else ""
        self.reason = msg.say(msg.ITEM_ROW_UNDER_ORDER if under_an_order else msg.ITEM_ROW_WITHOUT_ORDER,
                              where, str(error.row), column, error.message)
        super().__init__(self.reason)
