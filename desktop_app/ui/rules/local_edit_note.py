"""时效规则 on a team ledger: this computer's own earlier edit of the pack shown.

A computer that kept a ledger file before may still hold its edits in its data folder; a team ledger does
not use them (every seat computes with the ledger's rules). The note says so, never silently, and its
button hands the local text to the editor, to be checked and saved for the team.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.io.rule_pack_files import ShopRules


class LocalEditNote(QWidget):
    """Hidden unless the pack shown has a local edit that differs from the team ledger's;
    `load_requested(text)` when the shop wants it in the editor."""

    load_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text: str | None = None
        self.note = QLabel()
        self.note.setObjectName("local_edit_note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("background:#fff3e0; color:#8a4b00; padding:4px")
        self.button = QPushButton(self.tr("载入本机的修改"))
        self.button.setObjectName("load_local_edit")
        self.button.clicked.connect(self._load)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.button)
        self.hide()

    def show_for(self, name: str, title: str, shop: ShopRules) -> None:
        """Pack `name` (shown as `title`) on the ledger whose rules are `shop`."""
        self._text = local_edit(name, shop)
        self.setVisible(self._text is not None)
        if self._text is not None:
            self.note.setText(self.tr(
                "这台电脑的数据文件夹里有一份以前修改过的“%1”规则，团队数据库不使用它。"
                "要沿用它，点“载入本机的修改”，检查后保存到团队数据库。").replace("%1", title))

    def _load(self) -> None:
        if self._text is not None:
            self.load_requested.emit(self._text)


def local_edit(name: str, shop: ShopRules) -> str | None:
    """On a team ledger: this computer's own edit of pack `name` when it differs from the ledger's."""
    if not shop.in_ledger:
        return None
    try:
        local = ShopRules.of_folder().text(f"{name}.toml")
    except (OSError, UnicodeDecodeError):
        return None
    return local if local is not None and local != shop.text(f"{name}.toml") else None
