"""Loading the interface translation. Source strings are Simplified Chinese, so Chinese needs no file.

`.qm` files are compiled from `resources/i18n/*.ts` by `pyside6-lrelease` when packaging
(`installer/update_translations.py --release`); a source checkout without them compiles the missing one into
the user's cache folder the first time English is chosen.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop_app.paths import data_dir, resource
from desktop_app.ui.qt_dialog_chinese import QtDialogChinese

log = logging.getLogger(__name__)


def is_frozen() -> bool:
    """Running from a PyInstaller bundle (its resources are read-only build output)."""
    return bool(getattr(sys, "frozen", False))


def ts_file(language: str) -> Path:
    return resource("i18n", f"desktop_app_{language}.ts")


def lrelease_command() -> list[str] | None:
    tool = shutil.which("pyside6-lrelease")
    if tool:
        return [tool]
    import PySide6

    bundled = Path(PySide6.__file__).parent / "lrelease"
    return [str(bundled)] if bundled.exists() else None


def compile_ts(ts: Path, qm: Path) -> bool:
    command = lrelease_command()
    if command is None:
        return False
    qm.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([*command, "-silent", str(ts), "-qm", str(qm)], capture_output=True, check=False)
    return result.returncode == 0 and qm.exists()


def qm_file(language: str) -> Path | None:
    ts = ts_file(language)
    shipped = ts.with_suffix(".qm")
    # A frozen bundle's .qm was compiled from its .ts at build time; file times there say only in which
    # order PyInstaller copied them (the .ts after the .qm made English fall back to Chinese). In a
    # source tree a .qm older than its .ts is stale.
    if shipped.exists() and (is_frozen() or not ts.exists() or shipped.stat().st_mtime >= ts.stat().st_mtime):
        return shipped
    if not ts.exists():
        return None
    cached = data_dir() / "i18n" / shipped.name
    if cached.exists() and cached.stat().st_mtime >= ts.stat().st_mtime:
        return cached
    return cached if compile_ts(ts, cached) else None


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install our translation and Qt's own (dialog buttons) for `language`; zh_CN needs only Qt's."""
    # Weekday and month names, number formats: Chinese unless English was chosen.
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if language == "zh_CN"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    translators: list[QTranslator] = []
    qt_translator = QTranslator(app)
    qt_name = "qtbase_zh_CN" if language == "zh_CN" else f"qtbase_{language}"
    if qt_translator.load(qt_name, QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_translator)
        translators.append(qt_translator)
    if language == "zh_CN":  # the file dialog's labels Qt's zh_CN lacks (asked before Qt's, installed last)
        missing = QtDialogChinese(app)
        app.installTranslator(missing)
        translators.append(missing)
    if language != "zh_CN":
        path = qm_file(language)
        ours = QTranslator(app)
        if path is not None and ours.load(str(path)):
            app.installTranslator(ours)
            translators.append(ours)
        else:
            log.warning("no translation for %s; the interface stays in Chinese", language)
    return translators
