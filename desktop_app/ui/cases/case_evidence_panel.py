"""证据 on a case: thumbnails of the files attached (photos, weighing records, chat screenshots, PDFs),
add by button or by dropping files, open with the system viewer, remove."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.op_changes import Written
from desktop_app.services.case_evidence import add_case_evidence, remove_case_evidence
from desktop_app.services.evidence_files import local_file
from desktop_app.store.case_evidence_queries import case_evidence_rows
from desktop_app.store.database import Database
from desktop_app.ui.background import describe_error
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.evidence_strip import EvidenceStrip
from desktop_app.ui.widgets.evidence_thumbnails import Thumbnail, load_thumbnail
from desktop_app.ui.widgets.status_colours import tint


class CaseEvidencePanel(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.case_id: int | None = None
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.files = EvidenceStrip()
        self.files.setObjectName("case_evidence")
        layout.addWidget(self.files, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加证据…"))
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(self.tr("删除所选"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.status = QLabel(self.tr("可直接把文件拖到这里；从本单新建的快递理赔会带上这些证据"))
        tint(self.status, "secondary")
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
                rows = [(r, local_file(session, r.stored_path)) for r in case_evidence_rows(session, case_id)]
            return case_id, [Thumbnail(r.id, path, r.original_name, load_thumbnail(path)) for r, path in rows]

        self.context.read(work, self._show, self._failed)

    def _show(self, loaded: tuple[int, list[Thumbnail]]) -> None:
        case_id, thumbnails = loaded
        if case_id != self.case_id:
            return
        self.files.show_thumbnails(thumbnails)

    def choose_files(self) -> None:
        kinds = self.tr("图片和文档 (*.jpg *.jpeg *.png *.heic *.pdf *.xlsx);;所有文件 (*)")
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("选择证据文件"), str(Path.home()), kinds)
        if paths:
            self.add_files([Path(p) for p in paths])

    def add_files(self, paths: list[Path]) -> None:
        case_id = self.case_id
        if case_id is None or not paths:
            return

        def work(db: Database) -> Written[list[int]]:
            return add_case_evidence(db, case_id, paths)

        self.context.write(work, lambda _ids: self.reload(), self._failed, origin=self)

    def remove_selected(self) -> None:
        evidence_id = self.files.current_id()
        case_id = self.case_id
        if evidence_id is None or case_id is None:
            return

        def work(db: Database) -> None:
            remove_case_evidence(db, evidence_id, case_id=case_id)

        self.context.write(work, lambda _none: self.reload(), self._failed, origin=self)

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
