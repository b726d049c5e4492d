"""`python -m desktop_app statement`: PDF and xlsx from claims or an order, checked with poppler's tools."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from statement_data import ORDER_NO, SHOP, TRACKING_NO, add_claim, add_order, save_shop

from desktop_app import cli
from desktop_app.cli import statements as statement_cli
from desktop_app.core.vocabulary import Platform
from desktop_app.store.database import Database
from tests.unit.full_disk import POSIX_ONLY, files_up_to

ROOT = Path(__file__).resolve().parents[2]
Run = Callable[..., int]


@pytest.fixture
def run(ledger_target: str) -> Run:
    """`cli.run` on the test's ledger."""
    return lambda *argv: cli.run([*map(str, argv), "--db", ledger_target])


@pytest.fixture
def gui(qapp: object) -> object:
    """PDFs are drawn by Qt: share the test session's QApplication (a bare QGuiApplication made
    here would stop the widget tests that run later in the same process)."""
    return qapp


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_an_order_statement_as_pdf(run: Run, db: Database, tmp_path: Path, gui: object,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    save_shop(db)
    add_order(db)
    out = tmp_path / "货值说明.pdf"
    assert run("statement", "--order", ORDER_NO, "--incident", "丢件", "--date", "2024-11-20", "--out", out) == 0
    assert "已生成 1 份货物价值说明" in capsys.readouterr().out
    text = pdf_text(out)
    for wanted in ("货物价值说明", ORDER_NO, TRACKING_NO, "¥437.00", "肆佰叁拾柒元整", SHOP.name, "王小明",
                   "2024年11月20日", "丢件"):
        assert wanted in text, wanted
    assert pdf_pages(out) == 1
    assert not list(tmp_path.glob("*.part"))


@POSIX_ONLY
def test_a_pdf_the_disk_had_no_room_for_is_an_error_not_an_empty_file(run: Run, db: Database, tmp_path: Path,
                                                                      gui: object,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """On a full disk "已生成 1 份货物价值说明" was printed, exit 0, over a 0-byte 货值说明.pdf."""
    save_shop(db)
    add_order(db)
    out = tmp_path / "货值说明.pdf"
    with files_up_to(4096):
        code = run("statement", "--order", ORDER_NO, "--incident", "丢件", "--out", out)
    assert code == 2
    captured = capsys.readouterr()
    assert "已生成" not in captured.out
    assert f"无法保存 {out}：文件没有写完整（磁盘空间不足" in captured.err, captured.err
    assert list(tmp_path.glob("货值说明*")) == []  # neither an empty PDF nor its .part


def test_a_batch_of_claims_is_one_page_each(run: Run, db: Database, tmp_path: Path, gui: object,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    save_shop(db)
    first = add_claim(db, add_order(db))
    second = add_claim(db, add_order(db, order_no="3712345678901234999", tracking_no="ZT7000000000001"))
    third = add_claim(db, add_order(db, order_no="3712345678901235000", tracking_no="ZT7000000000002"),
                      claimed_fen=12345)
    out = tmp_path / "batch.pdf"
    assert run("statement", "--claim", first, second, third, "--out", out, "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["count"] == 3 and report["format"] == "pdf"
    assert [s["tracking"] for s in report["statements"]] == [TRACKING_NO, "ZT7000000000001", "ZT7000000000002"]
    assert report["statements"][2]["claimed"] == "123.45"
    assert report["statements"][0]["total_words"] == "肆佰叁拾柒元整"
    assert pdf_pages(out) == 3
    text = pdf_text(out)
    assert text.count("货物价值说明") >= 3
    assert "ZT7000000000002" in text and "壹佰贰拾叁元肆角伍分" in text
    for n in (first, second, third):
        assert f"理赔编号 {n}" in text


def test_a_claim_statement_as_xlsx(run: Run, db: Database, tmp_path: Path) -> None:
    claim_id = add_claim(db, add_order(db))
    out = tmp_path / "c.XLSX"
    assert run("statement", "--claim", claim_id, claim_id, "--out", out) == 0  # a repeated number counts once
    book = load_workbook(out)
    assert len(book.worksheets) == 1
    texts = [str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value is not None]
    assert any(ORDER_NO in t for t in texts) and any("肆佰叁拾柒元整" in t for t in texts)


def test_missing_shop_details_are_mentioned(run: Run, db: Database, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    add_order(db)
    assert run("statement", "--order", ORDER_NO, "--out", tmp_path / "x.xlsx") == 0
    assert "店铺信息未填写（店铺名称、联系人、联系电话、收款账户）" in capsys.readouterr().err


def test_claims_of_several_carriers_are_mentioned(run: Run, db: Database, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    save_shop(db)
    a = add_claim(db, add_order(db))
    b = add_claim(db, add_order(db, order_no="9", carrier="顺丰速运", tracking_no="SF1"))
    assert run("statement", "--claim", a, b, "--out", tmp_path / "x.xlsx") == 0
    assert "不同的快递公司（中通快递、顺丰速运）" in capsys.readouterr().err


def test_the_platform_chooses_between_orders_sharing_a_number(run: Run, db: Database, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    add_order(db, platform=Platform.PDD, order_no="240101-55")
    add_order(db, platform=Platform.DOUYIN, order_no="240101-55", receiver="抖音买家")
    assert run("statement", "--order", "240101-55", "--out", tmp_path / "x.xlsx") == 2
    assert "请用 --platform 指定平台" in capsys.readouterr().err
    assert run("statement", "--order", "240101-55", "--platform", "抖店", "--out", tmp_path / "x.xlsx") == 0
    texts = [str(c.value) for row in load_workbook(tmp_path / "x.xlsx").worksheets[0].iter_rows() for c in row
             if c.value is not None]
    assert "抖音买家" in texts


@pytest.mark.parametrize(("argv", "message"), [
    (["--order", ORDER_NO, "--out", "x.docx"], "应以 .pdf 或 .xlsx 结尾"),
    (["--claim", "1", "--platform", "pdd", "--out", "x.pdf"], "只用于 --order"),
    (["--claim", "404", "--out", "x.xlsx"], "找不到理赔 #404"),
    (["--order", "123", "--out", "x.xlsx"], "找不到订单 123"),
    (["--order", ORDER_NO, "--date", "20.11.2024", "--out", "x.xlsx"], "YYYY-MM-DD"),
    (["--order", ORDER_NO, "--out", "no/such/folder/x.xlsx"], "所在的文件夹不存在"),
])
def test_mistakes_exit_2_with_a_chinese_message(run: Run, db: Database, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str], argv: list[str],
                                                message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    add_order(db)
    monkeypatch.chdir(tmp_path)
    assert run("statement", *argv) == 2
    assert message in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("x.")]


def test_claim_and_order_exclude_each_other(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run("statement", "--claim", "1", "--order", "2", "--out", "x.pdf")
    assert exited.value.code == 2
    assert "--order：不能与 --claim 同时使用" in capsys.readouterr().err


def test_headless_it_draws_offscreen_in_a_fresh_process(db: Database, ledger_target: str, tmp_path: Path) -> None:
    """No display and no QT_QPA_PLATFORM (a server, cron): the command picks offscreen itself."""
    save_shop(db)
    add_claim(db, add_order(db))
    db.close()
    out = tmp_path / "fresh.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    program = (
        "import sys\n"
        "from desktop_app import cli\n"
        "sys.exit(cli.run(sys.argv[1:]))\n"
    )
    done = subprocess.run([sys.executable, "-c", program, "statement", "--claim", "1", "--out", str(out),
                           "--db", ledger_target], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "货物价值说明" in pdf_text(out) and TRACKING_NO in pdf_text(out)


def test_offscreen_is_chosen_only_without_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(sys, "platform", "linux")
    statement_cli.ensure_offscreen_when_headless()
    assert "QT_QPA_PLATFORM" not in os.environ
    monkeypatch.delenv("DISPLAY")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    statement_cli.ensure_offscreen_when_headless()
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")  # the user's choice stands
    statement_cli.ensure_offscreen_when_headless()
    assert os.environ["QT_QPA_PLATFORM"] == "xcb"


def test_a_pdf_statement_loads_no_widget_and_no_ui_module(db: Database, ledger_target: str, tmp_path: Path) -> None:
    """The headless CLI paints through desktop_app/printing: a PDF run in a fresh process loads QtGui
    but never PySide6.QtWidgets nor any desktop_app.ui module (DESIGN.md: the CLI never imports ui/)."""
    save_shop(db)
    add_claim(db, add_order(db))
    db.close()
    out = tmp_path / "no-widgets.pdf"
    program = (
        "import json, sys\n"
        "from desktop_app.__main__ import main\n"
        "code = main(sys.argv[1:])\n"
        "sys.stderr.write('LOADED ' + json.dumps(sorted(sys.modules)) + '\\n')\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run([sys.executable, "-c", program, "statement", "--claim", "1", "--out", str(out),
                           "--db", ledger_target], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    loaded = json.loads(next(line for line in done.stderr.splitlines() if line.startswith("LOADED "))[7:])
    assert "PySide6.QtGui" in loaded and "desktop_app.printing.statement_render" in loaded  # it did paint
    assert [m for m in loaded if m == "desktop_app.ui" or m.startswith("desktop_app.ui.")] == []
    assert "PySide6.QtWidgets" not in loaded
    assert TRACKING_NO in pdf_text(out)


def png_header(width: int, height: int, pixels: bool = False) -> bytes:
    """A PNG that says its size and nothing else (Qt reads the size, then refuses the pixels: a
    9000×9000 seal is past its 256 MB allocation limit though the file is small); with `pixels`, a
    whole transparent image."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    rows = (b"\x00" + bytes(4 * width)) * height if pixels else b"\x00"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("content", "said"), [
    (b"\x89PNG\r\n\x1a\n" + b"garbage" * 40, "无法读取（文件已损坏，或不是 PNG/JPG 图片）"),
    (png_header(9000, 9000), "太大（9000×9000 像素）"),
    (None, "不在这台电脑的数据文件夹里"),
])
def test_a_seal_that_cannot_print_is_said(run: Run, db: Database, tmp_path: Path, gui: object, data_home: Path,
                                          capsys: pytest.CaptureFixture[str], content: bytes | None,
                                          said: str, ledger_target: str) -> None:
    # The seal passed the profile's PNG check (its first bytes), but the statement came out without it,
    # and nothing said so: the shop sent the courier an unsealed statement.
    from desktop_app.services.shop_profile import save_shop_profile, seal_path

    source = tmp_path / "公章.png"
    source.write_bytes(content or png_header(10, 10, pixels=True))
    stored = save_shop_profile(db, SHOP, seal_source=source).value
    assert stored.seal_image is not None
    with db.reading() as session:
        copy = seal_path(session, stored)
    assert copy is not None
    if content is None:  # the ledger restored on a new computer without its data folder
        copy.unlink()
    add_order(db)
    out = tmp_path / "货值说明.pdf"
    assert run("statement", "--order", ORDER_NO, "--out", out) == 0
    err = capsys.readouterr().err
    if content is None and ledger_target.startswith("postgresql"):
        # A team ledger keeps the seal itself: the seat fetches it again, and the statement is sealed.
        assert "盖章" not in err and copy.is_file()
        return
    assert said in err and "这份货值说明不会盖章" in err and "店铺信息" in err, err
    assert "Traceback" not in err and pdf_pages(out) == 1
    assert run("statement", "--order", ORDER_NO, "--out", tmp_path / "货值说明.xlsx") == 0
    assert "盖章" not in capsys.readouterr().err  # the workbook has no seal to miss
