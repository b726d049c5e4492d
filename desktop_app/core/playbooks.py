"""Playbooks (处理步骤), reply scripts (话术), shop policies and the suggested next action.

The know-how of a good shop as data (`resources/playbooks/*.toml`, `resources/policies.toml`; the
user's own files in the data folder win by id): for a case's kind and reason, the steps to take,
who pays the postage, and what to write to the buyer. Pure: the files are parsed here from plain
dicts, read by the services.

A playbook file:

    id = "damaged"
    title = "破损"
    kinds = ["reship", "partial_refund"]       # optional: any kind when absent
    reasons = ["damaged"]                       # optional: any reason when absent
    postage = "谁过错谁承担：……"
    [[steps]]
    id = "photos"
    text = "请买家拍外箱面单和破损处的照片"
    [[scripts]]
    id = "ask_photos"
    title = "请买家拍照"
    text = "亲，{buyer}您好，订单{order_no}……"
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop_app.core import messages as msg
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus, allowed_actions
from desktop_app.core.money import yuan_to_fen
from desktop_app.core.returns import Suggestion
from desktop_app.core.vocabulary import CaseKind, CaseReason

# What a reply script may say, and what stands in its place while the case does not know it yet.
PLACEHOLDERS: dict[str, str] = {
    "buyer": "亲",
    "order_no": "【订单号】",
    "tracking": "【新运单号】",
    "carrier": "【快递公司】",
    "amount": "【金额】",
    "deadline": "【时限】",
    "shop": "本店",
}
# ... and what each stands for, in the editor's insert buttons.
PLACEHOLDER_NAMES: dict[str, str] = {
    "buyer": "买家称呼", "order_no": "订单号", "tracking": "新运单号", "carrier": "快递公司", "amount": "金额",
    "deadline": "时限", "shop": "店铺名",
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_ID = re.compile(r"^[a-z0-9_\-]+$")
MAX_ID_LENGTH = 64  # playbook_checks.playbook_id / step_id are String(64)


@dataclass(frozen=True, slots=True)
class PlaybookStep:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class ReplyScript:
    id: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Playbook:
    id: str
    title: str
    kinds: frozenset[CaseKind]
    reasons: frozenset[CaseReason]
    postage: str
    steps: tuple[PlaybookStep, ...]
    scripts: tuple[ReplyScript, ...]

    def fits(self, kind: CaseKind, reason: CaseReason | None) -> int:
        """How well the playbook fits a case: 0 not at all, higher is more specific."""
        if self.kinds and kind not in self.kinds:
            return 0
        if self.reasons and reason not in self.reasons:
            return 0
        return 1 + (2 if self.reasons else 0) + (1 if self.kinds else 0)


def _text(data: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise UserError(f"{where}：缺少“{key}”（应为文字）")
    return value.strip()


def _ident(data: Mapping[str, Any], where: str) -> str:
    value = _text(data, "id", where)
    if not _ID.match(value):
        raise UserError(f"{where}：id“{value}”只能包含小写字母、数字、“_”和“-”")
    if len(value) > MAX_ID_LENGTH:  # a ticked step stores it: the team server refused a longer one, SQLite did not
        raise UserError(f"{where}：id“{value[:30]}…”太长（最多 {MAX_ID_LENGTH} 个字符）")
    return value


def _check_placeholders(text: str, where: str) -> None:
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        allowed = "、".join("{" + p + "}" for p in PLACEHOLDERS)
        raise UserError(f"{where}：不认识的占位符 {'、'.join('{' + u + '}' for u in unknown)}，可用：{allowed}")


def _tables(data: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise UserError(f"{where}：“{key}”应为 [[{key}]] 列表")
    return value


def parse_playbook(data: Mapping[str, Any], where: str) -> Playbook:
    """One playbook file's content; a clear error naming the file and the field when it is wrong."""
    ident = _ident(data, where)
    kinds = frozenset(CaseKind.parse(k) for k in _strings(data, "kinds", where))
    reasons = frozenset(CaseReason.parse(r) for r in _strings(data, "reasons", where))
    steps = tuple(PlaybookStep(_ident(s, f"{where} 步骤"), _text(s, "text", f"{where} 步骤"))
                  for s in _tables(data, "steps", where))
    scripts = []
    for s in _tables(data, "scripts", where):
        script = ReplyScript(_ident(s, f"{where} 话术"), _text(s, "title", f"{where} 话术"),
                             _text(s, "text", f"{where} 话术"))
        _check_placeholders(script.text, f"{where} 话术“{script.title}”")
        scripts.append(script)
    for name, items in (("步骤", [s.id for s in steps]), ("话术", [s.id for s in scripts])):
        if len(set(items)) != len(items):
            raise UserError(f"{where}：{name}的 id 有重复")
    return Playbook(ident, _text(data, "title", where), kinds, reasons, _text(data, "postage", where, False),
                    steps, tuple(scripts))


