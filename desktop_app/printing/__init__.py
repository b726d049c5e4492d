"""Printed pages drawn with Qt's painter (QtGui, QtPrintSupport): shared by the window and the command line.

This package may import PySide6's QtCore, QtGui and QtPrintSupport, never QtWidgets nor `desktop_app.ui`
(desktop_app/printing/ruff.toml), so `python -m desktop_app statement --out x.pdf` draws a page without
loading a single widget.
"""
