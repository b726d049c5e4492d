"""The statement on paper: the PDF's text (pdftotext), one page per statement, the print preview,
the statement dialog and the shop details dialog over a real ledger."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter
from PySide6.QtPrintSupport import QPrintPreviewWidget
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.statement import DECLARATION, STATEMENT_TITLE, GoodsValueStatement, ShopProfile, StatementLine
from desktop_app.core.vocabulary import Platform, order_key
from desktop_app.printing import fonts
from desktop_app.printing.statement_pdf import write_pdf
from desktop_app.printing.statement_render import statement_image
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.services.shop_profile import load_shop_profile, save_shop_profile, seal_path
from desktop_app.services.statements import StatementRequest
from desktop_app.store.database import Database, open_database
from desktop_app.store.models import Order, OrderItem, utcnow
from desktop_app.ui import interface_font
from desktop_app.ui.statements.shop_profile_dialog import ShopProfileDialog
from desktop_app.ui.statements.statement_dialog import StatementDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle

ORDER_NO = "3712345678901234567"
TRACKING = "78123456789012"
SHOP = ShopProfile(name="暖居家纺旗舰店", contact="李娜", phone="0571-88886666", address="杭州市余杭区文一西路 1 号",
                   payout_account="工商银行 6222 0212 3456 7890 123 户名：李娜")


def statement(n: int = 0, lines: int = 2) -> GoodsValueStatement:
    items = tuple(StatementLine(f"纯棉四件套 第{i + 1}款", "1.8m床", 1, 12345, 12345) for i in range(lines))
    total = 12345 * lines
    return GoodsValueStatement(
        title=STATEMENT_TITLE, shop_name=SHOP.name, shop_contact=SHOP.contact, shop_phone=SHOP.phone,
        shop_address=SHOP.address, payout_account=SHOP.payout_account, seal_image=None, platform="淘宝",
        order_no=f"{ORDER_NO[:-3]}{n:03d}", carrier="中通快递", tracking_no=f"ZT{n:012d}",
        ship_date=date(2024, 11, 12), incident="丢件", description="中转站失火，包裹烧毁", recipient_name="王小明",
        recipient_phone="13812345678", recipient_address="上海市浦东新区科苑路 88 号", lines=items, total_fen=total,
        claimed_fen=total, declared_fen=None, value_basis=(f"平台订单：淘宝 订单号 {ORDER_NO}", "支付记录：买家实付"),
        declaration=DECLARATION, issued_on=date(2024, 11, 20), reference=f"理赔编号 {n}",
    )


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def ink(image: QImage) -> int:
    """How many sampled pixels are not white: a blank page has none."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    white = QColor(Qt.GlobalColor.white).rgb()
    return sum(1 for y in range(0, image.height(), 3) for x in range(0, image.width(), 3)
               if image.pixel(x, y) != white)


# --- the PDF ---------------------------------------------------------------------------------


def test_the_pdf_text_is_real_text(qapp: QApplication, tmp_path: Path) -> None:
    path = tmp_path / "one.pdf"
    assert write_pdf([statement(7)], path) == 1
    text = pdf_text(path)
    for wanted in ("货物价值说明", f"{ORDER_NO[:-3]}007", "ZT000000000007", "¥246.90", "贰佰肆拾陆元玖角",
                   "人民币贰佰肆拾陆元玖角", SHOP.name, SHOP.payout_account, "王小明", "13812345678",
                   "理赔编号 7", "2024年11月20日", "声明单位（盖章）", "经办人（签字）"):
        assert wanted in text, wanted
    assert pdf_pages(path) == 1


def test_the_pdf_embeds_the_shipped_font(qapp: QApplication, tmp_path: Path) -> None:
    assert fonts.register_fonts() == fonts.FAMILY == "WenQuanYi Micro Hei"
    path = tmp_path / "one.pdf"
    write_pdf([statement()], path)
    listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    row = next(line for line in listing.splitlines() if "WenQuanYi" in line)
    assert " yes " in row  # embedded (a subset: the file stays small)
    assert path.stat().st_size < 200_000


def test_a_batch_is_one_page_per_statement(qapp: QApplication, tmp_path: Path) -> None:
    batch = [statement(n) for n in range(5)]
    path = tmp_path / "batch.pdf"
    assert write_pdf(batch, path) == 5
    assert pdf_pages(path) == 5
    text = pdf_text(path)
    assert [text.count(f"ZT{n:012d}") for n in range(5)] == [1] * 5


