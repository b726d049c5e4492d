"""Evidence files as a strip of thumbnails (a case's, a claim's): a picture shows itself, any other
file its system icon; a double click opens the file with the system viewer."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QFileInfo, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import QFileIconProvider, QListView, QListWidget, QListWidgetItem, QWidget

from desktop_app.ui.widgets.evidence_thumbnails import THUMBNAIL, Thumbnail

PATH_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class EvidenceStrip(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._icons = QFileIconProvider()
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.setGridSize(QSize(THUMBNAIL + 24, THUMBNAIL + 36))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWordWrap(True)
        self.itemActivated.connect(self._open)

    def show_thumbnails(self, thumbnails: Iterable[Thumbnail]) -> None:
        self.clear()
        for thumb in thumbnails:
            if thumb.image.isNull():
                icon = self._icons.icon(QFileInfo(str(thumb.path))) if thumb.path.is_file() \
                    else self._icons.icon(QFileIconProvider.IconType.File)
            else:
                icon = QIcon(QPixmap.fromImage(thumb.image))
            item = QListWidgetItem(icon, thumb.name)
            item.setToolTip(str(thumb.path) if thumb.path.is_file()
                            else self.tr("找不到文件：%1").replace("%1", str(thumb.path)))
            item.setData(PATH_ROLE, str(thumb.path))
            item.setData(ID_ROLE, thumb.evidence_id)
            self.addItem(item)

    def selected_ids(self) -> list[int]:
        return [int(item.data(ID_ROLE)) for item in self.selectedItems()]

    def current_id(self) -> int | None:
        item = self.currentItem()
        return None if item is None else int(item.data(ID_ROLE))

    def _open(self, item: QListWidgetItem) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(item.data(PATH_ROLE))))
