"""Team mode in the window: 连接团队数据库… (choose a PostgreSQL ledger, or go back to the file), the
seat-name prompt at the first start on a team ledger, and switching the window to another ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from desktop_app.core.errors import UserError
from desktop_app.services import team
from desktop_app.services.team import seat_name
from desktop_app.store.locations import LedgerLocation
from desktop_app.ui import labels

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QLabel, QMainWindow

    from desktop_app.services.seats import SeatClash
    from desktop_app.store.database import Database
    from desktop_app.ui.background import BackgroundRunner
    from desktop_app.ui.context import AppContext
    from desktop_app.ui.settings.ledger_care import LedgerCare
    from desktop_app.ui.team.team_db_dialog import TeamDatabaseDialog

    class _Window(QMainWindow):
        """What the mixin uses of `MainWindow`, for mypy only: at run time the mixin is a plain class."""

        location: LedgerLocation
        db_path: Path | None
        context: AppContext
        runner: BackgroundRunner
        care: LedgerCare
        db_label: QLabel

        def _ledger_closing(self) -> None: ...

        def _database_opened(self, db: Database) -> None: ...

        def _database_failed(self, error: Exception) -> None: ...
else:
    _Window = object


class TeamMode(_Window):
    """Mixed into `MainWindow` (a QMainWindow): what it uses of the window is declared in `_Window`. Its
    texts translate under this class's name: PySide's `tr` looks up every class of the object's type."""

    def open_team_database(self) -> TeamDatabaseDialog:
        # Imported when used: the dialog's ledger move pulls in most of the services (start-up, issue 15).
        from desktop_app.ui.team.team_db_dialog import TeamDatabaseDialog

        dialog = TeamDatabaseDialog(self.location, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.switch_requested.connect(self.switch_ledger)
        dialog.open()
        return dialog

    def ask_seat_name(self) -> None:
        """The first start on a team ledger: who works at this computer (recorded with every change)."""
        dialog = QInputDialog(self)
        dialog.setObjectName("seat_name")
        dialog.setWindowTitle(self.tr("席位名"))
        dialog.setLabelText(self.tr("团队共用这个台账：每条修改都会记下是谁做的。请填写你的名字（席位名）："))
        dialog.setTextValue(team.seat_name())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(self._seat_named)
        dialog.open()

    def _seat_named(self, name: str) -> None:
        """Saved for this computer; each pooled connection takes the new name when next used
        (store/database.server_engine), so the other seats see it from the next change on."""
        try:
            team.update_team_settings(seat=team.clean_seat_name(name))
        except UserError as exc:
            QMessageBox.warning(self, self.tr("席位名"), labels.message(exc))
            return
        self.check_seat_name(take=True)

    def check_seat_name(self, take: bool = False) -> None:
        """On a team ledger: whether another computer works under this computer's seat name (the two
        could not be told apart); a name nobody took yet becomes this computer's, and one named here
        (`take`) too: the computer that had it is told at its next start."""
        db = self.context.db
        if db is None or not db.is_server:
            return
        # Imported when used, on a team ledger: the seats' record loads SQLAlchemy, which the window's first
        # paint does without (tests/ui/test_first_screen.py).
        from desktop_app.services.seats import check_seat, take_seat

        name = seat_name()
        self.runner.run(lambda: (take_seat if take else check_seat)(db, name), self._seat_checked)

    def check_clock(self) -> None:
        """On a team ledger, at start: this computer's clock minutes off the server's is said (the steps recorded
        here without a time, and the deadlines counted from them, are off by as much)."""
        db = self.context.db
        if db is None or not db.is_server:
            return
        from desktop_app.services.seats import clock_warning  # as `check_seat_name`: loaded on a team ledger only

        self.runner.run(lambda: clock_warning(db), self._clock_checked)

    def _clock_checked(self, warning: str | None) -> None:
        if warning is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("电脑时钟不准"), labels.message(warning),
                          QMessageBox.StandardButton.Close, self)
        box.setObjectName("clock_off")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _seat_checked(self, clash: SeatClash | None) -> None:
        if clash is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("席位名重复"), labels.message(clash.message),
                          QMessageBox.StandardButton.Close, self)
        box.setObjectName("seat_clash")
        rename = box.addButton(self.tr("换个名字…"), QMessageBox.ButtonRole.AcceptRole)
        take = box.addButton(self.tr("那台电脑已不再使用"), QMessageBox.ButtonRole.DestructiveRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen() -> None:
            if box.clickedButton() is rename:
                self.ask_seat_name()
            elif box.clickedButton() is take and (db := self.context.db) is not None:
                from desktop_app.services.seats import take_seat  # loaded already by `check_seat_name`

                self.runner.run(lambda: take_seat(db, clash.name))

        box.finished.connect(chosen)
        box.open()

    def switch_ledger(self, location: LedgerLocation) -> None:
        """Close this ledger (after the queued work) and open `location` in the same window."""
        old = self.context.db
        self._ledger_closing()
        self.location, self.db_path = location, location.path
        self.care.set_location(location)
        self.db_label.setText(location.display())

        def work() -> Database:
            from desktop_app.store.database import open_database

            if old is not None:
                old.close()
            return open_database(location, seat=seat_name)

        self.runner.run(work, self._database_opened, self._database_failed)
