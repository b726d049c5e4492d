"""Shop details (店铺信息): who signs the goods value statements, and where the courier pays.

One profile for every shop, and one per shop where a store signs with its own name, contact or seal
(a 淘宝 and an 抖店 store of one seller): a statement uses its order's shop's profile, and a field
left empty there comes from the all-shops profile (shown greyed as the field's placeholder).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.clock import format_china
from desktop_app.core.op_changes import Written
from desktop_app.core.statement import ShopProfile
from desktop_app.printing.seal_image import seal_problem
from desktop_app.services.shop_profile import (
    ProfileState,
    get_shop_profile,
    profile_state,
    save_shop_profile,
    seal_path,
)
from desktop_app.store.case_queries import list_shops
from desktop_app.store.database import Database
from desktop_app.store.rows import ShopRow
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error, is_conflict
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.status_colours import tint
from desktop_app.ui.widgets.table_menu import explain

SEAL_PREVIEW_PX = 96


class ShopProfileDialog(QDialog):
    """Edit the profile stored in the ledger; `saved` carries the stored ShopProfile."""

    saved = Signal(object)
    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._profile = ShopProfile()
        self._version = 0  # the stored profile's version: a save is refused if another seat saved since
        self._new_seal: Path | None = None
        self.setWindowTitle(self.tr("店铺信息"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("这些信息印在货物价值说明上，交给快递网点理赔时使用。"))
        intro.setWordWrap(True)
        tint(intro, "secondary")
        layout.addWidget(intro)

        form = QFormLayout()
        self.shop = QComboBox()
        self.shop.setObjectName("profile_shop")
        self.shop.addItem(self.tr("全部店铺（默认）"), None)
        self.shop.setToolTip(self.tr("为某个店铺单独填写时，货值说明按订单所属店铺使用它；留空的项沿用默认"))
        form.addRow(self.tr("适用于"), self.shop)
        self._default = ShopProfile()
        self.name = QLineEdit()
        self.name.setObjectName("shop_name")
        self.name.setPlaceholderText(self.tr("例如：某某家纺旗舰店"))
        self.contact = QLineEdit()
        self.contact.setObjectName("shop_contact")
        self.phone = QLineEdit()
        self.phone.setObjectName("shop_phone")
        self.address = QLineEdit()
        self.address.setObjectName("shop_address")
        self.address.setPlaceholderText(self.tr("发货地址或店铺地址"))
        self.payout = QPlainTextEdit()
        self.payout.setObjectName("payout_account")
        self.payout.setTabChangesFocus(True)
        self.payout.setFixedHeight(56)
        self.payout.setPlaceholderText(self.tr("开户行、账号、户名，或支付宝账号和姓名"))
        form.addRow(self.tr("店铺名称"), self.name)
        form.addRow(self.tr("联系人"), self.contact)
        form.addRow(self.tr("联系电话"), self.phone)
        form.addRow(self.tr("地址"), self.address)
        form.addRow(self.tr("赔款收款账户"), self.payout)

        seal_row = QHBoxLayout()
        self.seal_preview = QLabel()
        self.seal_preview.setObjectName("seal_preview")
        self.seal_preview.setFixedSize(SEAL_PREVIEW_PX, SEAL_PREVIEW_PX)
        self.seal_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tint(self.seal_preview, "secondary", "border:1px dashed #bbb")
        choose = QPushButton(self.tr("选择图片…"))
        choose.clicked.connect(self._ask_for_seal)
        self.remove_seal_button = QPushButton(self.tr("移除"))
        self.remove_seal_button.clicked.connect(self.remove_seal)
        seal_buttons = QVBoxLayout()
        seal_buttons.addWidget(choose)
        seal_buttons.addWidget(self.remove_seal_button)
        seal_buttons.addStretch(1)
        seal_row.addWidget(self.seal_preview)
        seal_row.addLayout(seal_buttons)
        seal_row.addStretch(1)
        form.addRow(self.tr("印章图片（可选）"), seal_row)
        self.seal_refused = QLabel()  # why a chosen file was not taken (damaged, too many pixels)
        self.seal_refused.setObjectName("seal_refused")
        self.seal_refused.setWordWrap(True)
        tint(self.seal_refused, "overdue")
        self.seal_refused.hide()
        form.addRow("", self.seal_refused)
        layout.addLayout(form)
        hint = QLabel(self.tr("印章图片为透明背景的 PNG 最好；不上传时，打印后盖章即可。"))
        hint.setWordWrap(True)
        tint(hint, "secondary")
        layout.addWidget(hint)
        self.changed_by = QLabel()  # who saved what is shown, and when
        self.changed_by.setObjectName("profile_changed_by")
        tint(self.changed_by, "secondary")
        layout.addWidget(self.changed_by)
        self.conflict = QLabel()  # another seat saved first: said here, beside the fresh values
        self.conflict.setObjectName("profile_conflict")
        self.conflict.setWordWrap(True)
        tint(self.conflict, "overdue")
        self.conflict.hide()
        layout.addWidget(self.conflict)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.buttons.setEnabled(False)
        self._show_seal(None)
        self.shop.currentIndexChanged.connect(lambda _i: self._load_current())
        context.read(_load_shops, self._fill_shops)

    @property
    def shop_id(self) -> int | None:
        value = self.shop.currentData()
        return int(value) if value is not None else None

    def _fill_shops(self, result: tuple[list[ShopRow], ShopProfile]) -> None:
        shops, self._default = result
        self.shop.blockSignals(True)
        for shop in shops:
            named = self.tr("%1（%2）").replace("%2", labels.platform(shop.platform)).replace("%1", shop.name)
            self.shop.addItem(named, shop.id)
        self.shop.blockSignals(False)
        self.shop.setEnabled(bool(shops))
        if not shops:
            self.shop.setToolTip(self.tr("导入订单后，这里可以为各店铺分别填写"))
        self._load_current()

    def _load_current(self) -> None:
        shop_id = self.shop_id
        self.buttons.setEnabled(False)
        self._new_seal = None
        self._context.read(lambda db: _load(db, shop_id), self._loaded)

    # --- loading -------------------------------------------------------------------------------
    def _loaded(self, result: tuple[ProfileState, Path | None]) -> None:
        state, seal = result
        profile = self._profile = state.profile
        self._version = state.version
        changed = state.changed
        self.changed_by.setText(self.tr("上次修改：%1（%2）").replace("%1", changed.author or self.tr("未知"))
                                .replace("%2", format_china(changed.at)) if changed is not None else "")
        # For one shop, what an empty field inherits shows as its placeholder.
        inherited = self._default if self.shop_id is not None else ShopProfile()
        for field, value in ((self.name, inherited.name), (self.contact, inherited.contact),
                             (self.phone, inherited.phone), (self.address, inherited.address)):
            original = field.property("own_placeholder")
            if original is None:
                original = field.placeholderText()
                field.setProperty("own_placeholder", original)
            field.setPlaceholderText(value or original)
        self.name.setText(profile.name)
        self.contact.setText(profile.contact)
        self.phone.setText(profile.phone)
        self.address.setText(profile.address)
        self.payout.setPlainText(profile.payout_account)
        self._show_seal(seal)
        self.buttons.setEnabled(True)
        self.loaded.emit()

    def _show_seal(self, path: Path | None) -> None:
        pixmap = QPixmap(str(path)) if path is not None else QPixmap()
        if pixmap.isNull():
            self.seal_preview.setPixmap(QPixmap())
            self.seal_preview.setText(self.tr("无印章"))
        else:
            self.seal_preview.setPixmap(pixmap.scaled(SEAL_PREVIEW_PX - 4, SEAL_PREVIEW_PX - 4,
                                                      Qt.AspectRatioMode.KeepAspectRatio,
                                                      Qt.TransformationMode.SmoothTransformation))
        explain(self.remove_seal_button, not pixmap.isNull(), self.tr("还没有印章图片"))

    # --- the seal ------------------------------------------------------------------------------
    def _ask_for_seal(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择印章图片"), str(Path.home()),
                                              self.tr("图片 (*.png *.jpg *.jpeg)"))
        if path:
            self.choose_seal(Path(path))

    def choose_seal(self, path: Path) -> None:
        """Use `path` as the new seal (copied into the data folder when saved); a file the statement
        could not print (damaged, too many pixels) is refused here, saying why, and the seal stays."""
        problem = seal_problem(path)
        refused = self.tr("，未采用；请选择 PNG 或 JPG 图片（2000 像素以内）")
        self.seal_refused.setText(problem + refused if problem else "")
        self.seal_refused.setVisible(bool(problem))
        if problem:
            return
        self._new_seal = path
        self._show_seal(path)

    def remove_seal(self) -> None:
        self._new_seal = None
        self._profile = replace(self._profile, seal_image=None)
        self._show_seal(None)

    # --- saving --------------------------------------------------------------------------------
    def profile(self) -> ShopProfile:
        """The form as a profile (the seal as it was, unless a new one was chosen)."""
        return ShopProfile(
            name=self.name.text(), contact=self.contact.text(), phone=self.phone.text(),
            address=self.address.text(), payout_account=self.payout.toPlainText(),
            seal_image=self._profile.seal_image,
        )

    def submit(self) -> None:
        profile, seal, shop_id, version = self.profile(), self._new_seal, self.shop_id, self._version
        self.buttons.setEnabled(False)
        self.conflict.hide()

        def done(stored: Written[ShopProfile]) -> None:
            self.saved.emit(stored.value)
            self.accept()

        def failed(error: Exception) -> None:
            if is_conflict(error):  # the fresh profile replaces what was typed, the message beside it
                self.conflict.setText(describe_error(error))
                self.conflict.show()
                self._load_current()
                return
            self.buttons.setEnabled(True)
            QMessageBox.warning(self, self.windowTitle(), describe_error(error))

        self._context.write(lambda db: save_shop_profile(db, profile, seal, shop_id, expected_version=version),
                            done, failed, origin=self)


def _load_shops(db: Database) -> tuple[list[ShopRow], ShopProfile]:
    with db.reading() as session:
        return list_shops(session), get_shop_profile(session)


def _load(db: Database, shop_id: int | None = None) -> tuple[ProfileState, Path | None]:
    with db.reading() as session:
        state = profile_state(session, shop_id)
        return state, seal_path(session, state.profile)
