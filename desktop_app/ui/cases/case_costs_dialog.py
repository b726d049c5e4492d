"""费用: what a case cost the shop beyond refund and compensation — postage out and back (and who paid
the return), goods written off at cost price, the platform's penalty — with the net loss after what
couriers paid back."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.case_costs import CaseCosts
from desktop_app.core.errors import UserError
from desktop_app.core.money import format_yuan, parse_yuan, yuan_to_fen
from desktop_app.core.vocabulary import ResponsibleParty
from desktop_app.services.case_costs import CaseMoney, case_money, set_case_costs
from desktop_app.services.product_costs import CostImport, case_goods_cost, import_product_costs
from desktop_app.store.product_costs import GoodsCost
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.dialog_buttons import add_ok_cancel
from desktop_app.ui.widgets.full_text_tips import show_whole_placeholder
from desktop_app.ui.widgets.writing_dialog import WritingDialog, write_from


class CaseCostsDialog(WritingDialog):
    def __init__(self, context: AppContext, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._case_id = case_id
        self.setWindowTitle(self.tr("售后单 #%1 的费用").replace("%1", str(case_id)))
        layout = QVBoxLayout(self)
        self.figures = QLabel(self.tr("正在读取……"))
        self.figures.setObjectName("costs_figures")
        self.figures.setWordWrap(True)
        layout.addWidget(self.figures)
        form = QFormLayout()
        self.postage_out = self._money_field("costs_postage_out", self.tr("补发/换货/返修寄出的运费"))
        self.postage_back = self._money_field("costs_postage_back", self.tr("买家退回包裹的运费"))
        self.payer = QComboBox()
        self.payer.setObjectName("costs_back_payer")
        self.payer.addItem(self.tr("按“谁过错谁承担”自动判断"), None)
        for party in ResponsibleParty:
            self.payer.addItem(labels.label(party), party.value)
        self.written_off = self._money_field("costs_written_off", self.tr("补发或退回后不能再卖的货，按成本价"))
        self.penalty = self._money_field("costs_penalty", self.tr("平台的罚款、赔付给买家的违约金"))
        form.addRow(self.tr("寄出运费（元）"), self.postage_out)
        form.addRow(self.tr("退回运费（元）"), self.postage_back)
        form.addRow(self.tr("退回运费承担方"), self.payer)
        written_off_row = QHBoxLayout()
        written_off_row.addWidget(self.written_off, 1)
        self.from_table = QPushButton(self.tr("按成本价表"))
        self.from_table.setObjectName("costs_from_table")
        self.from_table.setToolTip(self.tr("按商家编码的成本价表，计算补发的商品（其他售后单：订单的商品）的成本"))
        self.from_table.clicked.connect(self.fill_from_cost_table)
        written_off_row.addWidget(self.from_table)
        form.addRow(self.tr("货损（成本价，元）"), written_off_row)
        form.addRow(self.tr("平台处罚（元）"), self.penalty)
        layout.addLayout(form)
        self.import_note = QLabel()  # what a cost table imported from here brought
        self.import_note.setObjectName("costs_import_note")
        self.import_note.setWordWrap(True)
        self.import_note.hide()
        layout.addWidget(self.import_note)
        self.buttons = add_ok_cancel(self, layout, self.save, self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.send_with(self._save_kept)
        self._load()

    def _money_field(self, name: str, hint: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setPlaceholderText(hint)
        show_whole_placeholder(field)
        return field

    def _load(self) -> None:
        case_id = self._case_id

        self._context.look_up(lambda session: case_money(session, case_id), self._show,
                              lambda error: self.figures.setText(describe_error(error)))

    def _show(self, money: CaseMoney) -> None:
        self.saw_version(money.version)
        c = money.costs
        self.show_record(self.record_values(money))
        text = self.tr("退款 %1 元，补偿 %2 元，本店承担运费 %3 元，快递已赔付 %4 元；净损失 %5 元")
        # Nothing refunded or compensated is 0.00 元 (it read "补偿 — 元").
        values = (f"{money.refund or 0:,.2f}", f"{money.compensation or 0:,.2f}",
                  format_yuan(c.postage_paid_fen), f"{money.received:,.2f}", f"{money.net_loss:,.2f}")
        for n, value in enumerate(values, 1):
            text = text.replace(f"%{n}", value)
        order = self.tr("订单 %1 共 %2 张售后单，合计净损失 %3 元").replace("%1", money.order_no).replace(
            "%2", str(money.order_cases)).replace("%3", f"{money.order_net_loss:,.2f}")
        if not money.paid_out and (money.refund or money.compensation):
            text += "\n" + (self.tr("售后单已结束，退款和补偿没有付给买家（没有“退款”或“已补偿”这一步），不计入净损失")
                            if money.ended else
                            self.tr("退款和补偿还没有付给买家（没有“退款”或“已补偿”这一步），不计入净损失"))
        if money.timers_penalty:
            # What the case's timers put on it once they ran out: counted unless a penalty is recorded above.
            text += "\n" + (self.tr("时限超时按平台规则的处罚 %1 元，已计入净损失；"
                                    "在“平台处罚”中填写实际金额（含 0）则以填写的为准")
                            if c.penalty_fen is None else
                            self.tr("时限超时按平台规则的处罚 %1 元；已填写“平台处罚”，以填写的为准，不重复计入")
                            ).replace("%1", f"{money.timers_penalty:,.2f}")
        self.figures.setText(text + "\n" + order)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    _FIELDS = ("postage_out", "postage_back", "written_off", "penalty")

    @staticmethod
    def record_values(money: CaseMoney) -> dict[str, object]:
        c = money.costs
        fens = (c.postage_out_fen, c.postage_back_fen, c.written_off_fen, c.penalty_fen)
        values: dict[str, object] = {key: format_yuan(fen).replace(",", "")
                                     for key, fen in zip(CaseCostsDialog._FIELDS, fens, strict=True)}
        values["payer"] = c.postage_back_payer.value if c.postage_back_payer else None
        return values

    def form_values(self) -> dict[str, object]:
        values: dict[str, object] = {key: self._field(key).text() for key in self._FIELDS}
        values["payer"] = self.payer.currentData()
        return values

    def put_value(self, key: str, value: object) -> None:
        if key == "payer":
            self.payer.setCurrentIndex(max(self.payer.findData(value), 0))
        else:
            self._field(key).setText(str(value))

    def _field(self, key: str) -> QLineEdit:
        field: QLineEdit = getattr(self, key)
        return field

    def fill_from_cost_table(self) -> None:
        case_id = self._case_id

        def shown(goods: GoodsCost) -> None:
            if goods.missing:
                self.offer_cost_import(goods.missing)
                return
            self.written_off.setText(format_yuan(goods.cost_fen).replace(",", ""))

        def failed(error: Exception) -> None:
            QMessageBox.warning(self, self.windowTitle(), describe_error(error))

        self._context.read(lambda db: case_goods_cost(db, case_id), shown, failed)

    def offer_cost_import(self, missing: Sequence[str]) -> QMessageBox:
        """Goods the cost table lacks: import one from here (the window had no way; the message named
        the command `product-costs import`), or type the amount."""
        box = QMessageBox(QMessageBox.Icon.Information, self.windowTitle(), self.tr(
            "成本价表中没有这些商品：%1。可以导入成本价表（Excel 或 CSV，含“商家编码”和“成本价”两列），"
            "或直接填写金额。").replace("%1", "、".join(missing)), QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("cost_table_missing")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        choose = box.addButton(self.tr("导入成本价表…"), QMessageBox.ButtonRole.AcceptRole)
        choose.clicked.connect(self.choose_cost_table)
        box.open()
        return box

    def choose_cost_table(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("导入成本价表"), str(Path.home()),
                                              self.tr("成本价表 (*.xlsx *.xls *.csv)"))
        if path:
            self.import_cost_table(Path(path))

    def import_cost_table(self, path: Path) -> None:
        """Import the sheet (every good line in, the bad ones said), then price the goods again."""
        self.from_table.setEnabled(False)

        def done(result: CostImport) -> None:
            self.from_table.setEnabled(True)
            said = self.tr("成本价表已导入：新增 %1 个，更新 %2 个").replace("%1", str(result.added)).replace(
                "%2", str(result.updated))
            if result.problems:
                said += "\n" + "\n".join(f"{path.name}{self.tr('：')}{labels.message(problem)}"
                                         for problem in result.problems[:5])
            if result.notes:
                said += "\n" + "\n".join(f"{path.name}{self.tr('：')}{labels.message(note)}" for note in result.notes)
            self.import_note.setText(said)
            self.import_note.show()
            self.fill_from_cost_table()

        def failed(error: Exception) -> None:
            self.from_table.setEnabled(True)
            self.import_note.setText(describe_error(error))
            self.import_note.show()

        self._context.write(lambda db: import_product_costs(db, path), done, failed, origin=self)

    def costs(self) -> CaseCosts:
        def fen(field: QLineEdit, what: str) -> int | None:
            text = field.text().strip()
            return yuan_to_fen(parse_yuan(text, what)) if text else None

        payer = self.payer.currentData()
        return CaseCosts(
            postage_out_fen=fen(self.postage_out, self.tr("寄出运费")),
            postage_back_fen=fen(self.postage_back, self.tr("退回运费")),
            postage_back_payer=ResponsibleParty(payer) if payer else None,
            written_off_fen=fen(self.written_off, self.tr("货损")),
            penalty_fen=fen(self.penalty, self.tr("平台处罚")),
        )

    def save(self) -> None:
        try:
            self.costs()
        except UserError as error:
            QMessageBox.warning(self, self.windowTitle(), labels.message(error))
            return
        self.accept()

    def _save_kept(self) -> None:
        """Saved while the dialog is open: refused (another seat changed the case, the ledger locked), the amounts
        typed stay to be saved again over the case as it is now."""
        case_id, version, costs = self._case_id, self.version, self.costs()  # checked at OK
        parent, title = self.parentWidget(), self.windowTitle()

        def lost(error: Exception) -> None:  # cancelled meanwhile: said over the pane
            QMessageBox.warning(parent, title, describe_error(error))

        def fresh(money: CaseMoney) -> None:  # the costs left alone follow another seat's save; typed ones stay
            self.saw_version(money.version)
            if self.still_open():
                self.follow_record(self.record_values(money))

        def refused(_error: Exception) -> None:
            self._context.look_up(lambda session: case_money(session, case_id), fresh, lambda _error: None)

        write_from(self, self._context, lambda db: set_case_costs(db, case_id, costs, expected_version=version),
                   origin=self, lost=lost, refused=refused)
