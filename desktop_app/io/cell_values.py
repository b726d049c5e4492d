"""Turning one spreadsheet cell into a clean value: text, an identifier, money in fen, a count, a time.

Platforms decorate values so that Excel keeps them as text (`="2319…"`, a leading `'`, a trailing
tab, `No:YT…`, `￥0.00元`); the cleaner takes those off. Identifiers (order, sub-order, tracking and
phone numbers) are text: a number cell or `6.92345678901235E+18` means Excel already rounded the
id, so it is refused rather than stored with wrong digits. These functions run for every cell of a
100,000-row file, hence the type checks by `__class__` and the early returns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from desktop_app.core import cell_messages as cells
from desktop_app.core import messages as msg
from desktop_app.core.clock import CHINA
from desktop_app.core.event_notes import note
from desktop_app.core.money import HALF_WIDTH, MAX_YUAN, commas_misplaced
from desktop_app.core.order_records import utc_text
from desktop_app.io.excel_cells import EXCEL_ERROR_VALUES, UncalculatedFormula, excel_shows
from desktop_app.io.import_errors import CellError
from desktop_app.io.import_profiles import Cleaning

FEN = Decimal("0.01")
_HUNDRED = Decimal(100)
# Binary noise of a float cell (0.1 + 0.2) is not a third decimal the shop typed.
_FLOAT_NOISE = Decimal("0.000001")
_MONEY_MARKS = str.maketrans("", "", " ,，￥¥元\t\u3000")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")
# An amount as text: digits with at most one decimal point. Decimal also reads "1e5" (100,000 yuan from a
# cell that says 1e5) and "1_000"; no platform writes either, and a shop's sheet never means them.
_PLAIN_AMOUNT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
# Platforms' order numbers are 15–25 characters; 64 leaves room for hand-made ones, not for a pasted text.
ORDER_NO_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_\-]{0,63}$")
MAX_QUANTITY = 1_000_000
# Excel and WPS in Chinese show a time formatted "上午/下午 h:mm" (or "h:mm AM/PM") as 2026/11/11 下午 3:05,
# and a csv saved from them keeps that text: the half of the day before or after the time.
_LOOSE_MOMENT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(上午|下午|AM|PM|am|pm)?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})"
    r"(?:\s*[:：分]\s*(?:(\d{1,2})(?:\.(\d{1,6}))?\s*秒?)?)?(?:\s*(上午|下午|AM|PM|am|pm))?)?"
    r"(?:\s*(?:Z|(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})))?$"  # an offset some exporters add (+0800, +08:00)
)
_AFTERNOON = frozenset({"下午", "PM", "pm"})
# An ERP's or a Java exporter's yyyyMMddHHmm[ss], and an Excel serial a CSV saved as text (46337.3368 is
# 2026-11-11 08:05): read where a time is expected, counted from the workbook's epoch.
_COMPACT_MOMENT = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.\d+)?$")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_AHEAD = timedelta(days=1)  # as the command line's `--at` (cli/common.event_moment)
_EXCEL_EPOCH_1904 = datetime(1904, 1, 1)  # a workbook saved with "1904 date system" (Spreadsheet.date1904)
# "No date" as exports and formulas write it: a database's zero date (0000-00-00 00:00:00) and Excel's serial 0
# shown as a date (1900-01-00, 1900/1/0). Read as blank; `no_date_placeholder` lets an import say so.
_NO_DATE = re.compile(r"^(?:0000[-/.]0{1,2}[-/.]0{1,2}|1900[-/.]0?1[-/.]0{1,2})(?:[ T]0{1,2}:00(?::00)?)?$")
_NUL = "含有一个空字符（NUL），文件可能已损坏。请在平台后台重新导出后再导入"
# Excel's largest serial (9999-12-31); anything beyond is not a date.
_EXCEL_MAX_SERIAL = 2958465
# Excel keeps 15 significant digits; an integer below 10**15 survived a numeric cell intact.
_EXACT_INTEGER_LIMIT = 10**15
_VALUE_CACHE_SIZE = 20_000
_UNKNOWN = object()
_FLOAT_ID = ("是被 Excel 转成数字的编号（{shown}），超过 15 位的部分已经丢失，不能使用。"
             "请从平台后台重新导出原始文件，不要用 Excel 打开后再保存")
# How Excel shows a long number in a General cell (and writes it to CSV): 6.90123E+12.
_EXCEL_SCIENTIFIC_CODE = re.compile(r"^\d\.\d+E\+\d{2}$")
_SCIENTIFIC_CODE = ("“{text}”是被 Excel 转成科学计数法的编号，后面的位数已经丢失，不能使用。"
                    "请用原始文件，或在 Excel 中把这一列设为文本后重新填写")
_SCIENTIFIC_ID = ("“{text}”是被 Excel 转成科学计数法的编号，后面的位数已经丢失，不能使用。"
                  "请从平台后台重新导出原始文件，不要用 Excel 打开后再保存")


# China has kept UTC+8 all year since 1992 (it had summer time 1986–1991): from then on a China time
# is UTC by subtracting eight hours.
_FIXED_OFFSET_FROM = 1992
_EIGHT_HOURS = timedelta(hours=8)
_HOURS = frozenset(f"{hour:02d}" for hour in range(24))
_MINUTES_SECONDS = frozenset(f":{minute:02d}:{second:02d}" for minute in range(60) for second in range(60))
_HOUR_CACHE_SIZE = 65536


class CellCleaner:
    """Converters for one profile's cleaning rules. Each returns None for an empty cell."""

    def __init__(self, cleaning: Cleaning, date1904: bool = False) -> None:
        self.empty = frozenset(cleaning.empty_markers)
        self.epoch = _EXCEL_EPOCH_1904 if date1904 else _EXCEL_EPOCH  # what a plain number in a date column counts from
        self.tracking_prefixes = tuple(sorted(cleaning.tracking_prefixes, key=len, reverse=True))
        # Prices, postage and quantities repeat across a file (a shop sells few products): each distinct
        # cell value is converted once (1.3 µs through Decimal against 0.1 µs a lookup, measured).
        self._amounts = _cached_column(self._money, {})
        self._quantities = _cached_column(self.count, {})
        self._codes = _cached_column(self.product_code, {})  # a shop has few 商家编码, repeated on many rows
        self._utc_hours: dict[str, str] = {}  # for utc_texts


    # -- text --------------------------------------------------------------------------------------

    def text(self, value: object) -> str | None:
        if value.__class__ is str:
            text: str = value  # type: ignore[assignment]
            text = text.strip()
            if not text:
                return None
            first = text[0]
            if first == "=" and text.startswith('="') and text.endswith('"'):
                text = text[2:-1].strip()
            elif first == "'":
                text = text[1:].strip()
            if not text or text in self.empty:
                return None
            if "\x00" in text:  # an Excel _x0000_ escape or a damaged file; PostgreSQL refuses to store it
                raise CellError(_NUL)
            if text[0] == "#" and text in EXCEL_ERROR_VALUES:
                raise CellError(msg.say(msg.EXCEL_ERROR_TEXT, text))
            return text
        if value is None:
            return None
        if value.__class__ is float:
            number: float = value  # type: ignore[assignment]
            return str(int(number)) if number.is_integer() else repr(number)
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, date):
            return value.isoformat()
        if value.__class__ is UncalculatedFormula:
            raise value.refused()  # type: ignore[attr-defined]
        text = str(value).strip()
        return text or None

    def identifier(self, value: object) -> str | None:
        """A sub-order or other id: text; a rounded number is refused."""
        if value.__class__ is str:
            text = self.text(value)
            # The `in` tests are a cheap filter before the regex, which runs on every id of a big file.
            if text is not None and ("E" in text or "e" in text) and _SCIENTIFIC.match(text):
                raise CellError(_SCIENTIFIC_ID.format(text=text))
            return text
        if value is None:
            return None
        if value.__class__ is float:
            number: float = value  # type: ignore[assignment]
            if number.is_integer() and abs(number) < _EXACT_INTEGER_LIMIT:
                return str(int(number))
            raise CellError(_FLOAT_ID.format(shown=excel_shows(number)))
        if value.__class__ is int:
            return str(value)
        if value.__class__ is UncalculatedFormula:
            raise value.refused()  # type: ignore[attr-defined]
        raise CellError(note(cells.NOT_AN_ID, str(value)))

    def product_code(self, value: object) -> str | None:
        """A 商家编码 (货号): costs and goods values are matched by it, so one Excel rounded (a number cell
        past 15 digits, or its text 6.90123E+12) is refused, never stored. Other text is kept as written
        ("1E5" may be a real code; Excel's own display form has a point and E+NN)."""
        if value.__class__ is str:
            text = self.text(value)
            if text is not None and "E+" in text and _EXCEL_SCIENTIFIC_CODE.match(text):
                raise CellError(_SCIENTIFIC_CODE.format(text=text))
            return text
        return self.identifier(value)

    def order_no(self, value: object) -> str | None:
        text = self.identifier(value)
        if text is not None and not ORDER_NO_PATTERN.match(text):
            if len(text) > 64:
                raise CellError(note(cells.ORDER_NO_TOO_LONG, text[:30]))
            raise CellError(note(cells.NOT_AN_ORDER_NO, text))
        return text

    def tracking(self, value: object) -> str | None:
        """A tracking number; one written in groups (7512 3456 7890 12, as typed by hand) is one number."""
        text = self.identifier(value)
        if text is None:
            return None
        if " " in text or "\u3000" in text:
            text = "".join(text.split())
        return self._without_tracking_prefix(text)

    def _without_tracking_prefix(self, text: str) -> str | None:
        for prefix in self.tracking_prefixes:  # longest first
            if text.startswith(prefix):
                return text[len(prefix):].strip() or None
        return text

    # -- numbers -----------------------------------------------------------------------------------

    def money(self, value: object) -> int | None:
        """Yuan in the cell, integer fen out (via Decimal; never float arithmetic)."""
        return self._amounts((value,))[0]  # type: ignore[return-value]

    def _money(self, value: object) -> int | None:
        from_float = False
        if value.__class__ is str:
            raw: str = value  # type: ignore[assignment]
            text = raw.strip()
            if not text or text in self.empty:
                return None
            if text.startswith('="') and text.endswith('"'):
                text = text[2:-1]
            if len(text) > 40:
                raise CellError(note(cells.LONG_NOT_AN_AMOUNT, raw.strip()[:40]))
            if not text.isascii():
                text = text.translate(HALF_WIDTH)  # typed in 全角: １２．５０ is 12.50 (was not an amount)
            cleaned = text.translate(_MONEY_MARKS)
            if not _PLAIN_AMOUNT.fullmatch(cleaned) or commas_misplaced(text):
                raise CellError(note(cells.NOT_AN_AMOUNT, raw.strip()))
            amount = Decimal(cleaned)
        elif value is None:
            return None
        elif value.__class__ is float:
            amount = Decimal(repr(value))
            from_float = True
        elif value.__class__ is int:
            amount = Decimal(value)  # type: ignore[arg-type]
        elif value.__class__ is UncalculatedFormula:
            raise value.refused()  # type: ignore[attr-defined]
        else:
            raise CellError(note(cells.NOT_AN_AMOUNT, str(value)))
        if not amount.is_finite():
            raise CellError(note(cells.NOT_AN_AMOUNT, str(value)))
        if amount < 0:
            raise CellError(note(cells.NEGATIVE_AMOUNT, str(value)))
        if amount > MAX_YUAN:
            raise CellError(note(cells.AMOUNT_OVER, str(value), f"{MAX_YUAN:,}"))
        try:
            rounded = amount.quantize(FEN, rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise CellError(note(cells.AMOUNT_TOO_LARGE, str(value))) from None
        if rounded != amount and not (from_float and abs(rounded - amount) < _FLOAT_NOISE):
            raise CellError(note(cells.AMOUNT_PAST_CENTS, str(value)))
        return int(rounded * _HUNDRED)

    def count(self, value: object) -> int | None:
        """A quantity: a whole, non-negative number ("2", 2.0, "2\\t")."""
        if value.__class__ is str:
            raw: str = value  # type: ignore[assignment]
            text = raw.strip()
            if not text or text in self.empty:
                return None
            if len(text) > 20:
                raise CellError(note(cells.LONG_NOT_A_QUANTITY, text[:20]))
            try:
                number = int(text)
            except ValueError:
                try:
                    exact = Decimal(text.replace(",", ""))
                except InvalidOperation:
                    raise CellError(note(cells.NOT_A_QUANTITY, text)) from None
                if not exact.is_finite() or exact != exact.to_integral_value():
                    raise CellError(note(cells.NOT_A_QUANTITY, text)) from None
                number = int(exact)
        elif value is None:
            return None
        elif value.__class__ is float:
            real: float = value  # type: ignore[assignment]
            if not real.is_integer():
                raise CellError(note(cells.NOT_A_QUANTITY, str(real)))
            number = int(real)
        elif value.__class__ is int:
            number = value  # type: ignore[assignment]
        elif value.__class__ is UncalculatedFormula:
            raise value.refused()  # type: ignore[attr-defined]
        else:
            raise CellError(note(cells.NOT_A_QUANTITY, str(value)))
        if number < 0:
            raise CellError(note(cells.NEGATIVE_QUANTITY, str(number)))
        if number > MAX_QUANTITY:
            raise CellError(note(cells.QUANTITY_OVER, str(number), f"{MAX_QUANTITY:,}"))
        return number

    # -- times -------------------------------------------------------------------------------------

    def moment(self, value: object) -> datetime | None:
        """A time as written in the export (China time), returned timezone-aware."""
        if value.__class__ is str:
            raw: str = value  # type: ignore[assignment]
            text = raw.strip()
            if not text.isascii():
                # Typed with a Chinese input method (２０２６－１１－１８) or pasted from a web page with an
                # invisible mark (a zero-width space, a direction mark): the date the cell shows.
                text = "".join(c for c in unicodedata.normalize("NFKC", text)
                               if unicodedata.category(c) != "Cf").strip()
            if not text or text in self.empty:
                return None
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError:
                if _NO_DATE.match(text):
                    return None
                if _SERIAL_TEXT.match(text):
                    parsed = self.epoch + timedelta(seconds=round(float(text) * 86400))
                else:
                    parsed = _loose_moment(text)
        elif value is None:
            return None
        elif isinstance(value, datetime):
            parsed = value
        elif isinstance(value, date):
            parsed = datetime(value.year, value.month, value.day)
        elif value.__class__ in (float, int):
            serial: float = value  # type: ignore[assignment]
            if serial == 0:
                return None  # an empty date cell some exports write as 0
            if not 0 < serial <= _EXCEL_MAX_SERIAL:
                raise CellError(note(cells.NOT_A_MOMENT, str(value)))
            parsed = self.epoch + timedelta(seconds=round(serial * 86400))
        elif value.__class__ is UncalculatedFormula:
            raise value.refused()  # type: ignore[attr-defined]
        else:
            raise CellError(note(cells.NOT_A_MOMENT, str(value)))
        if not 1990 <= parsed.year <= 2100:
            raise CellError(note(cells.UNLIKELY_YEAR, str(value)))
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=CHINA)
        return parsed.astimezone(CHINA)


    def utc_texts(self, values: Sequence[object]) -> list[str | None]:
        """`moment` for many cells, each as `utc_text`. A 'YYYY-MM-DD HH:MM:SS' cell (what the exports
        write) keeps its minutes and seconds in UTC: only the date and hour move, looked up once per
        distinct hour (0.4 µs a cell against 1.2 µs parsing each, measured); anything else goes through
        `moment`, which has every rule and message."""
        moment = self.moment
        hours = self._utc_hours
        minutes = _MINUTES_SECONDS

        def one(value: object) -> str | None:
            found = moment(value)
            return None if found is None else utc_text(found)

        return [f"{head}{t[13:]}.000000"
                if (v.__class__ is str and len(t := v.strip()) == 19 and t[10] == " "  # type: ignore[attr-defined]
                    and t[13:] in minutes and (head := hours.get(t[:13]) or _utc_hour(t[:13], hours)))
                else one(v)
                for v in values]

    # -- whole columns -----------------------------------------------------------------------------

    def many(self, convert: Callable[[object], object]) -> Callable[[Sequence[object]], list[object]]:
        """Converts many cells the way `convert` (one of these methods) converts one; a bad cell raises
        CellError. The common cells are cleaned inline, one comprehension for all of them (≈ 0.2 µs a
        cell against 0.7 µs for a method call, measured): plain text, identifiers without an exponent
        (unwrapped from ="…" or '… as `text` does), amounts and quantities seen before. Anything else goes through
        `convert` itself, which has the full rules and the messages."""
        text, money = self.text, self.money
        empty = self.empty
        if convert == text:
            def texts(values: Sequence[object]) -> list[object]:
                try:
                    return [(t if t[0] not in "='#" and t not in empty and "\x00" not in t else text(v))
                            if (t := v.strip()) else None  # type: ignore[attr-defined]
                            for v in values]
                except AttributeError:  # not a string: None, a number or a date
                    return [text(v) for v in values]
            return texts
        if convert == self.identifier or convert == self.order_no:
            order_no = convert == self.order_no

            def identifiers(values: Sequence[object]) -> list[object]:
                try:
                    return [
                        (u if (u := (t[2:-1].strip() if t[0] == "=" and t[1:2] == '"' and t[-1] == '"'
                                     else t[1:].strip() if t[0] == "'" else t))
                         and u[0] not in "='#" and "e" not in u and "E" not in u and u not in empty and "\x00" not in u
                         and (not order_no or ORDER_NO_PATTERN.match(u)) else convert(v))
                        if (t := v.strip()) else None  # type: ignore[attr-defined]
                        for v in values]
                except AttributeError:
                    return [convert(v) for v in values]
            return identifiers
        if convert == money:
            return self._amounts
        if convert == self.count:
            return self._quantities
        if convert == self.product_code:
            return self._codes
        if convert == self.tracking:
            plain_identifiers = self.many(self.identifier)
            prefixes = self.tracking_prefixes
            without_prefix = self._without_tracking_prefix

            def trackings(values: Sequence[object]) -> list[object]:
                found = plain_identifiers(values)
                if any(isinstance(t, str) and (" " in t or "\u3000" in t) for t in found):
                    found = [self.tracking(v) for v in values]
                if not prefixes:
                    return found
                return [without_prefix(t) if isinstance(t, str) and t.startswith(prefixes) else t for t in found]
            return trackings
        return lambda values: [convert(v) for v in values]


