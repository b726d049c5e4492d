"""The 统计 tab: where the money goes in a period — cases by kind, reason, platform and responsible
party, money, timeliness, products, couriers and claims to chase, as tables with bars. A click on a
row of cases lists them in the Cases tab; 导出 Excel writes the same tables to a workbook."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.clock import now
from desktop_app.core.money import format_yuan
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.vocabulary import CaseKind, CaseReason, LabelledEnum, Platform, ResponsibleParty
from desktop_app.services.report import OLD_CLAIM_DAYS, build_report, warm_up
from desktop_app.services.report_export import export_report
from desktop_app.services.report_figures import MONEY_KEYS, CarrierFigure, Period, ProductFigure, Report, Timeliness
from desktop_app.store.case_queries import CaseFilter, OpenState, list_shops
from desktop_app.store.database import Database
from desktop_app.store.rows import ShopRow
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.base_tab import BaseTab
from desktop_app.ui.context import AppContext
from desktop_app.ui.dashboard.figure_table import FigureRow, FigureTable

log = logging.getLogger(__name__)

_BREAKDOWNS: tuple[tuple[str, type[LabelledEnum]], ...] = (
    ("kind", CaseKind), ("reason", CaseReason), ("platform", Platform), ("responsible", ResponsibleParty),
)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class DashboardTab(BaseTab):
    cases_requested = Signal(object, str)  # CaseFilter, what it is in words

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.report: Report | None = None
        self._loading = False
        self._again = False
        # Which open claims count as old: the user's own patience, 14 days unless changed.
        self.old_days = QSpinBox()
        self.old_days.setObjectName("report_old_claim_days")
        self.old_days.setRange(1, 365)
        self.old_days.setValue(OLD_CLAIM_DAYS)
        self.old_days.setSuffix(self.tr(" 天"))
        self.old_days.valueChanged.connect(lambda _n: self.request_refresh())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.addLayout(self._filter_bar())
        self.summary = QLabel()
        self.summary.setObjectName("report_summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size:11pt")
        outer.addWidget(self.summary)

        body = QWidget()
        grid = QGridLayout(body)
        self.tables: dict[str, FigureTable] = {}
        titles = {"kind": (self.tr("按类型"), self.tr("类型")), "reason": (self.tr("按原因"), self.tr("原因")),
                  "platform": (self.tr("按平台"), self.tr("平台")),
                  "responsible": (self.tr("按责任方"), self.tr("责任方"))}
        for n, (key, _enum) in enumerate(_BREAKDOWNS):
            title, column = titles[key]
            table = self._table(f"report_by_{key}", (column, self.tr("售后单")))
            self.tables[table.objectName()] = table
            grid.addWidget(self._box(title, table), 0, n)
        self.money_names = {
            "refunded": self.tr("退款"), "compensated": self.tr("补偿买家"), "postage": self.tr("运费（本店承担）"),
            "written_off": self.tr("货损（成本价）"), "penalties": self.tr("平台处罚"),
            "claimed": self.tr("向快递索赔"), "received": self.tr("快递已赔付"), "outstanding": self.tr("待追回"),
            "net_loss": self.tr("净损失"), "pending_refund": self.tr("待退款"),
        }
        self.money = self._table("report_money", (self.tr("费用"), self.tr("金额（元）")), clickable=False)
        self.money.setMinimumHeight(24 * (len(MONEY_KEYS) + 1) + 8)  # every line without scrolling
        self.money.setToolTip(self.tr("退款、补偿买家：已付给买家的金额（售后单有“退款”“退货途中退款”或“已补偿”这一步，"
                                      "含平台自动退款）；待退款：进行中的售后单申请了、还没付的金额，不计入净损失"))
        grid.addWidget(self._box(self.tr("费用"), self.money), 1, 0)
        self.timeliness = self._table("report_timeliness", (
            self.tr("平台"), self.tr("时限"), self.tr("按时"), self.tr("超时"), self.tr("按时率"), self.tr("当前逾期"),
            self.tr("处理时长中位数"),
        ), clickable=False, bar=False)
        grid.addWidget(self._box(self.tr("时效"), self.timeliness), 1, 1, 1, 3)
        self.products = self._table("report_products", (
            self.tr("商品"), self.tr("售后单"), self.tr("售出件数"), self.tr("每百件售后"), self.tr("净损失")))
        self.products.setToolTip(self.tr("净损失：含该商品的订单的售后单的净损失，减去这些订单的快递赔付；"
                                         "一张订单有多个商品时，每个商品都计入"))
        grid.addWidget(self._box(self.tr("按商品（售后最多的 20 个）"), self.products), 2, 0, 1, 2)
        self.carriers = self._table("report_carriers", (
            self.tr("快递"), self.tr("发货单数"), self.tr("售后单"), self.tr("丢件"), self.tr("破损"),
            self.tr("每百单丢损"), self.tr("已赔付"), self.tr("待追回")))
        grid.addWidget(self._box(self.tr("按快递"), self.carriers), 2, 2, 1, 2)
        self.claims = self._table("report_claims", (
            self.tr("理赔"), self.tr("快递"), self.tr("订单号"), self.tr("待追回"), self.tr("问题")),
            clickable=False, bar=False)
        self.claims_box = self._box(self.tr("待跟进的理赔"), self.claims)
        old_line = QHBoxLayout()
        old_line.addWidget(QLabel(self.tr("列出登记超过")))
        old_line.addWidget(self.old_days)
        old_line.addWidget(QLabel(self.tr("仍未结束的理赔，以及缺少证据或理赔单号的理赔")))
        old_line.addStretch(1)
        box_layout = self.claims_box.layout()
        assert isinstance(box_layout, QVBoxLayout)
        box_layout.insertLayout(0, old_line)
        grid.addWidget(self.claims_box, 3, 0, 1, 4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

    # --- building ------------------------------------------------------------------------------
    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.quick = QComboBox()
        self.quick.setObjectName("report_quick")
        for text, key in ((self.tr("本月"), "month"), (self.tr("上月"), "last_month"), (self.tr("近 30 天"), "30d"),
                          (self.tr("今年"), "year"), (self.tr("自定义"), "custom")):
            self.quick.addItem(text, key)
        self.first = QDateEdit()
        self.last = QDateEdit()
        for name, edit in (("report_from", self.first), ("report_to", self.last)):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.platform = QComboBox()
        self.platform.setObjectName("report_platform")
        self.platform.addItem(self.tr("全部平台"), None)
        for p in Platform:
            self.platform.addItem(labels.label(p), p.value)
        self.shop = QComboBox()
        self.shop.setObjectName("report_shop")
        self.shop.addItem(self.tr("全部店铺"), None)
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        self.export_button.setObjectName("report_export")
        self.export_button.setEnabled(False)
        bar.addWidget(self.quick)
        bar.addWidget(self.first)
        bar.addWidget(QLabel(self.tr("至")))
        bar.addWidget(self.last)
        bar.addWidget(self.platform)
        bar.addWidget(self.shop)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        # The last 30 days, not this month: early in a month 本月 shows almost nothing.
        self._set_quick("30d")
        self.quick.currentIndexChanged.connect(lambda _i: self._set_quick(self.quick.currentData()))
        for edit in (self.first, self.last):
            edit.dateChanged.connect(self._dates_edited)
        for combo in (self.platform, self.shop):
            combo.currentIndexChanged.connect(lambda _i: self.request_refresh())
        self.export_button.clicked.connect(self.choose_export)
        return bar

    def _table(self, name: str, headers: tuple[str, ...], clickable: bool = True, bar: bool = True) -> FigureTable:
        table = FigureTable(name, headers, bar)
        table.setMinimumHeight(150)
        if clickable:
            table.cases_requested.connect(self.cases_requested)
        return table

    def _box(self, title: str, table: FigureTable) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(table)
        return box

    # --- the period ----------------------------------------------------------------------------
    def _set_quick(self, key: str) -> None:
        today = now().date()
        ranges = {
            "month": (today.replace(day=1), today),
            "last_month": ((today.replace(day=1) - timedelta(days=1)).replace(day=1),
                           today.replace(day=1) - timedelta(days=1)),
            "30d": (today - timedelta(days=29), today),
            "year": (today.replace(month=1, day=1), today),
        }
        if key not in ranges:
            return
        self.set_period(Period(*ranges[key]), quick=key)

    def set_period(self, period: Period, quick: str = "custom") -> None:
        for edit, day in ((self.first, period.first), (self.last, period.last)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        self.quick.blockSignals(True)
        self.quick.setCurrentIndex(self.quick.findData(quick))
        self.quick.blockSignals(False)
        self.request_refresh()

    def _dates_edited(self) -> None:
        self.quick.blockSignals(True)
        self.quick.setCurrentIndex(self.quick.findData("custom"))
        self.quick.blockSignals(False)
        self.request_refresh()

    def period(self) -> Period:
        first, last = _day(self.first.date()), _day(self.last.date())
        return Period(min(first, last), max(first, last))

    # --- data ----------------------------------------------------------------------------------
    def wants(self, changes: OpChanges) -> bool:
        return changes.cases or changes.claims or changes.deadlines or changes.orders

    def on_database(self, db: Database) -> None:
        self._load_shops()
        self.request_refresh()

    def _load_shops(self) -> None:
        self.context.look_up(lambda session: list_shops(session), self._fill_shops)

    def _fill_shops(self, shops: list[ShopRow]) -> None:
        current = self.shop.currentData()
        self.shop.blockSignals(True)
        self.shop.clear()
        self.shop.addItem(self.tr("全部店铺"), None)
        for shop in shops:
            named = self.tr("%1（%2）").replace("%2", labels.platform(shop.platform)).replace("%1", shop.name)
            self.shop.addItem(named, shop.id)
        self.shop.setCurrentIndex(max(self.shop.findData(current), 0))
        self.shop.blockSignals(False)

    def warm_up(self) -> None:
        """Once start-up is over (the window calls it), on the preparing thread: what the tab's first read
        would pay beyond a later one (services.report.warm_up). Not while the tab is on screen (its read
        has paid it)."""
        db = self.context.db
        if db is None or self.isVisible():
            return
        self.context.runner.prepare(lambda: warm_up(db), None,
                                    lambda error: log.warning("统计 warm-up failed: %s", error))

    def refresh(self) -> None:
        """Load every figure in one read (its queries use both cores). The tab once showed the counts and
        money first, then the rest from a second read: setting and painting those tables while the second
        read ran cost the GUI thread 30-55 ms more CPU a refresh (bench/bench_report_ab.py) and, with other
        work on the machine, the whole tab up to ~100 ms. OpChanges while a load runs are folded into one
        more load after it."""
        if self.context.db is None:
            return
        if self._loading:
            self._again = True
            return
        self._loading = True
        period, shop, old_days = self.period(), self.shop.currentData(), self.old_days.value()
        platform = Platform(self.platform.currentData()) if self.platform.currentData() else None
        # On the reading thread: the figures do not wait behind an import or the start-up jobs.
        self.context.query(lambda db: build_report(db, period, platform, shop, old_claim_days=old_days),
                           self._loaded, self._failed)

    def _restart(self) -> bool:
        """True (and a new load started) when the filters changed during the load."""
        if not self._again:
            return False
        self._again = False
        self._loading = False
        self.refresh()
        return True

    def _loaded(self, report: Report) -> None:
        if self._restart():
            return
        self._loading = False
        self._show(report)

    def _failed(self, error: Exception) -> None:
        self._loading = False
        self._again = False
        self.summary.setText(self.tr("统计失败：%1").replace("%1", describe_error(error)))

    # --- showing -------------------------------------------------------------------------------
    def _base(self, r: Report) -> CaseFilter:
        return CaseFilter(
            platforms=frozenset({r.platform.value}) if r.platform else frozenset(),
            shop_id=r.shop.id if r.shop else None, open_state=OpenState.ALL,
            requested_from=r.period.start, requested_before=r.period.end,
        )

    def _show(self, r: Report) -> None:
        self.report = r
        self.export_button.setEnabled(True)
        money = r.money
        text = self.tr("%1 至 %2：售后单 %3 张（进行中 %4），净损失 %5 元；"
                       "向快递索赔 %6 元，已赔付 %7 元，待追回 %8 元")
        values = (r.period.first, r.period.last, f"{r.cases:,}", f"{r.open:,}", f"{money.net_loss:,.2f}",
                  f"{money.claimed:,.2f}", f"{money.received:,.2f}", f"{money.outstanding:,.2f}")
        for n, value in enumerate(values, 1):
            text = text.replace(f"%{n}", str(value))
        # The report's notes (r.notes, Chinese for the command line), said in the language shown.
        notes = [self.tr("错过平台时限 %1 次").replace("%1", f"{r.timeliness.missed:,}")] if r.timeliness.missed else []
        if r.timer_penalised_cases:
            notes.append(self.tr("平台处罚含时限超时按平台规则计入的 %1 元（%2 张售后单，按时限到期日计入期间；"
                                 "已手工登记处罚的售后单以登记为准）").replace(
                "%1", f"{money.penalties_timers:,.2f}").replace("%2", f"{r.timer_penalised_cases:,}"))
        if r.unknown_penalty_cases:
            notes.append(self.tr("另有 %1 张售后单的时限超时赔付金额未知（订单未导入，按成交金额的比例计算），"
                                 "未计入平台处罚").replace("%1", f"{r.unknown_penalty_cases:,}"))
        self.summary.setText("\n".join((text, *notes)))
        base = self._base(r)
        for key, enum in _BREAKDOWNS:
            rows = []
            for value, count in getattr(r, f"by_{key}").items():
                name = labels.label_of(enum, value)
                if key == "platform":
                    selection = replace(base, platforms=frozenset({value}))
                else:
                    selection = replace(base, **{key: value})
                rows.append(FigureRow((name, f"{count:,}"), count, selection,
                                      f"{r.period.first} 至 {r.period.last}，{name}"))
            # The cases nobody set this for (a responsible party is the shop's own judgement, often not
            # recorded): without this line the 责任方 box stood empty beside 103 cases.
            unset = r.unset(getattr(r, f"by_{key}"))
            if unset > 0:
                rows.append(FigureRow((self.tr("（未填）"), f"{unset:,}"), unset))
            self.tables[f"report_by_{key}"].set_rows(rows)
        self.money.set_rows([
            FigureRow((self.money_names[k], f"{getattr(money, k):,.2f}"), int(getattr(money, k) * 100))
            for k in MONEY_KEYS])
        total = self.tr("合计")
        self.timeliness.set_rows([_timeliness_row(t, total) for t in (r.timeliness, *r.timeliness_by_platform)])
        # A product's line lists the cases of orders holding it; a courier's, its cases (a line of parcels only
        # has none to list).
        span = f"{r.period.first} 至 {r.period.last}"
        self.products.set_rows([_product_row(p, replace(base, product=p.key), f"{span}，{p.name}")
                                for p in r.products])
        unnamed = self.tr("（未填）")
        self.carriers.set_rows([
            _carrier_row(c, unnamed, replace(base, carrier=c.carrier) if c.cases else None,
                         f"{span}，{c.carrier or unnamed}") for c in r.carriers])
        problems = (self.tr("超过 %1 天").replace("%1", str(r.old_claim_days)), self.tr("缺少证据"),
                    self.tr("缺少理赔单号"))
        self.claims.set_rows([
            FigureRow((f"#{a.id}", a.carrier or "", a.order_no, format_yuan(a.outstanding_fen), "、".join(
                w for w, flag in zip(problems, (a.is_old, a.evidence_missing, a.ticket_missing), strict=True) if flag)))
            for a in r.attention])
        self.claims_box.setTitle(self.tr("待跟进的理赔（%1 件未结束）").replace("%1", str(r.open_claims)))

    # --- export --------------------------------------------------------------------------------
    def choose_export(self) -> None:
        if self.report is None:
            return
        name = f"售后统计_{self.report.period.first}_{self.report.period.last}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出统计"), str(Path.home() / name),
                                              self.tr("Excel 工作簿 (*.xlsx)"))
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        report = self.report
        if report is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self.context.runner.run(
            lambda: export_report(report, path),
            lambda written: self.message.emit(self.tr("已导出到 %1").replace("%1", str(written))),
            lambda error: self.message.emit(describe_error(error)),
        )


def _dash(value: object) -> str:
    return "—" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def _product_row(p: ProductFigure, selection: CaseFilter, description: str) -> FigureRow:
    return FigureRow((p.name, f"{p.cases:,}", _dash(p.sold), _dash(p.per_100_sold), f"{p.net_loss:,.2f}"), p.cases,
                     selection, description)


def _carrier_row(c: CarrierFigure, unnamed: str, selection: CaseFilter | None, description: str) -> FigureRow:
    return FigureRow((c.carrier or unnamed, f"{c.parcels:,}", f"{c.cases:,}", f"{c.lost:,}", f"{c.damaged:,}",
                      _dash(c.per_100_parcels), f"{c.received:,.2f}", f"{c.outstanding:,.2f}"), c.lost + c.damaged,
                     selection, description)


def _timeliness_row(t: Timeliness, total: str) -> FigureRow:
    share = "—" if t.met_share is None else f"{t.met_share * 100:.0f}%"
    median = "—" if t.median_resolve_hours is None else f"{t.median_resolve_hours} h"
    return FigureRow((labels.platform(t.platform) if t.platform else total, f"{t.deadlines:,}", f"{t.met:,}",
                      f"{t.missed:,}", share, f"{t.overdue_now:,}", median), 0)

