"""Other seats' changes reach this window by themselves (team mode on PostgreSQL).

A thread of its own waits on the server's change notices (store/change_notices.py) and hands them to
the GUI thread; notices of this window's own writes are left out (it has shown those already). They
are gathered for half a second, then the tabs that show what changed reload (the same `OpChanges` a
local write announces) and the status bar says who changed what. A lost connection is retried every
few seconds; the window keeps working meanwhile and says the live updates are paused. Each connection
made again reloads everything once: what other seats changed while it was broken was never announced.
"""

from __future__ import annotations

import contextlib
import html
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel

from desktop_app.core.op_changes import CLOCK_SEAT, Area, OpChanges
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.team.file_changes import FileChanges, author_cases

if TYPE_CHECKING:
    # Imported by the listening thread of a team ledger: psycopg costs the window's start-up ~0.1 s.
    from desktop_app.store.change_notices import ChangeNotice
    from desktop_app.store.database import Database
    from desktop_app.store.file_changes import AuditMark
    from desktop_app.store.locations import LedgerLocation

log = logging.getLogger(__name__)

GATHER_MS = 500  # notices of one import or bulk action arrive together: one reload for all of them
SHOWN_MS = 60_000  # how long the status bar's label says who changed what
LABEL_MAX_WIDTH = 520  # pixels of the status bar it may take
RETRY_SECONDS = 5.0
_WAIT_SECONDS = 1.0  # how often the listening thread looks whether it should stop

AREA_NAMES = {"cases": "售后单", "orders": "订单", "reships": "补发", "claims": "快递理赔",
              "deadlines": "时限", "settings": "设置"}
RULE_FILES = "rule_files"  # the shop's rules a team ledger keeps (store/rule_files.py)
TABLE_NAMES = {RULE_FILES: "时效规则"}  # said by table where its area's name would say too little


def changes_of(notices: list[ChangeNotice]) -> OpChanges:
    areas = {n.area for n in notices if n.area is not None}
    # Orders show in the cases' list; a case's deadlines follow it (recomputed by its writer).
    if Area.ORDERS in areas:
        areas.add(Area.CASES)
    if Area.CASES in areas:
        areas.add(Area.DEADLINES)
    return OpChanges(frozenset(areas))


SHOWN_CASES = 3  # case numbers a change names; "等 N 单" beyond


@dataclass(frozen=True)
class Words:
    """How `describe` says it: Chinese by default, the window's language from `TeamChanges.words`."""

    changed: str = "%1 修改了 %2"
    more: str = "%1 等 %2 单"
    unknown: str = "另一个席位"
    names: Mapping[str, str] = field(default_factory=lambda: {**AREA_NAMES, **TABLE_NAMES})  # area or table
    joined: str = "、"
    seats_joined: str = "；"
    elsewhere: str = "%1 在另一个程序中修改了 %2"  # a ledger file: the command line, a script
    ledger: str = "台账"
    other_program: str = "另一个程序（如命令行导入）修改了台账，已刷新"


@dataclass
class _SeatChanges:
    names: list[str] = field(default_factory=list)  # areas, in the order they came
    case_ids: set[int] = field(default_factory=set)
    unnamed: int = 0  # cases a notice counted beyond the ids it carried


def describe(notices: list[ChangeNotice], words: Words | None = None, link: bool = False) -> str:
    """`小王 修改了 补发、售后单 #12、#15、#18 等 47 单；小李 修改了 订单`, in the order the seats wrote.
    `link`: rich text, each case number a link `case:ID` (the status bar's label opens the case)."""
    said_as = words or Words()
    by_seat: dict[str, _SeatChanges] = {}
    for notice in notices:
        if notice.seat == CLOCK_SEAT:  # a platform's timer ran out: nobody changed anything
            continue
        seat = by_seat.setdefault(notice.seat or said_as.unknown, _SeatChanges())
        named = notice.cases
        if named is not None:
            seat.case_ids.update(named[0])
            seat.unnamed += named[1] - len(named[0])
            continue
        key = notice.table if notice.table in TABLE_NAMES else (notice.area or "")
        if key in said_as.names and key not in seat.names:
            seat.names.append(key)
    said = []
    for who, seat in by_seat.items():
        names = [said_as.names[key] for key in seat.names if not (seat.case_ids and key == Area.CASES)]
        if seat.case_ids:
            names.append(_cases_text(seat, said_as, link))
        if names:
            shown = html.escape(who) if link else who
            said.append(said_as.changed.replace("%1", shown).replace("%2", said_as.joined.join(names)))
    return said_as.seats_joined.join(said)