def _cached_column(convert: Callable[[object], object],
                   cache: dict[object, object]) -> Callable[[Sequence[object]], list[object]]:
    """A column converter for cells with few distinct values (prices, postage, quantities): each
    distinct cell goes through `convert` once. Booleans never use the cache: True == 1, and a TRUE cell
    must not take what a 1 or 1.0 cell became."""
    def remembered(value: object) -> object:
        found = convert(value)
        if value.__class__ is not bool:
            if len(cache) >= _VALUE_CACHE_SIZE:
                cache.clear()
            cache[value] = found
        return found

    def column(values: Sequence[object]) -> list[object]:
        try:
            return [c if (c := cache.get(v, _UNKNOWN)) is not _UNKNOWN and v.__class__ is not bool else remembered(v)
                    for v in values]
        except TypeError:  # an unhashable cell
            return [convert(v) for v in values]
    return column


def _utc_hour(prefix: str, cache: dict[str, str]) -> str:
    """'YYYY-MM-DD HH' China time → the same hour in UTC, '' when it is not such an hour (the cell then
    goes through `moment`). Remembered in `cache`."""
    head = ""
    if prefix[11:13] in _HOURS:
        try:
            parsed: datetime | None = datetime.fromisoformat(prefix + ":00:00")
        except ValueError:
            parsed = None
        if parsed is not None and _FIXED_OFFSET_FROM <= parsed.year <= 2100:
            head = (parsed - _EIGHT_HOURS).isoformat(sep=" ")[:13]
    if len(cache) >= _HOUR_CACHE_SIZE:
        cache.clear()
    cache[prefix] = head
    return head


