"""An after-sales file refused because its order numbers are another platform's, in the English window."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from PySide6.QtCore import QTranslator

from desktop_app.services.case_import import import_cases
from desktop_app.store.database import open_database
from desktop_app.ui import labels
from desktop_app.ui.imports.import_texts import REFUSAL_TEMPLATES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "aftersales"
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_a_list_of_another_platform_is_refused_in_english(tmp_path: Path, english: QTranslator) -> None:
    path = tmp_path / "dy_aftersales.xlsx"
    shutil.copyfile(FIXTURES / "dy_aftersales.xlsx", path)
    db = open_database(tmp_path / "ledger.sqlite3")
    try:
        [result] = import_cases(db, [path], platform="pdd").files
    finally:
        db.close()
    assert result.refused is not None and result.refused.startswith("所选平台是拼多多")
    shown = labels.message(result.refused, REFUSAL_TEMPLATES)
    assert shown.startswith("The platform chosen is Pinduoduo, but every order number in the file looks like a "
                            "Douyin Shop one (e.g. 6999026815672311793 in column \"订单号\", row 2)"), shown
    assert "6999026815672311793" in shown and "--platform douyin" in shown
    # The column names stay as the file writes them.
    assert not CJK.search(shown.replace("订单号", "").replace("商品单号", "").replace("买家昵称", "")), shown
