"""The 店铺信息 dialog when another seat saved the profile while it was open: the save is refused, the dialog
says who saved first and shows the fresh values; saved again on them, it goes through (issue 18)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.core.statement import ShopProfile
from desktop_app.services.shop_profile import load_shop_profile, save_shop_profile
from desktop_app.store.database import open_database
from desktop_app.ui.statements.shop_profile_dialog import ShopProfileDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle


def test_a_profile_another_seat_saved_meanwhile_is_shown_with_who_saved_it(
        qtbot: QtBot, window: MainWindow, db_path: Path) -> None:
    db = window.context.db
    assert db is not None
    save_shop_profile(db, ShopProfile(name="小林家居", phone="0571-1234567"), author="店主")
    dialog = ShopProfileDialog(window.context, window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.open()
    assert dialog.name.text() == "小林家居" and "店主" in dialog.changed_by.text()
    other = open_database(db_path)  # another seat saves while this dialog is open
    try:
        save_shop_profile(other, ShopProfile(name="小林家居旗舰店", phone="0571-7654321"), author="小李")
    finally:
        other.close()
    dialog.name.setText("林记家纺")
    with qtbot.waitSignal(dialog.loaded, timeout=10000):  # refused: the fresh profile is loaded
        dialog.submit()
    wait_idle(qtbot, window)
    assert dialog.isVisible() and dialog.conflict.isVisible()
    assert "店铺信息（全部店铺）刚被 小李 修改了" in dialog.conflict.text() and "未生效" in dialog.conflict.text()
    assert (dialog.name.text(), dialog.phone.text()) == ("小林家居旗舰店", "0571-7654321")
    assert "小李" in dialog.changed_by.text()
    assert load_shop_profile(db).name == "小林家居旗舰店"  # the other seat's save stands
    dialog.name.setText("林记家纺")  # typed again on the fresh values: saved
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.submit()
    wait_idle(qtbot, window)
    assert load_shop_profile(db) == ShopProfile(name="林记家纺", phone="0571-7654321")