def test_a_long_item_list_still_fits_one_page(qapp: QApplication, tmp_path: Path) -> None:
    long = statement(1, lines=60)
    path = tmp_path / "long.pdf"
    write_pdf([long, statement(2)], path)
    assert pdf_pages(path) == 2
    text = pdf_text(path)
    assert "明细见平台订单" in text and "其余" in text  # the tail of the list is folded into one line
    assert "¥7,407.00" in text and "柒仟肆佰零柒元整" in text  # the total stays the whole order's


def test_a_seal_image_is_drawn_over_the_signature(qapp: QApplication, tmp_path: Path) -> None:
    seal = QImage(200, 200, QImage.Format.Format_ARGB32)
    seal.fill(QColor("#d00000"))
    seal_file = tmp_path / "seal.png"
    assert seal.save(str(seal_file))
    plain = statement_image(statement(), 50)
    sealed = statement_image(replace(statement(), seal_image=str(seal_file)), 50)
    red = QColor("#d00000")

    def reddish(image: QImage) -> int:
        return sum(1 for y in range(image.height() // 2, image.height(), 2) for x in range(0, image.width(), 2)
                   if QColor(image.pixel(x, y)).red() > 180 and QColor(image.pixel(x, y)).green() < 120)

    assert reddish(plain) == 0
    assert reddish(sealed) > 100, red.name()


def test_the_page_image_is_a4_with_ink(qapp: QApplication) -> None:
    image = statement_image(statement(), 40)
    assert abs(image.height() / image.width() - 297 / 210) < 0.01
    assert ink(image) > 500


def test_an_empty_batch_writes_nothing(qapp: QApplication, tmp_path: Path) -> None:
    from desktop_app.core.errors import UserError

    with pytest.raises(UserError):
        write_pdf([], tmp_path / "none.pdf")
    assert not list(tmp_path.iterdir())


def test_chinese_falls_back_to_the_shipped_font_only_without_a_system_one(qapp: QApplication,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    before = QFont(qapp.font())
    try:
        monkeypatch.setattr(interface_font, "_system_has_chinese", lambda: True)
        assert interface_font.install_interface_fallback(qapp) is False
        assert fonts.FAMILY not in qapp.font().families()
        monkeypatch.setattr(interface_font, "_system_has_chinese", lambda: False)
        assert interface_font.install_interface_fallback(qapp) is True
        assert qapp.font().families()[-1] == fonts.FAMILY
        # a label in the fallback font draws Chinese glyphs, not empty boxes
        image = QImage(200, 40, QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        font = QFont(qapp.font())
        font.setPixelSize(24)
        painter.setFont(font)
        painter.drawText(QRectF(0, 0, 200, 40), "货物价值")
        painter.end()
        assert ink(image) > 20
    finally:
        QGuiApplication.setFont(before)


# --- the dialogs over a ledger -----------------------------------------------------------------


def add_order(db: Database, order_no: str, tracking: str) -> int:
    with db.transaction() as session:
        order = Order(
            order_key=order_key(Platform.TAOBAO, order_no), platform="taobao", order_no=order_no, receiver="王小明",
            phone="13812345678", address="上海市浦东新区科苑路 88 号", paid_fen=43700, postage_fen=0,
            shipped_at=datetime(2024, 11, 12, 2, 30, tzinfo=UTC), carrier="中通快递", tracking_no=tracking,
            imported_at=utcnow(), search_text=order_no,
            items=[OrderItem(position=0, title="纯棉四件套", spec="1.8m", quantity=1, unit_price_fen=29900,
                             paid_fen=25900),
                   OrderItem(position=1, title="记忆棉枕头", spec="标准", quantity=2, unit_price_fen=8900,
                             paid_fen=17800)],
        )
        session.add(order)
        session.flush()
        return order.id


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    try:
        for n in range(3):
            order_id = add_order(db, f"{ORDER_NO[:-1]}{n}", f"{TRACKING[:-1]}{n}")
            open_claim(db, NewClaim(incident=ClaimIncident.LOST, order_id=order_id), author="test")
    finally:
        db.close()
    return db_path


def open_statements(qtbot: QtBot, window: MainWindow, request: StatementRequest) -> StatementDialog:
    dialog = StatementDialog(window.context, request, window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.show()
    return dialog


def test_the_print_preview_has_one_page_per_claim(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_statements(qtbot, window, StatementRequest(claim_ids=(1, 2, 3)))
    assert dialog.list.count() == 3
    assert dialog.preview_button.isEnabled()
    preview = dialog.print_preview()  # open(), not exec(): the test keeps running
    assert preview is not None and preview.isVisible()
    widget = preview.findChild(QPrintPreviewWidget)
    assert widget is not None
    # the preview asks for the pages (paintRequested) as it shows; the renderer paints one per claim
    qtbot.waitUntil(lambda: widget.pageCount() == 3, timeout=10000)
    with qtbot.waitSignal(preview.paintRequested, timeout=10000):
        widget.updatePreview()  # asking again (e.g. after a paper change) repaints the same pages
    qtbot.waitUntil(lambda: widget.pageCount() == 3, timeout=10000)
    preview.close()
    qtbot.waitUntil(lambda: dialog.preview_dialog is None, timeout=10000)


def test_the_dialog_shows_the_page_and_saves_pdf_and_excel(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dialog = open_statements(qtbot, window, StatementRequest(claim_ids=(2, 1)))
    # no shop details yet: said, and the page still renders
    assert dialog.warning.isVisibleTo(dialog)
    assert "店铺名称" in dialog.warning_text.text()
    assert not dialog.page.image().isNull()
    shot = dialog.grab()
    assert shot.save(str(tmp_path / "statement_dialog.png"))
    assert ink(dialog.page.image()) > 300
    assert ink(shot.toImage()) > 300

    pdf = tmp_path / "two.pdf"
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        assert dialog.save_pdf(pdf)
    assert pdf_pages(pdf) == 2
    text = pdf_text(pdf)
    assert text.index("理赔编号 2") < text.index("理赔编号 1")  # in the order chosen
    assert "肆佰叁拾柒元整" in text

    xlsx = tmp_path / "two.xlsx"
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.save_xlsx(xlsx)
    assert len(load_workbook(xlsx).worksheets) == 2
    assert str(xlsx) in dialog.status.text()


def test_a_failed_read_is_shown_in_the_dialog(qtbot: QtBot, window: MainWindow) -> None:
    dialog = StatementDialog(window.context, StatementRequest(claim_ids=(404,)), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "找不到理赔 #404" in dialog.page.message, timeout=10000)
    assert not dialog.pdf_button.isEnabled()


def test_shop_details_filled_from_the_statement_dialog(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dialog = open_statements(qtbot, window, StatementRequest(claim_ids=(1,)))
    profile_dialog = dialog.edit_shop_profile()
    qtbot.waitUntil(lambda: profile_dialog.buttons.isEnabled(), timeout=10000)
    profile_dialog.name.setText(SHOP.name)
    profile_dialog.contact.setText(SHOP.contact)
    profile_dialog.phone.setText(SHOP.phone)
    profile_dialog.payout.setPlainText(SHOP.payout_account)
    seal = QImage(120, 120, QImage.Format.Format_ARGB32)
    seal.fill(QColor("#cc0000"))
    assert seal.save(str(tmp_path / "章.png"))
    profile_dialog.choose_seal(tmp_path / "章.png")
    assert not profile_dialog.seal_preview.pixmap().isNull()
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        profile_dialog.submit()
    assert not dialog.warning.isVisibleTo(dialog)
    assert dialog.statements[0].shop_name == SHOP.name
    assert dialog.statements[0].seal_image is not None
    db = window.context.db
    assert db is not None
    stored = load_shop_profile(db)
    assert stored.payout_account == SHOP.payout_account
    with db.reading() as session:
        assert seal_path(session, stored) is not None


def test_the_shop_profile_dialog_loads_and_removes_the_seal(qtbot: QtBot, window: MainWindow,
                                                             tmp_path: Path) -> None:
    db = window.context.db
    assert db is not None
    seal = QImage(50, 50, QImage.Format.Format_ARGB32)
    seal.fill(QColor("#cc0000"))
    seal.save(str(tmp_path / "seal.png"))
    save_shop_profile(db, SHOP, seal_source=tmp_path / "seal.png")
    dialog = ShopProfileDialog(window.context, window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.open()
    assert dialog.name.text() == SHOP.name
    assert dialog.payout.toPlainText() == SHOP.payout_account
    assert not dialog.seal_preview.pixmap().isNull()
    dialog.remove_seal()
    assert dialog.seal_preview.pixmap().isNull()
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.submit()
    wait_idle(qtbot, window)
    assert load_shop_profile(db).seal_image is None
    assert load_shop_profile(db).name == SHOP.name


def test_each_shop_signs_its_own_statements(qtbot: QtBot, window: MainWindow, db_path: Path) -> None:
    from desktop_app.core.statement import ShopProfile
    from desktop_app.services.statements import StatementRequest, load_statements
    from desktop_app.store.models import Order, Shop

    db = window.context.db
    assert db is not None
    with db.transaction() as s:
        taobao, douyin = Shop(platform="taobao", name="小林家居旗舰店"), Shop(platform="douyin", name="小林抖店")
        s.add_all([taobao, douyin])
        s.flush()
        ids = []
        for number, shop in (("111", taobao), ("222", douyin), ("333", None)):
            order = Order(order_key=f"taobao:{number}", platform="taobao", order_no=number, shop=shop,
                          paid_fen=5000)
            s.add(order)
            s.flush()
            ids.append(order.id)
        douyin_id = douyin.id
    save_shop_profile(db, ShopProfile(name="小林家居", contact="林女士", phone="13800000000", payout_account="支付宝"))
    dialog = ShopProfileDialog(window.context, window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.open()
    assert dialog.shop.count() == 3 and dialog.name.text() == "小林家居"
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.shop.setCurrentIndex(dialog.shop.findData(douyin_id))
    assert dialog.name.text() == "" and dialog.name.placeholderText() == "小林家居"  # inherited, shown greyed
    dialog.name.setText("小林抖店旗舰")
    dialog.phone.setText("13911112222")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.submit()
    taobao_s, douyin_s, no_shop = load_statements(db, StatementRequest(order_ids=tuple(ids)))
    assert (douyin_s.shop_name, douyin_s.shop_phone, douyin_s.shop_contact) == ("小林抖店旗舰", "13911112222", "林女士")
    assert (taobao_s.shop_name, taobao_s.shop_phone) == ("小林家居", "13800000000")
    assert no_shop.shop_name == "小林家居"


def test_a_seal_qt_cannot_read_is_refused_in_the_shop_profile(qtbot: QtBot, window: MainWindow,
                                                              tmp_path: Path) -> None:
    """A PNG damaged past its first bytes was taken (its preview just said 无印章) and every statement
    after came out without the seal; the dialog now says why and keeps the seal it had."""
    db = window.context.db
    assert db is not None
    good = QImage(50, 50, QImage.Format.Format_ARGB32)
    good.fill(QColor("#cc0000"))
    good.save(str(tmp_path / "seal.png"))
    save_shop_profile(db, SHOP, seal_source=tmp_path / "seal.png")
    damaged = tmp_path / "公章.png"
    damaged.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 40)
    dialog = ShopProfileDialog(window.context, window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.open()
    dialog.choose_seal(damaged)
    assert dialog.seal_refused.isVisibleTo(dialog)
    assert "公章.png 无法读取" in dialog.seal_refused.text() and "未采用" in dialog.seal_refused.text()
    assert not dialog.seal_preview.pixmap().isNull()  # the seal it had is still shown, and kept
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.submit()
    wait_idle(qtbot, window)
    with db.reading() as session:
        kept = seal_path(session, load_shop_profile(db))
    assert kept is not None and kept.read_bytes() == (tmp_path / "seal.png").read_bytes()


def test_the_statement_dialog_says_when_the_seal_cannot_print(qtbot: QtBot, window: MainWindow,
                                                              tmp_path: Path) -> None:
    db = window.context.db
    assert db is not None
    damaged = tmp_path / "公章.png"
    damaged.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 40)
    save_shop_profile(db, SHOP, seal_source=damaged)  # its first bytes are a PNG's: taken before the dialog checked
    dialog = open_statements(qtbot, window, StatementRequest(claim_ids=(1,)))
    assert dialog.warning.isVisibleTo(dialog)
    assert "无法读取" in dialog.warning_text.text() and "不会盖章" in dialog.warning_text.text()
    assert dialog.statements[0].seal_image is None  # the pages do not try it again


def test_a_large_seal_is_read_at_print_size_with_its_transparency(qapp: QApplication, tmp_path: Path) -> None:
    from desktop_app.printing.seal_image import SEAL_PX, load_seal

    scan = QImage(2400, 1200, QImage.Format.Format_ARGB32)
    scan.fill(Qt.GlobalColor.transparent)
    scan.save(str(tmp_path / "scan.png"))
    image = load_seal(tmp_path / "scan.png")
    assert (image.width(), image.height()) == (SEAL_PX, SEAL_PX // 2)
    assert image.hasAlphaChannel() and image.pixelColor(10, 10).alpha() == 0