def describe_marks(marks: list[AuditMark], words: Words | None = None, link: bool = False) -> str:
    """What another program did to a ledger file, from the audit trail it wrote:
    `root 在另一个程序中修改了 售后单 #12、#15` (`设置` for the shop's own data); with no trail (an order import),
    that the ledger changed."""
    said_as = words or Words()
    said = []
    for who, cases in author_cases(marks).items():
        parts = [said_as.names[Area.SETTINGS]] if any(m.settings and m.author == who for m in marks) else []
        if cases:
            parts.append(_cases_text(_SeatChanges(case_ids=set(cases)), said_as, link))
        what = said_as.joined.join(parts) or said_as.ledger
        shown = html.escape(who or said_as.unknown) if link else (who or said_as.unknown)
        said.append(said_as.elsewhere.replace("%1", shown).replace("%2", what))
    return said_as.seats_joined.join(said) or said_as.other_program


def _cases_text(seat: _SeatChanges, words: Words, link: bool) -> str:
    shown = sorted(seat.case_ids)[:SHOWN_CASES]
    numbers = words.joined.join(f'<a href="case:{i}">#{i}</a>' if link else f"#{i}" for i in shown)
    count = len(seat.case_ids) + seat.unnamed
    cases = f"{words.names[Area.CASES]} {numbers}"
    return words.more.replace("%1", cases).replace("%2", str(count)) if count > len(shown) else cases


