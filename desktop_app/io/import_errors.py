"""Errors of the order import: a refused file and a cancelled import are the user's; a bad cell is a row error."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
        where = f"“{error.table}”" if error.table else ""
        column = f"“{error.column}”列" if error.column else ""
        if under_an_order:
            self.reason = (f"{where}第 {error.row} 行{column}：{error.message}，但这一行有商品，像是上面那张订单的"
                           "又一件商品。导入其余的行会让那张订单少记这件商品，所以整个文件都没有导入。请在每一行"
                           "都填上订单号，并在“导入其他表格”里把“每行是”选为“一行一个商品”后再导入")
        else:
            self.reason = (f"{where}第 {error.row} 行{column}：{error.message}。这张表每行是一件商品，读不出订单号的行"
                           "不知道属于哪张订单，导入其余的行会让那张订单少记这件商品，所以整个文件都没有导入。"
                           "请改正这一行（或从平台重新导出）后再导入")
        super().__init__(self.reason)
