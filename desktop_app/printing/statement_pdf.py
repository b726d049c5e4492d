"""The goods value statement saved as a PDF file: drawn by `statement_render` onto a `QPdfWriter`, written
beside the target and moved into place only when whole (a full disk or a locked file never leaves half a
PDF under the chosen name)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtGui import QPdfWriter

from desktop_app.core.errors import UserError, system_error_text
from desktop_app.core.statement import GoodsValueStatement
from desktop_app.printing.statement_render import PDF_RESOLUTION, prepare_a4, render_statements


def write_pdf(statements: Sequence[GoodsValueStatement], path: Path | str,
              progress: Callable[[int], None] | None = None) -> int:
    """Save the statements as one PDF, one A4 page each; returns the number of pages.

    Written to a temporary file beside the target and moved into place, so a failure never leaves
    half a PDF under the chosen name.
    """
    if not statements:
        raise UserError("没有要保存的货值说明")
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    try:
        # Opened here first: where it cannot be written, Qt's painter would only print
        # "QPainter::begin(): Returned false" on stderr and say nothing of why.
        with partial.open("wb"):
            pass
        pages = _write_pdf(statements, partial, progress)
        if not _whole_pdf(partial):
            # Qt's writer says nothing when the disk fills up: "已生成" was printed over an empty file.
            raise UserError(f"无法保存 {target}：文件没有写完整（磁盘空间不足，或磁盘出错）。"
                            "请腾出空间或换一个文件夹后再试")
        partial.replace(target)
    except OSError as exc:
        _discard(partial)
        raise UserError(f"无法保存 {target}：{system_error_text(exc)}（文件是否正在别的程序中打开？）") from exc
    except BaseException:
        _discard(partial)
        raise
    return pages


def _discard(partial: Path) -> None:
    """Remove the temporary file of a failed save, if any. On a read-only disk even removing a file that is
    not there fails (EROFS, not ENOENT): that must not replace the reason the save failed, which named
    the temporary file instead of the one chosen ("错误：…/货值说明.pdf.part：磁盘是只读的")."""
    with contextlib.suppress(OSError):
        partial.unlink(missing_ok=True)


def _whole_pdf(path: Path) -> bool:
    """The file ends as every complete PDF does, with its %%EOF marker."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - 1024))
            return b"%%EOF" in handle.read()
    except OSError:
        return False


def _write_pdf(statements: Sequence[GoodsValueStatement], path: Path,
               progress: Callable[[int], None] | None) -> int:
    # The writer lives only in this frame: the file is complete and closed once it returns.
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_RESOLUTION)
    writer.setTitle(statements[0].title if statements else "")
    writer.setCreator("售后台账 Aftersales Ledger")
    prepare_a4(writer)
    return render_statements(writer, statements, progress)
