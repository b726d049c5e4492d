"""The case guide: the playbook for a case with its ticked steps, the suggested next action with its
reason and deadline, the postage rule, and the reply scripts filled from the case; shop policies on/off.

Playbooks are read from `resources/playbooks/*.toml` and the user's `<data folder>/playbooks/*.toml`
(same id: the user's wins; a broken user file is skipped with a warning, as saved import profiles are).
The in-app editor saves the shop's own copy there (`save_playbook`) and can drop it again
(`remove_own_copy`: the shipped one counts again).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import tomli_w
from sqlalchemy.orm import Session

from desktop_app.core import event_notes
from desktop_app.core import messages as msg
from desktop_app.core.clock import as_china, now
from desktop_app.core.deadline_display import ShownDue, case_next_due
from desktop_app.core.errors import NotFound, UserError, system_error_text
from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.money import format_yuan
from desktop_app.core.op_changes import Written
from desktop_app.core.playbooks import (
    Playbook,
    ShopPolicy,
    best_playbook,
    check_for_saving,
    fill_script,
    parse_playbook,
    parse_policies,
    playbook_data,
    suggest_next,
)
from desktop_app.core.returns import Suggestion
from desktop_app.core.vocabulary import CaseKind, CaseReason
from desktop_app.io.toml_files import read_toml_file
from desktop_app.paths import data_dir, resource
from desktop_app.services.case_writes import current_author
from desktop_app.services.shop_changes import note_change
from desktop_app.store.case_lookups import checked_steps, latest_shipped_reship, playbook_check, return_on_its_way
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import open_timers_of
from desktop_app.store.models import AuditEvent, Case, PlaybookCheck, Setting, utcnow
from desktop_app.store.row_locks import row_for_writing
from desktop_app.store.setting_rows import locked_setting
from desktop_app.store.shop_changes import POLICY

POLICY_SETTING = "policies.enabled"


def shipped_playbooks_dir() -> Path:
    return resource("playbooks")


def user_playbooks_dir() -> Path:
    return data_dir() / "playbooks"


@dataclass(frozen=True, slots=True)
class PlaybookLibrary:
    playbooks: tuple[Playbook, ...]
    problems: tuple[str, ...] = ()  # user files skipped, in words
    own: frozenset[str] = field(default_factory=frozenset)  # ids read from the shop's own files
    shipped: frozenset[str] = field(default_factory=frozenset)  # ids the release ships

    def get(self, playbook_id: str) -> Playbook:
        for p in self.playbooks:
            if p.id == playbook_id:
                return p
        raise NotFound(f"找不到处理步骤“{playbook_id}”，可用：{'、'.join(p.id for p in self.playbooks)}")


def _read(path: Path) -> Playbook:
    return parse_playbook(read_toml_file(path, "处理步骤文件", _unreadable), path.name)


def _unreadable(problems: list[str]) -> UserError:
    return UserError("；".join(problems))


def load_playbooks(shipped: Path | None = None, user: Path | None = None) -> PlaybookLibrary:
    found: dict[str, Playbook] = {}
    for path in sorted((shipped or shipped_playbooks_dir()).glob("*.toml")):
        playbook = _read(path)  # a broken shipped file is a bug of the release: say so loudly
        found[playbook.id] = playbook
    released = frozenset(found)
    problems = []
    own: set[str] = set()
    folder = user or user_playbooks_dir()
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            playbook = _read(path)
        except UserError as exc:
            problems.append(msg.say(msg.PLAYBOOK_SKIPPED, exc.message))
            continue
        found[playbook.id] = playbook
        own.add(playbook.id)
    return PlaybookLibrary(tuple(found.values()), tuple(problems), frozenset(own), released)


def load_policies(path: Path | None = None) -> tuple[ShopPolicy, ...]:
    source = path or resource("policies.toml")
    return parse_policies(read_toml_file(source, "店铺策略文件", _unreadable), source.name)


def enabled_policy_ids(session: Session) -> list[str]:
    value = session.get(Setting, POLICY_SETTING)
    return [p for p in (value.value.split(",") if value else []) if p]


def set_policy(db: Database, policies: tuple[ShopPolicy, ...], policy_id: str,
               enabled: bool, author: str | None = None) -> Written[list[str]]:
    """Switch a shop policy on or off (recorded under the seat's name when it changes anything); its value
    is the ids switched on."""
    if policy_id not in {p.id for p in policies}:
        raise NotFound(f"找不到店铺策略“{policy_id}”，可用：{'、'.join(p.id for p in policies)}")
    with db.transaction() as session:
        setting = locked_setting(session, POLICY_SETTING)  # another seat switching one now: after it
        before = setting.value
        ids = [p for p in enabled_policy_ids(session) if p != policy_id] + ([policy_id] if enabled else [])
        ids = [p.id for p in policies if p.id in ids]  # file order, unknown ids dropped
        setting.value = ",".join(ids)
        if setting.value != before:
            title = next(p.title for p in policies if p.id == policy_id)
            note_change(session, POLICY, f"{'启用' if enabled else '停用'}店铺策略“{title}”", author=author)
        return Written(ids, changes_in(session))


@dataclass(frozen=True, slots=True)
class FilledScript:
    id: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class CaseGuide:
    case_id: int
    playbook: Playbook | None
    checked: frozenset[str]
    suggestion: Suggestion
    deadline_name: str | None
    deadline_at: datetime | None
    scripts: tuple[FilledScript, ...]

    @property
    def postage(self) -> str:
        return self.playbook.postage if self.playbook else ""


def _script_values(session: Session, case: Case, deadline: datetime | None) -> dict[str, str | None]:
    """`deadline`: the one the 下一个时限 column shows (the stored earliest one may be an answer the
    platform has already given by itself)."""
    order = case.order
    reship = latest_shipped_reship(session, case.id)
    amount = case.refund_fen if case.refund_fen is not None else case.compensation_fen
    return {
        "buyer": order.receiver or order.buyer_nick,
        "order_no": order.order_no,
        "tracking": reship[1] if reship else None,
        "carrier": reship[0] if reship else None,
        "amount": format_yuan(amount) if amount is not None else None,
        "deadline": as_china(deadline).strftime("%m月%d日 %H:%M") if deadline else None,
        "shop": order.shop.name if order.shop else None,
    }


def case_guide(session: Session, case_id: int, library: PlaybookLibrary,
               policies: tuple[ShopPolicy, ...] = ()) -> CaseGuide:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(msg.say(msg.NO_CASE, case_id))
    kind, status = CaseKind(case.kind), CaseStatus(case.status)
    reason = CaseReason(case.reason) if case.reason else None
    playbook = best_playbook(library.playbooks, kind, reason)
    on = set(enabled_policy_ids(session))
    # The deadline the 下一个时限 column shows (after an answer the platform gave, the clock that follows).
    next_due = (case_next_due(open_timers_of(session, [case_id]).get(case_id, ()), now()) if case.is_open
                else ShownDue(None, None, None))
    shown = next_due.timer
    due_at, due_name = (None, None) if shown is None else (shown.due_at, shown.name)
    parcel = " ".join(x for x in (case.return_carrier, case.return_tracking_no) if x) or None
    shipped = status is CaseStatus.AWAITING_RETURN and return_on_its_way(session, case_id)
    suggestion = suggest_next(kind, reason, status, case.amount_fen, [p for p in policies if p.id in on],
                              return_parcel=parcel, platform_acted=next_due.acted,
                              return_shipped=shipped)
    checked: frozenset[str] = frozenset()
    scripts: tuple[FilledScript, ...] = ()
    if playbook is not None:
        checked = checked_steps(session, case_id, playbook.id)
        values = _script_values(session, case, due_at)
        scripts = tuple(FilledScript(s.id, s.title, fill_script(s.text, values)) for s in playbook.scripts)
    return CaseGuide(case_id, playbook, checked, suggestion, due_name, due_at, scripts)


def check_step(db: Database, case_id: int, playbook: Playbook, step_id: str, done: bool = True,
               author: str | None = None) -> Written[bool]:
    """Tick a step off (or untick it); the timeline says so. Its value is False when nothing changed."""
    step = next((s for s in playbook.steps if s.id == step_id), None)
    if step is None:
        raise NotFound(f"“{playbook.title}”没有步骤“{step_id}”，可用：{'、'.join(s.id for s in playbook.steps)}")
    who = current_author() if author is None else author
    with db.transaction() as session:
        case = row_for_writing(session, Case, case_id)
        if case is None:
            raise NotFound(msg.say(msg.NO_CASE, case_id))
        row = playbook_check(session, case_id, playbook.id, step_id)
        if (row is not None) == done:
            return Written(False, changes_in(session))
        if done:
            session.add(PlaybookCheck(case_id=case_id, playbook_id=playbook.id, step_id=step_id, checked_by=who))
        else:
            session.delete(row)
        case.updated_at = utcnow()
        note = event_notes.note(event_notes.STEP_DONE if done else event_notes.STEP_UNDONE, playbook.title, step.text)
        session.add(AuditEvent(case_id=case_id, subject="case", subject_id=case_id, kind="note", author=who,
                               note=note, at=utcnow(), recorded_at=utcnow()))
        return Written(True, changes_in(session))


def copy_for_editing(playbook_id: str, shipped: Path | None = None, user: Path | None = None) -> Path:
    """The user's own copy of a playbook (made from the shipped file if there is none yet), to edit."""
    folder = user or user_playbooks_dir()
    existing = _own_file(playbook_id, folder)
    if existing is not None:
        return existing
    for path in sorted((shipped or shipped_playbooks_dir()).glob("*.toml")):
        if _read(path).id == playbook_id:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / path.name
            shutil.copyfile(path, target)
            return target
    raise NotFound(msg.say(msg.NO_PLAYBOOK, playbook_id))

def _own_file(playbook_id: str, folder: Path) -> Path | None:
    """The shop's file holding this id (whatever its name), if any."""
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            if _read(path).id == playbook_id:
                return path
        except UserError:
            continue
    return None


def save_playbook(playbook: Playbook, user: Path | None = None) -> Path:
    """Save the shop's own copy of a playbook (a shipped one edited, or a new one) into the data
    folder, checked first as it will be read back; written beside and renamed, never half a file."""
    checked = check_for_saving(playbook)
    folder = user or user_playbooks_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = _own_file(checked.id, folder) or folder / f"{checked.id}.toml"
        handle, partial = tempfile.mkstemp(prefix=f".{checked.id}.", suffix=".partial", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                tomli_w.dump(playbook_data(checked), out)
            os.replace(partial, target)
        finally:
            Path(partial).unlink(missing_ok=True)
    except OSError as exc:
        raise UserError(msg.say(msg.PLAYBOOK_UNSAVED, str(folder), system_error_text(exc))) from None
    return target


def remove_own_copy(playbook_id: str, user: Path | None = None) -> Path:
    """Delete the shop's own copy: a shipped playbook counts as shipped again, an own one is gone."""
    path = _own_file(playbook_id, user or user_playbooks_dir())
    if path is None:
        raise NotFound(msg.say(msg.NO_OWN_PLAYBOOK, playbook_id))
    try:
        path.unlink()
    except OSError as exc:
        raise UserError(msg.say(msg.NOT_DELETED, str(path), system_error_text(exc))) from None
    return path


def new_playbook_id(library: PlaybookLibrary) -> str:
    """A free id for a playbook the shop adds (own_1, own_2 …)."""
    taken = {p.id for p in library.playbooks}
    number = 1
    while f"own_{number}" in taken:
        number += 1
    return f"own_{number}"
