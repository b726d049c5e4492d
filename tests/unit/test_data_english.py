"""English beside the Chinese in the shipped data files, and history notes the window can read back.

The playbooks' steps, postage rules and script titles, the claim escalation steps and the shop
policies are read by the shop's staff: each carries its English (`*_en`) so the English window shows
it; the reply scripts (sent to the buyer) have none. A history note the ledger writes is parsed back
into its template and values, so the window translates the ledger's words and quotes the rest.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from script_modules import load_script

from desktop_app.core import event_notes
from desktop_app.core.event_notes import note, parse_note, put

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def resource_english() -> ModuleType:
    return load_script(ROOT / "installer" / "resource_english.py", "resource_english")


def test_every_text_the_staff_read_in_the_shipped_data_has_english(resource_english: ModuleType) -> None:
    texts = resource_english.shipped_texts()
    files = {where for _, _, where in texts}
    assert {"playbooks/damaged.toml", "claim_escalation.toml", "policies.toml"} <= files
    assert len(texts) > 100
    missing = [(where, chinese) for chinese, english, where in texts if english is None]
    assert not missing, missing
    chinese_left = [(where, english) for _, english, where in texts if english and CJK.search(english)]
    assert not chinese_left, chinese_left


def test_the_reply_scripts_sent_to_buyers_have_no_english() -> None:
    for path in (ROOT / "resources" / "playbooks").glob("*.toml"):
        for script in tomllib.loads(path.read_text(encoding="utf-8")).get("scripts", []):
            assert "text_en" not in script, (path.name, script["id"])


def test_a_text_edited_by_the_shop_has_no_english_and_is_left_out(resource_english: ModuleType,
                                                                   tmp_path: Path) -> None:
    """A shop's own copy: its edited step has no English (the window shows it in Chinese)."""
    shipped = ROOT / "resources"
    copy = tmp_path / "resources"
    (copy / "playbooks").mkdir(parents=True)
    for name in ("policies.toml", "claim_escalation.toml"):
        (copy / name).write_text((shipped / name).read_text(encoding="utf-8"), encoding="utf-8")
    (copy / "playbooks" / "mine.toml").write_text(
        'id = "mine"\ntitle = "本店的步骤"\n[[steps]]\nid = "a"\ntext = "先打电话"\n', encoding="utf-8")
    english = resource_english.english_of_resources(copy)
    assert "本店的步骤" not in english and "先打电话" not in english
    assert english["向快递网点报案，提交货值说明"] == "Report it to the carrier's outlet with the goods value statement"


@pytest.mark.parametrize(("template", "values"), [
    (event_notes.IMPORTED, ("tm_refunds.xlsx",)),
    (event_notes.IMPORTED_SAYING, ("tb_refunds.csv", "收到的时候盒子压扁了：外箱也破了")),
    (event_notes.PLATFORM_EXPORT, ()),
    (event_notes.PLATFORM_EXPORT_SAYING, ("卖家已经同意退款，等待买家退货",)),
    (event_notes.CLAIM_OPENED, ("破损", "136.00")),
    (event_notes.CLAIM_OPENED_SAYING, ("丢件", "—", "外箱压坏，内件少了 %2 件")),
    (event_notes.STEP_DONE, ("破损", "请买家拍外箱（带快递面单）和破损处的照片")),
    (event_notes.STEP_UNDONE, ("破损", "记录破损商品和快递")),
    (event_notes.EVIDENCE_ADDED, ("a.jpg、b.jpg",)),
    (event_notes.CASE_LINKED, ("12",)),
    (event_notes.PAYS_FOR_RESHIP, ("3", "12")),
    (event_notes.RESHIP_UNLINKED, ()),
    (event_notes.EVIDENCE_FROM_CASE, ("12", "外箱.jpg")),
    (event_notes.UNDONE, ("同意退货",)),
    (event_notes.UNDONE_SAYING, ("买家已寄回", "顺丰 SF123")),
])
def test_a_note_reads_back_as_its_template_and_values(template: event_notes.NoteTemplate,
                                                      values: tuple[str, ...]) -> None:
    written = note(template, *values)
    assert parse_note(written) == (template, values)


def test_notes_keep_the_wording_the_command_line_prints() -> None:
    assert note(event_notes.IMPORTED_SAYING, "tm_refunds.xlsx", "拍错了") == "从 tm_refunds.xlsx 导入：拍错了"
    assert note(event_notes.PLATFORM_EXPORT_SAYING, "退款成功") == "平台导出：退款成功"
    assert note(event_notes.CLAIM_OPENED, "破损", "136.00") == "破损，申请 136.00 元"
    assert note(event_notes.STEP_DONE, "破损", "拍照") == "已完成（破损）：拍照"


def test_a_value_holding_a_placeholder_is_not_filled_again() -> None:
    assert put("%1：%2", ("买了 %2 件", "退款")) == "买了 %2 件：退款"


def test_a_note_typed_by_hand_is_not_a_template() -> None:
    assert parse_note("买家说周末在家，周一再联系") is None
