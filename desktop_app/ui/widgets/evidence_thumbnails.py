"""Evidence files as thumbnails: a small copy of each picture, decoded at that size off the GUI
thread (the claim detail pane and the case evidence panel show them)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QImageReader

THUMBNAIL = 96


@dataclass(frozen=True, slots=True)
class Thumbnail:
    """An evidence file as the pane shows it; `image` is null for files that are not pictures."""

    evidence_id: int
    path: Path
    name: str
    image: QImage


def load_thumbnail(path: Path, size: int = THUMBNAIL) -> QImage:
    """A small copy of a picture, decoded at that size (cheap for large phone photos); a null
    image for anything Qt cannot read as a picture. QImage is safe off the GUI thread."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # phone photos carry their rotation in EXIF
    if not path.is_file() or not reader.canRead():
        return QImage()
    full = reader.size()
    if full.isValid():
        reader.setScaledSize(full.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return image if not image.isNull() else QImage()
