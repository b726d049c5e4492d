"""What an after-sales import reports: per file, the cases it created, moved forward, left alone,
the conflicts and deadline mismatches it found, and the rows it could not take."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.op_changes import OpChanges
from desktop_app.io.import_errors import RowError
from desktop_app.io.import_results import EXIT_FILE_REFUSED, EXIT_OK, EXIT_ROWS_REJECTED


@dataclass(frozen=True, slots=True)
class CaseFileResult:
    """One file's outcome; `refused` holds the reason when nothing of it was stored."""

    file: str
    platform: str | None = None
    profile: str | None = None
    inserted: tuple[int, ...] = ()  # case ids
    updated: tuple[int, ...] = ()
    unchanged: tuple[int, ...] = ()
    conflicts: tuple[int, ...] = ()  # closed by the shop, still open on the platform
    deadline_mismatches: tuple[int, ...] = ()  # the platform's deadline and ours differ by over an hour
    errors: tuple[RowError, ...] = ()
    warnings: tuple[str, ...] = ()
    typed_twins: tuple[tuple[int, int], ...] = ()  # (new case, open case the shop typed for its order and kind)
    refused: str | None = None
    cancelled: bool = False
    rows: int = 0
    changes: OpChanges = field(default_factory=OpChanges)  # what storing the file wrote

    @property
    def stored(self) -> bool:
        return self.refused is None and not self.cancelled

    @property
    def rejected(self) -> int:
        return len({e.row for e in self.errors})

    def to_json(self) -> dict[str, Any]:
        errors = [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors]
        if self.refused is not None:
            errors.insert(0, {"row": None, "column": None, "message": self.refused})
        return {
            "file": self.file, "platform": self.platform, "inserted": len(self.inserted),
            "updated": len(self.updated), "unchanged": len(self.unchanged), "rejected": self.rejected,
            "conflicts": len(self.conflicts), "deadline_mismatches": len(self.deadline_mismatches),
            "errors": errors, "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class CaseImportResult:
    files: tuple[CaseFileResult, ...]
    cancelled: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def changes(self) -> OpChanges:
        """What the import wrote: each stored file's transaction."""
        changes = OpChanges()
        for f in self.files:
            changes |= f.changes
        return changes

    def ids(self, what: str) -> tuple[int, ...]:
        """Case ids of one kind of outcome over all files: inserted, updated, unchanged, conflicts,
        deadline_mismatches."""
        return tuple(i for f in self.files for i in getattr(f, what))

    @property
    def exit_code(self) -> int:
        """0 every row in; 1 some rows rejected (good ones stored); 2 a file refused or cancelled."""
        if self.cancelled or any(not f.stored for f in self.files):
            return EXIT_FILE_REFUSED
        if any(f.errors for f in self.files):
            return EXIT_ROWS_REJECTED
        return EXIT_OK

    def to_json(self) -> dict[str, Any]:
        return {"files": [f.to_json() for f in self.files]}
