"""Chinese for the texts of Qt's own file dialog that Qt's zh_CN translation lacks.

On Linux (no desktop portal) Qt draws its own file dialog, and `qtbase_zh_CN.qm` of the Qt that PySide6
ships has "Look in:" and "Files of type:" but not the labels the dialog uses ("&Look in:", "Files of
&type:"), nor the file kinds of its 类型 column ("Folder", "xlsx File"): the Chinese window's 导入 and 导出
dialogs spoke half English. Installed with Qt's translation when the language is Chinese; Qt's own
translation answers everything else (this one is asked first and returns nothing for other texts).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTranslator

# (context, source text) → Chinese, the source texts exactly as Qt 6 writes them (qfiledialog.ui,
# QAbstractFileIconProvider::type). Punctuation and mnemonics as qtbase_zh_CN writes its other labels.
MISSING: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QFileDialog", "Directory"): "目录",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "File"): "文件",
    ("QAbstractFileIconProvider", "%1 File"): "%1 文件",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
    ("QAbstractFileIconProvider", "Unknown"): "未知",
}


class QtDialogChinese(QTranslator):
    """Answers only the texts of `MISSING`; an empty answer lets the next translator (Qt's) speak."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def translate(self, context: str, source_text: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return MISSING.get((context, source_text))  # None: a null string, which Qt takes as "not mine"

    def isEmpty(self) -> bool:
        return False
