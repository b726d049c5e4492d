"""Linking a courier claim: to a case of the same order (its events then show on the case's
timeline), and to the reship its compensation pays for (courier pays → shop reships).

The window's 关联 dialog sets both in one transaction against the claim's version it showed
(`link_claim`): another seat's change of the claim meanwhile (a link of its own, a step) refuses it,
naming that seat, instead of the later save silently replacing the earlier one's link."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop_app.core import event_notes
from desktop_app.core import messages as msg
from desktop_app.core.errors import NotFound, UserError
from desktop_app.core.op_changes import OpChanges, Written
from desktop_app.services.case_writes import current_author
from desktop_app.services.claim_upkeep import claim_event, load_claim, sync_follow_up
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.models import CarrierClaim, Case, Reship, utcnow
from desktop_app.store.reship_queries import latest_reship_id


def link_case(db: Database, claim_id: int, case_id: int | None, author: str | None = None,
              expected_version: int | None = None) -> OpChanges:
    """Attach the claim to a case of the same order (its events then show on the case's timeline)."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        claim = load_claim(session, claim_id, expected_version)
        _link_case(session, claim, case_id, who)
        return changes_in(session)


def link_reship(db: Database, claim_id: int, reship_id: int | None, author: str | None = None,
                expected_version: int | None = None) -> Written[int | None]:
    """Record which reship the compensation pays for (courier pays → shop reships).

    Its value is the reship's case id. The event goes on the reship case's timeline as well.
    """
    who = current_author() if author is None else author
    with db.transaction() as session:
        claim = load_claim(session, claim_id, expected_version)
        reship_case = _link_reship(session, claim, reship_id, who)
        return Written(reship_case, changes_in(session))


def link_reship_case(db: Database, claim_id: int, case_id: int, author: str | None = None,
                     expected_version: int | None = None) -> Written[int]:
    """Link the claim to the latest reship of a case; its value is the reship's id."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        claim = load_claim(session, claim_id, expected_version)
        reship_id = _latest_reship(session, case_id)
        _link_reship(session, claim, reship_id, who)
        return Written(reship_id, changes_in(session))


def link_claim(db: Database, claim_id: int, case_id: int | None, reship_case: int | None, *,
               reship_changed: bool = True, author: str | None = None,
               expected_version: int | None = None) -> OpChanges:
    """The 关联 dialog's save: the claim's case, and (when `reship_changed`) the reship it pays for — the
    latest reship of case `reship_case`, or none — in one transaction, refused when the claim is no longer
    at `expected_version` (the one the dialog showed)."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        claim = load_claim(session, claim_id, expected_version)
        _link_case(session, claim, case_id, who)
        if reship_changed:
            reship_id = None if reship_case is None else _latest_reship(session, reship_case)
            _link_reship(session, claim, reship_id, who)
        return changes_in(session)


def _latest_reship(session: Session, case_id: int) -> int:
    if session.get(Case, case_id) is None:
        raise NotFound(msg.say(msg.NO_CASE, case_id))
    reship_id = latest_reship_id(session, case_id)
    if reship_id is None:
        raise UserError(msg.say(msg.CASE_WITHOUT_RESHIP, case_id))
    return reship_id


def _link_case(session: Session, claim: CarrierClaim, case_id: int | None, who: str) -> None:
    if claim.case_id == case_id:
        return
    if case_id is not None:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(msg.say(msg.NO_CASE, case_id))
        if case.order_id != claim.order_id:
            raise UserError(msg.say(msg.CASE_OF_OTHER_CLAIM, case_id, claim.id))
    old = claim.case_id
    claim.case_id = case_id
    claim.updated_at = utcnow()
    note = (event_notes.note(event_notes.CASE_LINKED, str(case_id)) if case_id is not None
            else event_notes.note(event_notes.CASE_UNLINKED, str(old)))
    # Said on both timelines: the one it leaves and the one it joins.
    if old is not None and case_id is not None:
        claim_event(session, claim, kind="edit", author=who, note=note, case_id=old)
    claim_event(session, claim, kind="edit", author=who, note=note, case_id=case_id if case_id is not None else old)
    sync_follow_up(session, claim, utcnow())


def _link_reship(session: Session, claim: CarrierClaim, reship_id: int | None, who: str) -> int | None:
    """Link the reship (None: unlink); the reship's case id."""
    reship_case: int | None = None
    if reship_id is not None:
        reship = session.get(Reship, reship_id)
        if reship is None:
            raise NotFound(msg.say(msg.NO_RESHIP, reship_id))
        reship_case = reship.case_id
    if claim.reship_id == reship_id:
        return reship_case
    claim.reship_id = reship_id
    claim.updated_at = utcnow()
    note = (event_notes.note(event_notes.PAYS_FOR_RESHIP, str(reship_id), str(reship_case))
            if reship_id is not None else event_notes.note(event_notes.RESHIP_UNLINKED))
    claim_event(session, claim, kind="edit", author=who, note=note)
    if reship_case is not None and reship_case != claim.case_id:
        claim_event(session, claim, kind="edit", author=who, note=note, case_id=reship_case)
    return reship_case
