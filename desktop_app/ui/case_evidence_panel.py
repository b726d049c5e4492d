"""证据 on a case: thumbnails of the files attached (photos, weighing records, chat screenshots, PDFs),
add by button or by dropping files, open with the system viewer, remove."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileInfo, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFileIconProvider,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.case_evidence import add_case_evidence, remove_case_evidence, stored_file
from desktop_app.store.case_evidence_queries import case_evidence_rows
from desktop_app.store.database import Database
from desktop_app.ui.background import describe_error
from desktop_app.ui.context import AppContext
from desktop_app.ui.evidence_thumbnails import THUMBNAIL, Thumbnail, load_thumbnail

_PATH_ROLE = Qt.ItemDataRole.UserRole
_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class CaseEvidencePanel(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.case_id: int | None = None
        self._icons = QFileIconProvider()
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.files = QListWidget()
        self.files.setObjectName("case_evidence")
        self.files.setViewMode(QListView.ViewMode.IconMode)
        self.files.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.files.setGridSize(QSize(THUMBNAIL + 24, THUMBNAIL + 36))
        self.files.setResizeMode(QListView.ResizeMode.Adjust)
        self.files.setMovement(QListView.Movement.Static)
        self.files.setWordWrap(True)
        self.files.itemActivated.connect(self._open)
        layout.addWidget(self.files, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加证据…"))
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(self.tr("删除所选"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.status = QLabel(self.tr("可直接把文件拖到这里；从本单新建的快递理赔会带上这些证据"))
        self.status.setStyleSheet("color:#666")
        self.status.setWordWrap(True)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.status, 1)
        layout.addLayout(buttons)
        self._enable(False)

    def _enable(self, enabled: bool) -> None:
        for widget in (self.files, self.add_button, self.remove_button):
            widget.setEnabled(enabled)

    def show_case(self, case_id: int | None) -> None:
        self.case_id = case_id
        self.reload()

    def reload(self) -> None:
        case_id = self.case_id
        self._enable(case_id is not None)
        if case_id is None:
            self.files.clear()
            return

        def work(db: Database) -> tuple[int, list[Thumbnail]]:
            with db.reading() as session:
                rows = case_evidence_rows(session, case_id)
            return case_id, [Thumbnail(r.id, stored_file(r.stored_path), r.original_name,
                                       load_thumbnail(stored_file(r.stored_path))) for r in rows]

        self.context.read(work, self._show, self._failed)

    def _show(self, loaded: tuple[int, list[Thumbnail]]) -> None:
        case_id, thumbnails = loaded
        if case_id != self.case_id:
            return
        self.files.clear()
        for thumb in thumbnails:
            if thumb.image.isNull():
                icon = self._icons.icon(QFileInfo(str(thumb.path))) if thumb.path.is_file() \
                    else self._icons.icon(QFileIconProvider.IconType.File)
            else:
                icon = QIcon(QPixmap.fromImage(thumb.image))
            item = QListWidgetItem(icon, thumb.name)
            # On a team ledger a file stays on the computer that added it (README, team mode).
            item.setToolTip(str(thumb.path) if thumb.path.is_file()
                            else self.tr("文件不在这台电脑上（由另一个席位添加）：%1").replace("%1", thumb.name))
            item.setData(_PATH_ROLE, str(thumb.path))
            item.setData(_ID_ROLE, thumb.evidence_id)
            self.files.addItem(item)

    def choose_files(self) -> None:
        kinds = self.tr("图片和文档 (*.jpg *.jpeg *.png *.heic *.pdf *.xlsx);;所有文件 (*)")
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("选择证据文件"), str(Path.home()), kinds)
        if paths:
            self.add_files([Path(p) for p in paths])

    def add_files(self, paths: list[Path]) -> None:
        case_id = self.case_id
        if case_id is None or not paths:
            return

        def work(db: Database) -> list[int]:
            return add_case_evidence(db, case_id, paths)

        self.context.write(work, lambda _ids: self.reload(), self._failed, origin=self)

    def remove_selected(self) -> None:
        item = self.files.currentItem()
        if item is None:
            return
        evidence_id = int(item.data(_ID_ROLE))

        def work(db: Database) -> None:
            remove_case_evidence(db, evidence_id)

        self.context.write(work, lambda _none: self.reload(), self._failed, origin=self)

    def _open(self, item: QListWidgetItem) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(item.data(_PATH_ROLE))))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.case_id is not None and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        files = [p for p in files if p.is_file()]
        if files:
            event.acceptProposedAction()
            self.add_files(files)

    def _failed(self, error: Exception) -> None:
        self.status.setText(describe_error(error))
