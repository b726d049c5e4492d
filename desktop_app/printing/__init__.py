"""Printed pages drawn with Qt's painter (QtGui, QtPrintSupport): shared by the window and the command line.

Why a package that imports PySide6 lives outside `desktop_app/ui` (DESIGN.md: "the renderer of a
printed page is shared by ui and cli, so it lives outside ui/"):

- One renderer, one page: the window's print preview, its printer and `python -m desktop_app statement
  --out x.pdf` paint the same `QPainter` calls, so the PDF a carrier receives is the page the shop saw.
  A second, Qt-free PDF writer for the CLI would be two layouts to keep equal (and a CJK font to embed
  twice).
- The CLI must not load the window: `desktop_app/ui` is the widgets' package (QApplication, tabs,
  dialogs), so the renderer cannot live there without the CLI importing it. `core`, `services`, `store`
  and `io` stay Qt-free (the banned-api rule in pyproject.toml), so it cannot live there either.

What this package may use is narrower than `ui`: PySide6's QtCore, QtGui and QtPrintSupport, never
QtWidgets nor `desktop_app.ui` (desktop_app/printing/ruff.toml; tests/unit/test_layers.py checks the
rule), so a PDF is drawn under a bare QGuiApplication without a single widget. The window's interface
font is not a printed page's concern and lives in `desktop_app/ui/interface_font.py`.
"""