def no_date_placeholder(value: object) -> str | None:
    """The cell as the file shows it when it is a "no date" placeholder that `moment` reads as blank (0000-00-00,
    1900-01-00, Excel's serial 0), else None."""
    if value.__class__ is str:
        text = value.strip()  # type: ignore[attr-defined]
        return text if _NO_DATE.match(text) else None
    if value.__class__ in (int, float) and value == 0:
        return "0"
    return None


def rows_said(rows: Sequence[int]) -> str:
    """Row numbers as a warning lists them: "3、4", or the first ten and how many ("3、4、5 等 12")."""
    shown = "、".join(str(number) for number in rows[:10])
    return shown + (f" 等 {len(rows)}" if len(rows) > 10 else "")


def ahead_of_now() -> datetime:
    """After this, a time of something that happened lies ahead: a mistyped year (2099), said."""
    return datetime.now(CHINA) + _AHEAD


def shown_value(text: str, limit: int = 40) -> str:
    """A cell's text as a message quotes it: a 40,000-character cell is not repeated whole."""
    return text if len(text) <= limit else text[:limit] + "…"


def _loose_moment(text: str) -> datetime:
    zone: timezone | None = None
    half: str | None = None  # 上午/下午 (AM/PM) written with a 12-hour time
    if compact := _COMPACT_MOMENT.match(text):
        year, month, day, hour, minute, second = compact.groups()
        fraction = None
    elif match := _LOOSE_MOMENT.match(text):
        (year, month, day, before, hour, minute, second, fraction, after,
         sign, zone_hours, zone_minutes) = match.groups()
        if before is not None and after is not None:
            raise CellError(note(cells.UNREADABLE_MOMENT, shown_value(text)))
        half = before or after
        if sign is not None or text.endswith("Z"):
            offset = timedelta(hours=int(zone_hours or 0), minutes=int(zone_minutes or 0))
            zone = timezone(-offset if sign == "-" else offset)
    else:
        raise CellError(note(cells.UNREADABLE_MOMENT, shown_value(text)))
    hours = int(hour or 0)
    if half is not None:
        if not 1 <= hours <= 12:  # 下午 15:05 or 上午 0:30: no 12-hour time
            raise CellError(note(cells.NO_SUCH_MOMENT, text))
        hours = hours % 12 + (12 if half in _AFTERNOON else 0)  # 上午 12:30 is 00:30, 下午 12:30 is 12:30
    try:
        return datetime(
            int(year), int(month), int(day), hours, int(minute or 0), int(second or 0),
            int((fraction or "0").ljust(6, "0")), tzinfo=zone,
        )
    except ValueError:
        raise CellError(note(cells.NO_SUCH_MOMENT, text)) from None


def split_yuan_to_fen(total_fen: int, quantity: int) -> int | None:
    """The unit price when a total divides evenly into `quantity` pieces, else None."""
    if quantity <= 0 or total_fen % quantity:
        return None
    return total_fen // quantity
