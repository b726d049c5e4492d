"""`guide | reply | policies`: a case's playbook and suggested next step, reply scripts, shop policies."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desktop_app.cli.arguments import given, record_id
from desktop_app.cli.common import add_db_option, add_json_option, looking_up, opened_ledger, print_json
from desktop_app.core.clock import CHINA, format_china
from desktop_app.core.errors import NotFound, UserError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    guide = subparsers.add_parser("guide", help="售后单的处理步骤、建议的下一步、运费规则和话术")
    guide.add_argument("id", type=record_id, metavar="N", help="售后单编号")
    tick = guide.add_mutually_exclusive_group()
    tick.add_argument("--check", metavar="STEP", help="勾选完成一个步骤（写入时间线）")
    tick.add_argument("--uncheck", metavar="STEP", help="取消勾选一个步骤")
    add_db_option(guide)
    add_json_option(guide)
    guide.set_defaults(handler=_guide)

    reply = subparsers.add_parser("reply", help="按售后单填好的话术（可直接复制给买家）")
    reply.add_argument("id", type=record_id, metavar="N", help="售后单编号")
    reply.add_argument("script", metavar="SCRIPT", help="话术 id（guide N 列出）")
    add_db_option(reply)
    reply.set_defaults(handler=_reply)

    policies = subparsers.add_parser("policies", help="店铺策略（如小额仅退款直接退）：列出、开启、关闭")
    switch = policies.add_mutually_exclusive_group()
    switch.add_argument("--enable", type=given("--enable"), metavar="ID", help="开启")
    switch.add_argument("--disable", type=given("--disable"), metavar="ID", help="关闭")
    add_db_option(policies)
    add_json_option(policies)
    policies.set_defaults(handler=_policies)


def guide_json(guide: Any) -> dict[str, Any]:
    s = guide.suggestion
    p = guide.playbook
    return {
        "case": guide.case_id,
        "suggestion": {"action": s.action.value if s.action else None, "text": s.text, "reason": s.reason},
        "deadline": guide.deadline_name,
        "deadline_at": guide.deadline_at.astimezone(CHINA).isoformat() if guide.deadline_at else None,
        "playbook": p.id if p else None,
        "title": p.title if p else None,
        "postage": guide.postage,
        "steps": [{"id": st.id, "text": st.text, "done": st.id in guide.checked} for st in (p.steps if p else ())],
        "scripts": [{"id": sc.id, "title": sc.title, "text": sc.text} for sc in guide.scripts],
    }


def _guide(args: argparse.Namespace) -> int:
    from desktop_app.services.playbooks import case_guide, check_step, load_playbooks, load_policies

    library = load_playbooks()
    for problem in library.problems:
        sys.stderr.write(f"警告：{problem}\n")
    policies = load_policies()
    with opened_ledger(args) as db:
        step = args.check or args.uncheck
        if step:
            with db.reading() as session:
                playbook = case_guide(session, args.id, library).playbook
            if playbook is None:
                raise UserError(f"售后单 #{args.id} 没有对应的处理步骤")
            check_step(db, args.id, playbook, step, done=bool(args.check))
        with db.reading() as session, looking_up():  # only looked at and not there: nothing found (1)
            guide = case_guide(session, args.id, library, policies)
    if args.json:
        print_json(guide_json(guide))
        return 0
    s = guide.suggestion
    action = f"【{s.action.label}】" if s.action else ""
    print(f"建议：{action}{s.text}（{s.reason}）")
    if guide.deadline_at:
        print(f"时限：{guide.deadline_name or ''} {format_china(guide.deadline_at)}")
    if guide.playbook is not None:
        print(f"处理步骤（{guide.playbook.title}）：")
        for st in guide.playbook.steps:
            print(f"  [{'x' if st.id in guide.checked else ' '}] {st.id}  {st.text}")
        if guide.postage:
            print(f"运费：{guide.postage}")
        for sc in guide.scripts:
            print(f"话术 {sc.id}（{sc.title}）：{sc.text}")
    return 0


def _reply(args: argparse.Namespace) -> int:
    from desktop_app.services.playbooks import case_guide, load_playbooks

    with opened_ledger(args) as db, db.reading() as session, looking_up():
        guide = case_guide(session, args.id, load_playbooks())
    for script in guide.scripts:
        if script.id == args.script:
            print(script.text)
            return 0
    choices = "、".join(s.id for s in guide.scripts) or "无"
    raise NotFound(f"售后单 #{args.id} 没有话术“{args.script}”，可用：{choices}")


def _policies(args: argparse.Namespace) -> int:
    from desktop_app.services.playbooks import enabled_policy_ids, load_policies, set_policy

    policies = load_policies()
    with opened_ledger(args, creates=bool(args.enable or args.disable)) as db:
        if args.enable or args.disable:
            on = set(set_policy(db, policies, args.enable or args.disable, bool(args.enable)).value)
        else:
            with db.reading() as session:
                on = set(enabled_policy_ids(session))
    if args.json:
        print_json([{"id": p.id, "title": p.title, "description": p.description, "enabled": p.id in on}
                    for p in policies])
        return 0
    for p in policies:
        print(f"[{'开' if p.id in on else '关'}] {p.id}  {p.title}：{p.description}")
    return 0
