"""Argument types of the command line with sane ranges: a mistyped number is a Chinese message naming
the option, never a traceback from deep inside (an id of 2^70 overflowed SQLite, --within 1e9 the date).

They raise `CommandError` (a `UserError`), which argparse lets through, so `run()` prints it like any other user error
(argparse's own messages come with the usage text, said in Chinese by cli/parser_text).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop_app.cli.common import CommandError
from desktop_app.core.errors import UserError
from desktop_app.core.vocabulary import Platform, platform_family

# Ids are SQLite integers: anything past 2^63 - 1 cannot exist.
MAX_ID = 2**63 - 1
MAX_LIMIT = 1_000_000
MAX_HOURS = 24 * 366 * 10  # ten years
MAX_DAYS = 366 * 10


def _whole(text: str, what: str) -> int:
    raw = text.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        if raw.isascii() and raw.isdigit():
            raise CommandError(f"{what}“{text}”太大")
        raise CommandError(f"{what}“{text}”不是有效的编号（应为正整数，例如 12）")
    return int(raw)


def record_id(text: str) -> int:
    """A case, claim or reship number: 1 … 2^63 - 1."""
    value = _whole(text, "编号")
    if value < 1:
        raise CommandError(f"编号“{text}”应从 1 开始")
    if value > MAX_ID:
        raise CommandError(f"编号“{text}”太大")
    return value


def list_limit(text: str) -> int:
    value = _whole(text, "--limit ")
    if not 1 <= value <= MAX_LIMIT:
        raise CommandError(f"--limit 应在 1 到 {MAX_LIMIT:,} 之间，收到“{text}”")
    return value


def hours(text: str) -> float:
    """A number of hours, 0 … ten years; '1e9', 'nan', 'inf' are refused."""
    raw = text.strip()
    try:
        value = float(raw)
    except ValueError:
        raise CommandError(f"小时数“{text}”不是数字（例如 24 或 1.5）") from None
    if "e" in raw.lower() or not math.isfinite(value) or value < 0:
        raise CommandError(f"小时数“{text}”无效（应为 0 到 {MAX_HOURS:,} 之间的数，例如 24 或 1.5）")
    if value > MAX_HOURS:
        raise CommandError(f"小时数“{text}”太大（最多 {MAX_HOURS:,}，即十年）")
    return value


def days(option: str) -> Callable[[str], int]:
    """A number of days for `option`, 0 … ten years (`returns transit --days 99999999999999` overflowed the date)."""
    def parse(text: str) -> int:
        raw = text.strip()
        if raw.startswith("-") and raw[1:].isascii() and raw[1:].isdigit():
            raise CommandError(f"{option} 不能为负数")
        if not raw.isascii() or not raw.isdigit():
            raise CommandError(f"{option} “{text}”不是有效的天数（应为整数，例如 7）")
        value = _whole(text, f"{option} ")
        if value > MAX_DAYS:
            raise CommandError(f"{option} “{text}”太大（最多 {MAX_DAYS:,} 天，即十年）")
        return value
    return parse


def given(option: str) -> Callable[[str], str]:
    """The value of `option`, never blank: `--platform ""` (a script's unset variable) was read as no
    --platform and listed every platform, `backup --to ""` wrote the copy into the working folder."""
    def parse(text: str) -> str:
        if not text.strip():
            raise CommandError(f"{option} 后面的值是空的：请写上要用的值，或去掉 {option}")
        return text
    return parse


def given_path(option: str) -> Callable[[str], Path]:
    """A file or folder `option` names, never blank ("" is the working folder to the system)."""
    def parse(text: str) -> Path:
        return Path(given(option)(text))
    return parse


def import_platform(choices: Sequence[str]) -> Callable[[str], str]:
    """--platform of the imports: one of `choices` ("auto" first), by its id or its Chinese name (拼多多,
    自动), as every other --platform takes it; a platform whose family is a choice counts as that family
    (天猫 for import-orders, whose choices are families)."""
    def parse(text: str) -> str:
        raw = text.strip()
        if raw.lower() == "auto" or raw == "自动":
            return "auto"
        try:
            value = Platform.parse(raw).value
        except UserError:
            value = ""
        if value not in choices and platform_family(value) in choices:
            value = platform_family(value)
        if value not in choices:
            raise CommandError(f"--platform：没有“{text}”这个选择（可选：{'、'.join(choices)}，或其中文名）")
        return value

    return parse
