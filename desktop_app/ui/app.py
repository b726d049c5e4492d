"""Starting the GUI: the window is painted first, the database opens right after on the worker thread."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import APP_NAME
from desktop_app.app_log import setup_logging
from desktop_app.core.errors import UserError
from desktop_app.paths import data_dir
from desktop_app.services.team import ledger_location, missing_ledger_file, missing_ledger_refusal
from desktop_app.store.locations import LedgerLocation
from desktop_app.ui.display_check import display_problem
from desktop_app.ui.gui_collector import GuiThreadCollector
from desktop_app.ui.window.app_icon import app_icon
from desktop_app.ui.window.error_dialog import show_unexpected
from desktop_app.ui.window.startup import skip_pyside_source_scan

if TYPE_CHECKING:
    from desktop_app.ui.window.main_window import MainWindow


def app_settings() -> QSettings:
    """Settings live in the data folder too, so a redirected data folder (tests) redirects them."""
    return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def parse_gui_args(argv: list[str]) -> tuple[LedgerLocation, list[str], list[Path]]:
    """The ledger (`--db` file or URL, else AFTERSALES_LEDGER_DB, the saved team server, the local
    file), Qt's own options, and order files to import ("open with" on the desktop)."""
    parser = argparse.ArgumentParser(prog="desktop-app", add_help=False)
    parser.add_argument("--db")
    known, rest = parser.parse_known_args(argv)
    files = [Path(a) for a in rest if not a.startswith("-") and Path(a).is_file()]
    qt_args = [a for a in rest if a.startswith("-") or not Path(a).is_file()]
    return ledger_location(known.db), qt_args, files


def refused_ledger(argv: list[str], files: list[Path]) -> UserError | None:
    """A ledger file `--db` or AFTERSALES_LEDGER_DB names that is not there is refused as the commands refuse it
    (it made an empty ledger and its folders: a mistyped path showed an empty shop); only files given to
    import ("open with") make a new ledger there, as `import-orders` does."""
    parser = argparse.ArgumentParser(prog="desktop-app", add_help=False)
    parser.add_argument("--db")
    missing = None if files else missing_ledger_file(parser.parse_known_args(argv)[0].db)
    return None if missing is None else missing_ledger_refusal(missing)


def create_window(target: Path | LedgerLocation) -> MainWindow:  # MainWindow is imported late: Qt starts fast
    from desktop_app.ui.window.main_window import MainWindow

    return MainWindow(target, app_settings())


def name_the_app(app: QApplication) -> None:
    """The name Qt adds to every window's title (拣货单预览 — 售后台账), in the window's language: an English
    window's title bars said "Aftersales Ledger — 售后台账", "About 售后台账"."""
    app.setApplicationDisplayName(QCoreApplication.translate("MainWindow", "售后台账"))


def refuse_start(message: str, qt_args: list[str]) -> None:
    """Why no ledger opens, on stderr and in a box: the program started from its icon (a windowed program on
    Windows has no console at all) showed nothing and was gone."""
    if sys.stderr is not None:
        sys.stderr.write(f"错误：{message}\n")
    if display_problem(qt_args) is not None:
        return
    _app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])  # kept until the box is closed
    QMessageBox.critical(None, "售后台账", message)


def run_gui(argv: list[str]) -> int:
    # Python's lock goes to a waiting thread after this long: the GUI thread waits for it after calls
    # into Qt while another thread imports or reads (5 ms by default; measured: a table's repaint beside
    # a busy thread took ~105 ms at 5 ms, ~45 ms at 1 ms).
    sys.setswitchinterval(0.001)
    skip_pyside_source_scan()  # before the imports on other threads (ui/window/startup.py)
    setup_logging()  # <data folder>/logs/ledger.log, rotated; hard crashes to crash.log (faulthandler)
    sys.excepthook = show_unexpected  # an exception in a slot: logged and shown, never lost on a console
    try:
        location, qt_args, files = parse_gui_args(argv)
    except UserError as exc:  # a --db, AFTERSALES_LEDGER_DB or saved team server the app cannot use
        refuse_start(exc.message, [a for a in argv if a.startswith("-") and a != "--db"])
        return 2
    problem = display_problem(qt_args)
    if problem is not None:  # Qt would abort with an English message, often naming the wrong cause
        sys.stderr.write(f"错误：{problem}\n")
        return 2
    app = QApplication([sys.argv[0], *qt_args])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("售后台账")
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(app_icon())  # the window, the tray and the task bar
    from desktop_app.printing.fonts import register_fonts
    from desktop_app.ui.interface_font import install_interface_fallback, use_system_ui_font

    register_fonts()  # the shipped CJK font: Chinese renders even where the system has none
    install_interface_fallback(app)
    use_system_ui_font(app)  # Microsoft YaHei UI on Windows, PingFang SC on macOS, the CJK font elsewhere

    from desktop_app.ui.settings.settings_dialog import language
    from desktop_app.ui.translations import install_translators

    install_translators(app, language(app_settings()))
    name_the_app(app)
    from desktop_app.ui.settings.theme import follow_system

    follow_system(app, app_settings())  # light or dark as the system is, or as chosen in 设置
    if (refusal := refused_ledger(argv, files)) is not None:
        sys.stderr.write(f"错误：{refusal.message}\n")
        from desktop_app.ui.labels import message

        QMessageBox.critical(None, QCoreApplication.translate("MainWindow", "售后台账"), message(refusal))
        return 2
    from desktop_app.ui.window.single_instance import SingleInstance

    instance = SingleInstance(location.path or location.display(), app)
    if not instance.claim():
        sys.stderr.write(f"售后台账已经打开了 {location.display()}，已切换到那个窗口。\n")
        return 0
    GuiThreadCollector(app)  # Qt objects are freed on the GUI thread, never on a worker's
    window = create_window(location)
    instance.activate_requested.connect(window.bring_to_front)
    window.import_when_open(files)
    window.show()
    window.open_when_painted()  # the ledger's first page is read right after the window has painted
    try:
        return app.exec()
    finally:
        instance.release()
