"""设置 → 连接团队数据库: share one ledger on a PostgreSQL server among the shop's computers.

The page takes the server, database, user and password, and this computer's seat name; 测试连接
tries them without changing anything; 保存并连接 keeps the server in `team.json` and the password in
the system keyring (refused, never written to a file, where the computer has no keyring) and switches
the window to it; 迁移本机数据到服务器 copies this computer's ledger file into an empty server database
first (the file stays as it was); 改用本机文件 switches back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import UserError
from desktop_app.paths import default_db_path
from desktop_app.services import team
from desktop_app.services.ledger_move import TABLE_LABELS, MoveResult, move_ledger
from desktop_app.store.database import ServerProbe, head_revision, probe_server
from desktop_app.store.locations import DEFAULT_PORT, LedgerLocation, parse_location, server_location
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.settings.backup_dialog import AsideRunner
from desktop_app.ui.widgets.status_colours import tint


class TeamDatabaseDialog(QDialog):
    """`switch_requested(location)`: the window should open this ledger now."""

    switch_requested = Signal(object)

    def __init__(self, current: LedgerLocation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("连接团队数据库"))
        self.setObjectName("team_database")
        self.current = current
        self.aside = AsideRunner(self)
        saved = team.load_team_settings()
        shown = current if current.url is not None else (parse_location(saved.server) if saved.server else None)
        url = shown.url if shown is not None else None

        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("几个人在几台电脑上共用一个台账：把台账放在店里的一台电脑、NAS 或云数据库的 "
                               "PostgreSQL 上。每条修改都记下席位名，其他席位的窗口几秒内自动刷新。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.host = QLineEdit(url.host if url is not None and url.host else "")
        self.host.setPlaceholderText(self.tr("例如 192.168.1.20 或 db.example.com"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(url.port if url is not None and url.port else DEFAULT_PORT)
        self.database = QLineEdit(url.database if url is not None and url.database else "aftersales")
        self.user = QLineEdit(url.username if url is not None and url.username else "")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("保存在系统钥匙串中，不写入任何文件"))
        self.seat = QLineEdit(team.seat_name())
        self.seat.setMaxLength(team.MAX_SEAT_LENGTH)
        for name, widget in (("host", self.host), ("port", self.port), ("database", self.database),
                             ("user", self.user), ("password", self.password), ("seat", self.seat)):
            widget.setObjectName(name)
        form.addRow(self.tr("服务器"), self.host)
        form.addRow(self.tr("端口"), self.port)
        form.addRow(self.tr("数据库名"), self.database)
        form.addRow(self.tr("用户名"), self.user)
        form.addRow(self.tr("密码"), self.password)
        form.addRow(self.tr("席位名（你的名字）"), self.seat)
        layout.addLayout(form)
        self.status = QLabel(self.tr("现在使用：%1").replace("%1", current.display()))
        self.status.setObjectName("result")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        buttons = QHBoxLayout()
        self.test_button = self._button(buttons, self.tr("测试连接"), self.test_connection, "test")
        self.connect_button = self._button(buttons, self.tr("保存并连接"), self.save_and_connect, "connect")
        self.move_button = self._button(buttons, self.tr("迁移本机数据到服务器…"), self.move_local_ledger, "move")
        self.move_button.setToolTip(self.tr("把这台电脑上的台账文件整体复制到上面这个空的数据库，然后连接它（文件本身不变）"))
        self.local_button = self._button(buttons, self.tr("改用本机文件"), self.use_local_file, "local")
        self.local_button.setEnabled(current.url is not None or saved.use_server)
        self.local_button.setToolTip(self.tr("不再使用团队数据库，改回这台电脑上的台账文件")
                                     if self.local_button.isEnabled() else self.tr("现在用的就是这台电脑上的台账文件"))
        close = self._button(buttons, self.tr("关闭"), self.reject, "close")
        close.setAutoDefault(False)
        layout.addLayout(buttons)

    def _button(self, row: QHBoxLayout, text: str, slot: Any, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        row.addWidget(button)
        return button

    # --- what was typed ------------------------------------------------------------------------
    def typed_location(self) -> LedgerLocation:
        host, database, user = self.host.text().strip(), self.database.text().strip(), self.user.text().strip()
        missing = [label for label, value in ((self.tr("服务器"), host), (self.tr("数据库名"), database),
                                              (self.tr("用户名"), user)) if not value]
        if missing:
            raise UserError(self.tr("请填写：%1").replace("%1", "、".join(missing)))
        location = server_location(host, self.port.value(), database, user)
        password = self.password.text() or team.saved_password(location) or ""
        return location.with_password(password)

    def _typed_or_say(self) -> LedgerLocation | None:
        try:
            return self.typed_location()
        except UserError as exc:
            self._say(labels.message(exc), error=True)
            return None

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        tint(self.status, "overdue" if error else None)

    def _busy(self, busy: bool, text: str = "") -> None:
        for button in (self.test_button, self.connect_button, self.move_button, self.local_button):
            button.setEnabled(not busy)
        if busy:
            self._say(text)

    # --- actions -------------------------------------------------------------------------------
    def test_connection(self) -> None:
        location = self._typed_or_say()
        if location is None:
            return
        self._busy(True, self.tr("正在连接 %1 …").replace("%1", location.display()))
        self.aside.run(lambda: probe_server(location), self._tested)

    def _tested(self, probe: ServerProbe | None, error: BaseException | None) -> None:
        self._busy(False)
        if error is not None or probe is None:  # probe_server returns a probe or raises
            reason = describe_error(error) if error is not None else ""
            self._say(self.tr("连接失败：%1").replace("%1", reason), error=True)
            return
        if probe.revision is None:
            state = self.tr("数据库是空的：连接时会建好台账，或用“迁移本机数据到服务器”把现有数据搬过去。")
        elif probe.revision != head_revision():
            state = self.tr("数据库里是旧版本的台账，连接时会升级（请先备份）。")
        else:
            state = self.tr("数据库里已有台账：%1 条售后单。").replace("%1", str(probe.cases))
        self._say(self.tr("连接成功（PostgreSQL %1）。").replace("%1", probe.version) + state)

    def _remember(self, location: LedgerLocation) -> bool:
        """Keep the server (no password), the seat and the password (keyring); False if refused."""
        try:
            seat = team.clean_seat_name(self.seat.text())
            if self.password.text():
                team.save_password(location, self.password.text())
            plain = LedgerLocation(url=location.url.set(password=None)) if location.url is not None else location
            team.update_team_settings(server=plain.display(), use_server=True, seat=seat)  # the computer's id stays
        except UserError as exc:
            self._say(labels.message(exc), error=True)
            return False
        return True

    def save_and_connect(self) -> None:
        location = self._typed_or_say()
        if location is None or not self._remember(location):
            return
        self.switch_requested.emit(location)
        self.accept()

    def move_local_ledger(self) -> None:
        location = self._typed_or_say()
        if location is None:
            return
        source = self.current.path or default_db_path()
        answer = QMessageBox.question(
            self, self.tr("迁移本机数据"),
            self.tr("把 %1 中的全部数据复制到 %2？目标数据库必须是空的；本机文件不会被改动。")
            .replace("%1", str(source)).replace("%2", location.display()))
        if answer != QMessageBox.StandardButton.Yes:
            return
        seat = self.seat.text().strip()
        self._busy(True, self.tr("正在迁移，请稍候……"))
        self.aside.run(lambda: move_ledger(source, location, seat=seat),
                       lambda result, error: self._moved(location, result, error))

    def _moved(self, location: LedgerLocation, result: MoveResult | None, error: BaseException | None) -> None:
        self._busy(False)
        if error is not None or result is None:  # move_ledger returns its result or raises
            reason = describe_error(error) if error is not None else ""
            self._say(self.tr("迁移未完成，服务器未改动：%1").replace("%1", reason), error=True)
            return
        counts = self.tr("，").join(f"{labels.text(label)} {result.counts.get(table, 0)}"
                                   for table, label in TABLE_LABELS.items() if result.counts.get(table))
        files = self.tr("证据文件和印章 %1 个").replace("%1", str(result.files))
        if result.missing_files:
            files += self.tr("（另有 %1 个在本机找不到，只迁移了记录）").replace("%1", str(len(result.missing_files)))
        if result.rule_files:  # from now on the team's rules, for every seat
            files += self.tr("，本店修改过的时效规则 %1 个").replace("%1", str(len(result.rule_files)))
        summary = f"{counts or '0'}，{files}"
        QMessageBox.information(self, self.tr("迁移完成"),
                                self.tr("已迁移并核对：%1。现在连接团队数据库。").replace("%1", summary))
        self.save_and_connect()

    def use_local_file(self) -> None:
        team.update_team_settings(use_server=False)
        self.switch_requested.emit(LedgerLocation(path=default_db_path()))
        self.accept()
