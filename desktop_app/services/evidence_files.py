"""Evidence files (photos, weighing records, chat screenshots, PDFs) as claims and cases keep them:
copied into `<data folder>/evidence/…`, named so that no copy overwrites another, and removed again
when the write that would have listed them fails (no orphan copies of buyers' pictures)."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop_app.core.errors import NotFound, UserError
from desktop_app.paths import data_dir

EVIDENCE_FOLDER = "evidence"


def stored_file(stored_path: str) -> Path:
    """The absolute path of an evidence file from its stored (data-folder-relative) path."""
    return data_dir() / Path(stored_path)


def free_name(folder: Path, name: str) -> Path:
    """`name` in `folder`, or name-2, name-3 … when taken."""
    target = folder / name
    stem, suffix = target.stem, target.suffix
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def checked_sources(files: Iterable[Path | str]) -> list[Path]:
    """The files to attach; the whole batch is refused when one is missing."""
    sources = [Path(f) for f in files]
    if not sources:
        raise UserError("请选择要添加的证据文件")
    missing = [str(p) for p in sources if not p.is_file()]
    if missing:
        raise NotFound("找不到文件：" + "、".join(missing))
    return sources


class EvidenceCopies:
    """The copies made inside one `evidence_copies()` block."""

    def __init__(self) -> None:
        self.made: list[Path] = []

    def copy(self, source: Path, folder: Path, name: str | None = None) -> str:
        """Copy `source` into `folder`; returns its stored (data-folder-relative) path."""
        folder.mkdir(parents=True, exist_ok=True)
        target = free_name(folder, name or source.name)
        shutil.copy2(source, target)
        self.made.append(target)
        return target.relative_to(data_dir()).as_posix()


@contextmanager
def evidence_copies() -> Iterator[EvidenceCopies]:
    """Wrap the transaction that lists the copies: if it fails, the copies are deleted again."""
    copies = EvidenceCopies()
    try:
        yield copies
    except BaseException:
        for path in copies.made:
            path.unlink(missing_ok=True)
        raise