def _strings(data: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError(f"{where}：“{key}”应为文字列表")
    return value


def playbook_data(playbook: Playbook) -> dict[str, Any]:
    """The playbook as the plain data of its file (what `parse_playbook` reads back), for saving."""
    data: dict[str, Any] = {"id": playbook.id, "title": playbook.title}
    if playbook.kinds:
        data["kinds"] = [k.value for k in CaseKind if k in playbook.kinds]
    if playbook.reasons:
        data["reasons"] = [r.value for r in CaseReason if r in playbook.reasons]
    if playbook.postage:
        data["postage"] = playbook.postage
    data["steps"] = [{"id": s.id, "text": s.text} for s in playbook.steps]
    data["scripts"] = [{"id": s.id, "title": s.title, "text": s.text} for s in playbook.scripts]
    return data


def check_for_saving(playbook: Playbook) -> Playbook:
    """What the editor built, checked as its file will be read back: a clear Chinese message naming
    the step or script that is wrong (empty texts, unknown placeholders, repeated ids)."""
    if not playbook.title.strip():
        raise UserError("请填写处理步骤的名称")
    for number, step in enumerate(playbook.steps, start=1):
        if not step.text.strip():
            raise UserError(msg.say(msg.EMPTY_STEP, number))
    for number, script in enumerate(playbook.scripts, start=1):
        if not script.title.strip():
            raise UserError(msg.say(msg.UNTITLED_SCRIPT, number))
        if not script.text.strip():
            raise UserError(msg.say(msg.EMPTY_SCRIPT, script.title.strip()))
    return parse_playbook(playbook_data(playbook), f"处理步骤“{playbook.title.strip()}”")


def best_playbook(playbooks: Iterable[Playbook], kind: CaseKind, reason: CaseReason | None) -> Playbook | None:
    """The most specific playbook for the case (reason and kind > reason > kind > general)."""
    scored = [(p.fits(kind, reason), p) for p in playbooks]
    scored = [(score, p) for score, p in scored if score]
    return max(scored, key=lambda sp: sp[0])[1] if scored else None


def fill_script(text: str, values: Mapping[str, str | None]) -> str:
    """Put the case's values into the script; what the case does not know yet stays visible to fill in."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1)) or PLACEHOLDERS.get(m.group(1), m.group(0)), text)


# --- shop policies (like 拼多多's 售后小助手) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShopPolicy:
    """A rule the shop switches on: for cases like these, suggest this action."""

    id: str
    title: str
    description: str
    kinds: frozenset[CaseKind]
    reasons: frozenset[CaseReason]
    statuses: frozenset[CaseStatus]
    max_amount_fen: int | None
    action: CaseAction
    text: str

    def applies(self, kind: CaseKind, reason: CaseReason | None, status: CaseStatus, amount_fen: int | None) -> bool:
        if self.kinds and kind not in self.kinds:
            return False
        if self.reasons and reason not in self.reasons:
            return False
        if self.statuses and status not in self.statuses:
            return False
        if self.max_amount_fen is not None and (amount_fen is None or amount_fen > self.max_amount_fen):
            return False
        return self.action in allowed_actions(kind, status)


def parse_policies(data: Mapping[str, Any], where: str) -> tuple[ShopPolicy, ...]:
    found = []
    for entry in _tables(data, "policy", where):
        ident = _ident(entry, where)
        place = f"{where} 策略“{ident}”"
        limit = entry.get("max_amount")
        try:
            max_fen = yuan_to_fen(Decimal(str(limit))) if limit is not None else None
        except (InvalidOperation, ValueError):
            raise UserError(f"{place}：max_amount“{limit}”不是金额") from None
        found.append(ShopPolicy(
            ident, _text(entry, "title", place), _text(entry, "description", place),
            frozenset(CaseKind.parse(k) for k in _strings(entry, "kinds", place)),
            frozenset(CaseReason.parse(r) for r in _strings(entry, "reasons", place)),
            frozenset(CaseStatus.parse(s) for s in _strings(entry, "statuses", place)),
            max_fen, CaseAction.parse(_text(entry, "action", place)), _text(entry, "text", place),
        ))
    return tuple(found)


# The usual way forward per kind, first allowed wins (escalate, reject, close are the shop's call).
_FORWARD: dict[CaseKind, tuple[CaseAction, ...]] = {
    CaseKind.REFUND_ONLY: (CaseAction.REFUND, CaseAction.COMPLETE),
    CaseKind.RETURN_REFUND: (CaseAction.AGREE_RETURN, CaseAction.RECEIVE_RETURN, CaseAction.REFUND,
                             CaseAction.COMPLETE),
    CaseKind.EXCHANGE: (CaseAction.AGREE_RETURN, CaseAction.RECEIVE_RETURN, CaseAction.SHIP_EXCHANGE,
                        CaseAction.COMPLETE),
    CaseKind.RESHIP: (CaseAction.AGREE_RESHIP, CaseAction.SHIP_RESHIP, CaseAction.COMPLETE),
    CaseKind.PARTIAL_REFUND: (CaseAction.COMPENSATE, CaseAction.COMPLETE),
    CaseKind.REPAIR: (CaseAction.AGREE_RETURN, CaseAction.RECEIVE_RETURN, CaseAction.START_REPAIR,
                      CaseAction.SHIP_REPAIRED, CaseAction.COMPLETE),
    CaseKind.BAD_REVIEW: (CaseAction.COMPENSATE, CaseAction.COMPLETE),
    CaseKind.DISPUTE: (CaseAction.REFUND, CaseAction.COMPENSATE, CaseAction.COMPLETE),
}
_WHY: dict[CaseAction, str] = {
    CaseAction.AGREE_RETURN: "买家申请退货，先审核并同意（给出退货地址）",
    CaseAction.RECEIVE_RETURN: "等买家寄回；包裹到了在“退货入库”扫描运单号验货",
    CaseAction.REFUND: "按买家的申请退款",
    CaseAction.SHIP_EXCHANGE: "已收到退回的商品，仔细核对换货商品后发出",
    CaseAction.AGREE_RESHIP: "补发先答复买家（同意后按平台时限发出）",
    CaseAction.SHIP_RESHIP: "已同意补发，尽快发出并登记新运单号",
    CaseAction.START_REPAIR: "已收到返修件，送修",
    CaseAction.SHIP_REPAIRED: "修好后寄回买家",
    CaseAction.COMPENSATE: "与买家商定补偿后支付",
    CaseAction.COMPLETE: "已处理完，确认买家满意后结束",
}


_INTERVENING = "平台介入中：按平台要求在时限内上传凭证（照片、聊天记录、称重记录）"
_PLATFORM_DECIDES = "平台将根据双方凭证判定"
_PLATFORM_ACTED = "平台已超时自动处理（%1）：到平台后台核对结果，再在这里记录（退款、关闭等）"
_RETURN_SHIPPED = "买家已寄回（%1）；包裹到了在“退货入库”扫描运单号验货"
_RETURN_SHIPPED_NO_NUMBER = ("买家已寄回，但没有登记退货运单号：再点“买家已寄回”补上，"
                             "包裹到了在“退货入库”扫描它就能找到本单")
_NOW = "当前状态：%1"
_NOW_AFTER_ONE = "当前状态：%2"  # after a first value (the timer, the parcel)
_POLICY = "店铺策略：%1"
_ENDED = "已结束，无需操作"
_AS_IT_IS = "按实际情况处理"
# Every sentence the suggestion says: the window translates them (installer/update_translations.py).
SUGGESTION_TEXTS = (*_WHY.values(), _INTERVENING, _PLATFORM_DECIDES, _PLATFORM_ACTED, _RETURN_SHIPPED,
                    _RETURN_SHIPPED_NO_NUMBER, _NOW, _NOW_AFTER_ONE, _POLICY, _ENDED, _AS_IT_IS)


def suggest_next(kind: CaseKind, reason: CaseReason | None, status: CaseStatus, amount_fen: int | None,
                 policies: Sequence[ShopPolicy] = (), *, return_parcel: str | None = None,
                 platform_acted: str | None = None, return_shipped: bool = False) -> Suggestion:
    """The suggested next action for a case: a policy the shop switched on first, else the usual way on.

    `return_parcel`: the buyer's return parcel as the shop knows it (carrier and number) once the buyer
    shipped it; `platform_acted`: the timer the platform settled by itself when nothing is left for the
    shop to beat (its 下一个时限 says 平台已超时自动处理): the shop records what the platform did;
    `return_shipped`: the buyer shipped the return (a 买家寄回 step in force), with or without its number."""
    for policy in policies:
        if policy.applies(kind, reason, status, amount_fen):
            return Suggestion(policy.action, policy.text, _POLICY, (policy.title,))
    if status is CaseStatus.PLATFORM_INTERVENTION:
        return Suggestion(None, _INTERVENING, _PLATFORM_DECIDES)
    if platform_acted:
        return Suggestion(None, _PLATFORM_ACTED, _NOW_AFTER_ONE, (platform_acted, status.label))
    allowed = allowed_actions(kind, status)
    for action in _FORWARD.get(kind, ()):
        if action in allowed:
            if action is CaseAction.RECEIVE_RETURN and return_parcel:
                return Suggestion(action, _RETURN_SHIPPED, _NOW_AFTER_ONE, (return_parcel, status.label))
            if action is CaseAction.RECEIVE_RETURN and return_shipped:
                return Suggestion(action, _RETURN_SHIPPED_NO_NUMBER, _NOW, (status.label,))
            return Suggestion(action, _WHY[action], _NOW, (status.label,))
    return Suggestion(None, _ENDED if not allowed else _AS_IT_IS, _NOW, (status.label,))