class TeamChanges(QObject):
    """Listens while a team ledger is open; announces other seats' changes through `runner.changed`."""

    arrived = Signal(object)  # list[ChangeNotice], from the listening thread
    message = Signal(str)  # for the status bar
    linked = Signal(bool)  # from the listening thread: the connection to the server lost (False) or back
    rules_changed = Signal()  # another seat saved the shop's rules
    case_clicked = Signal(int)  # a case number in `label` was clicked

    def __init__(self, runner: BackgroundRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self._own: frozenset[int] | set[int] = frozenset()
        self._pending: list[ChangeNotice] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GATHER_MS)
        self._timer.timeout.connect(self._announce)
        self.arrived.connect(self._gather)
        self.linked.connect(self._say_link)
        self._files = FileChanges(self)
        self._files.arrived.connect(self._file_changed)
        self._reload_when_idle = False
        runner.busy_changed.connect(self._worker_busy)
        # Who changed what, in the status bar (a permanent widget: the window's own messages leave it be);
        # each case number opens the case.
        self.label = QLabel()
        self.label.setObjectName("team_changes")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.label.linkActivated.connect(self._open_link)
        # Clipped, not widening the window (a laptop's 1366 pixels): the whole text is in the tooltip.
        self.label.setMinimumWidth(1)
        self.label.setMaximumWidth(LABEL_MAX_WIDTH)
        self._shown = QTimer(self)
        self._shown.setSingleShot(True)
        self._shown.setInterval(SHOWN_MS)
        self._shown.timeout.connect(self.label.clear)

    def watch(self, db: Database) -> None:
        """Start listening on `db` if it is a team ledger; on a ledger file, watch for other programs'
        commits (the command line, a script: ui/team/file_changes.py)."""
        self.stop()
        self._pending.clear()  # the ledger left behind: its seats' changes are not this one's
        self._timer.stop()
        self.label.clear()
        if not db.is_server:
            if db.commits is not None:
                self._files.watch(db.commits)
            return
        if db.location is None:
            return
        self._own = db.own_backends  # the live set: connections the pool opens later are ours too
        self._stop.clear()
        self._thread = threading.Thread(target=self._listen, args=(db.location,), name="team-changes",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._files.stop()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=_WAIT_SECONDS * 3)
            self._thread = None

    def _listen(self, location: LedgerLocation) -> None:
        from desktop_app.store.change_notices import ChangeListener, ChangeNotice  # a team ledger only

        paused = False
        missed = False  # the connection broke: other seats' notices meanwhile never came
        while not self._stop.is_set():
            try:
                listener = ChangeListener(location)
            except Exception as exc:  # the server is away: try again shortly, the window works on
                if not paused:
                    log.warning("live updates paused: %s", exc)
                    self.message.emit(self.tr("与团队数据库的实时连接已断开，正在重试；其他席位的修改请按 F5 刷新查看"))
                    self.linked.emit(False)
                    paused = True
                self._stop.wait(RETRY_SECONDS)
                continue
            if paused:
                self.message.emit(self.tr("已恢复与团队数据库的实时连接"))
                self.linked.emit(True)
            if paused or missed:  # made again at once too (a restart, a dropped route): changes came between
                self.arrived.emit([ChangeNotice("", "", 0)])  # missed meanwhile: reload everything once
                paused = missed = False
            try:
                while not self._stop.is_set():
                    notices = listener.wait(_WAIT_SECONDS)
                    if notices:
                        self.arrived.emit(notices)
            except Exception as exc:
                log.warning("change notices interrupted: %s", exc)
                missed = True
            finally:
                with contextlib.suppress(Exception):  # already broken
                    listener.close()

    def _say_link(self, linked: bool) -> None:
        """The server gone is said in the status bar's label until it is back, not for the status bar's 8 seconds:
        a minute later the window read nothing, its lists stood as they were, and nothing said why."""
        if linked:
            self.label.setText(self.tr("已重新连上团队数据库，已刷新"))
            self.label.setToolTip("")
            self._shown.start()
            return
        self._shown.stop()
        self.label.setText('<span style="color:#c62828">' + html.escape(self.tr("团队数据库连不上，正在重试…"))
                           + "</span>")
        self.label.setToolTip(self.tr("服务器关闭、重启或网络断开了。连上之前的操作不会保存，已输入的内容都还在；"
                                      "连上后窗口自动刷新，不用重启程序。"))

    def _gather(self, notices: list[ChangeNotice]) -> None:
        theirs = [n for n in notices if n.backend_pid not in self._own]
        if theirs:
            self._pending.extend(theirs)
            if not self._timer.isActive():
                self._timer.start()

    def _announce(self) -> None:
        notices, self._pending = self._pending, []
        if any(n.table == "" for n in notices):  # after a reconnect: everything may have changed
            self.runner.announce(OpChanges.everything())
            return
        self.runner.announce(changes_of(notices))
        if any(n.table == RULE_FILES for n in notices):
            self.rules_changed.emit()
        words = self.words()
        text = describe(notices, words, link=True)
        if text:
            self.label.setText(text)
            self.label.setToolTip(describe(notices, words) + "\n" + self.tr("其他席位刚做的修改；点售后单编号打开它"))
            self._shown.start()

    def _file_changed(self, marks: list[AuditMark]) -> None:
        """Another program committed to the ledger file: everything may have changed."""
        if not marks and self.runner.working:
            # Maybe our own second process (a start-up recompute commits a chunk at a time for minutes):
            # one reload once the worker is idle, not one a second meanwhile.
            self._reload_when_idle = True
            return
        self.runner.announce(OpChanges.everything())
        words = self.words()
        self.label.setText(describe_marks(marks, words, link=True))
        self.label.setToolTip(describe_marks(marks, words) + "\n" + self.tr("另一个程序刚做的修改；点售后单编号打开它"))
        self._shown.start()

    def _worker_busy(self, busy: bool) -> None:
        if not busy and self._reload_when_idle:
            self._reload_when_idle = False
            self.runner.announce(OpChanges.everything())

    def words(self) -> Words:
        """`describe`'s words in the window's language."""
        return Words(changed=self.tr("%1 修改了 %2"), more=self.tr("%1 等 %2 单"), unknown=self.tr("另一个席位"),
                     names={"cases": self.tr("售后单"), "orders": self.tr("订单"), "reships": self.tr("补发"),
                            "claims": self.tr("快递理赔"), "deadlines": self.tr("时限"), "settings": self.tr("设置"),
                            RULE_FILES: self.tr("时效规则")},
                     joined=self.tr("、"), seats_joined=self.tr("；"), elsewhere=self.tr("%1 在另一个程序中修改了 %2"),
                     ledger=self.tr("台账"), other_program=self.tr("另一个程序（如命令行导入）修改了台账，已刷新"))

    def _open_link(self, link: str) -> None:
        kind, _, value = link.partition(":")
        if kind == "case" and value.isdigit():
            self.case_clicked.emit(int(value))
