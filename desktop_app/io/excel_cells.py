"""What Excel leaves in a cell besides a value: the error values a failed formula shows (#N/A, #REF! …), a
formula saved without its result, and how Excel displays a large number. Every reader hands such cells to
the cleaner (io/cell_values.py), which refuses them naming the cell."""

from __future__ import annotations

from desktop_app.core import messages as msg
from desktop_app.io.import_errors import CellError

# What Excel shows in a cell whose formula failed; a csv saved from Excel keeps it as that text (#N/A as a
# 快递单号 or 收货人 was stored as one). Read from an .xlsx it is an error cell (io/xlsx/formulas).
EXCEL_ERROR_VALUES = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                                "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
                                "#GETTING_DATA"})


class UncalculatedFormula:
    """A cell without a value to import (io/xlsx/formulas): a formula saved without its result, or one whose
    result is an Excel error value (`error`: #N/A, #REF! …; calamine reads both as blank). Every converter
    refuses it, so the row is reported instead of storing a blank where the sheet shows something."""

    __slots__ = ("error", "formula", "where")

    def __init__(self, where: str, formula: str, error: str = "") -> None:
        self.where = where
        self.formula = formula
        self.error = error

    def __repr__(self) -> str:
        return f"UncalculatedFormula({self.where!r}, {self.formula!r}, {self.error!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UncalculatedFormula) and \
            (self.where, self.formula, self.error) == (other.where, other.formula, other.error)

    def __hash__(self) -> int:
        return hash((self.where, self.formula, self.error))

    def refused(self) -> CellError:
        if self.error:
            formula = msg.say(msg.EXCEL_ERROR_FORMULA, self.formula[:40]) if self.formula else ""
            return CellError(msg.say(msg.EXCEL_ERROR, self.error, self.where, formula))
        shown = f"“={self.formula[:40]}”" if self.formula else ""
        return CellError(msg.say(msg.FORMULA, shown, self.where))


def excel_shows(value: float) -> str:
    """How Excel displays a large number in a General cell: 6.92345678901235E+18."""
    return f"{value:.14E}".replace("E+0", "E+").replace("E-0", "E-")
