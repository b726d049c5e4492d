"""Reading the shop's seal image for a statement, and saying why one cannot be printed.

A seal is printed 40 mm wide (about 470 px at the PDF's 300 dpi), so it is read at most `SEAL_PX`
pixels on its longer side: a 3000-px scan no longer makes every statement PDF half a megabyte. An image
Qt cannot read — a damaged file, or one so large in pixels that Qt refuses to allocate it (its 256 MB
limit: 9000×9000 is past it though the PNG is 400 KB) — used to leave the statement silently unsealed;
`seal_problem` says which and why, for the shop profile dialog and the statement's warnings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader

from desktop_app.core.statement import GoodsValueStatement

SEAL_PX = 1000


def load_seal(path: str | Path) -> QImage:
    """The seal at most SEAL_PX on its longer side (transparency kept); a null image when unreadable."""
    reader = QImageReader(str(path))
    size = reader.size()
    limit = QImageReader.allocationLimit() * 1024 * 1024  # 0: none
    if limit and size.isValid() and size.width() * size.height() * 4 > limit:
        return QImage()  # Qt would refuse it anyway, with a warning on stderr
    if size.isValid() and max(size.width(), size.height()) > SEAL_PX:
        reader.setScaledSize(size.scaled(QSize(SEAL_PX, SEAL_PX), Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def seal_problem(path: str | Path) -> str | None:
    """Why this seal image cannot be printed, in the shop's words; None when it can."""
    file = Path(path)
    if not file.is_file():
        return f"印章图片 {file.name} 不在这台电脑的数据文件夹里"
    if not load_seal(file).isNull():
        return None
    size = QImageReader(str(file)).size()
    if size.isValid():
        return f"印章图片 {file.name} 太大（{size.width()}×{size.height()} 像素），无法读取"
    return f"印章图片 {file.name} 无法读取（文件已损坏，或不是 PNG/JPG 图片）"


def printable_seals(statements: Sequence[GoodsValueStatement]) -> tuple[list[GoodsValueStatement], list[str]]:
    """The statements with every seal that cannot print left out, and what was wrong with each such file
    (a batch signs with a seal per shop), read once here rather than by every page."""
    problems: dict[str, str | None] = {}
    for seal in dict.fromkeys(s.seal_image for s in statements if s.seal_image):
        problems[seal] = seal_problem(seal)
    kept = [replace(s, seal_image=None) if s.seal_image and problems[s.seal_image] else s for s in statements]
    advice = f"，这份货值说明不会盖章；请在“店铺信息”中重新选择印章图片（PNG 或 JPG，{SEAL_PX * 2} 像素以内）"
    return kept, [problem + advice for problem in problems.values() if problem]
