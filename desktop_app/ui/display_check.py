"""Before the window on Linux: can Qt open a window here? Said in Chinese, where Qt would abort.

Without a display, or without a system library its xcb plugin needs (libxcb-cursor0 is missing from
many installs), Qt prints an English message that often names the wrong cause ("xcb-cursor0 is
needed" when there is simply no display) and aborts the process (exit 134, a core dump). Both are
cheap to find first: loading the plugin names the missing library exactly, and libxcb's own connect
says whether the display answers.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo

# What a bare Debian/Ubuntu needs for Qt's xcb plugin (FACTS.md, measured on the CI image).
XCB_PACKAGES = ("libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 "
                "libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1 libegl1 libgl1 "
                "libfontconfig1 libdbus-1-3")
_MISSING = re.compile(r"([\w.+-]+\.so(?:\.\d+)*): cannot open shared object file")


def cli_command() -> str:
    """How the command line is started: the installed bundle has a program of its own beside the window's."""
    return "aftersales-cli" if getattr(sys, "frozen", False) else "python -m desktop_app"


def chosen_platform(qt_args: list[str]) -> str:
    """The Qt platform plugin asked for (`-platform NAME` or QT_QPA_PLATFORM), '' for Qt's default."""
    for position, arg in enumerate(qt_args):
        if arg == "-platform" and position + 1 < len(qt_args):
            return qt_args[position + 1].split(":", 1)[0]
    return os.environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].split(";", 1)[0]


def debian_package(soname: str) -> str:
    """The Debian package that ships a library, by Debian's naming rule: libxcb-cursor.so.0 is in
    libxcb-cursor0, libxkbcommon-x11.so.0 in libxkbcommon-x11-0."""
    name, _, version = soname.partition(".so")
    number = version.lstrip(".").split(".", 1)[0]
    name = name.lower()
    return f"{name}-{number}" if name[-1:].isdigit() and number else f"{name}{number}"


def plugin_problem(plugin: Path) -> str | None:
    """Why the xcb plugin cannot be loaded (a missing library, in Chinese), None when it loads."""
    try:
        ctypes.CDLL(str(plugin), mode=os.RTLD_LAZY)
    except OSError as exc:
        missing = _MISSING.search(str(exc))
        if missing is None:
            return f"无法载入 Qt 的窗口组件 {plugin.name}（{exc}）。"
        soname = missing.group(1)
        return (f"这台电脑缺少 Qt 打开窗口所需的系统库 {soname}。在 Debian/Ubuntu 上安装：\n"
                f"  sudo apt-get install {debian_package(soname)}\n"
                f"（全新安装的系统通常还缺这些：sudo apt-get install {XCB_PACKAGES}）")
    return None


def display_answers() -> bool:
    """Whether the X display in DISPLAY accepts a connection (libxcb's own connect, as Qt does)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True  # the plugin check names what is missing
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(None, None)
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)


def display_problem(qt_args: list[str]) -> str | None:
    """Why no window can open on this Linux machine, in Chinese; None when Qt should manage (and on
    Windows, macOS, Wayland sessions and any platform plugin other than xcb, which Qt reports itself)."""
    if not sys.platform.startswith("linux"):
        return None
    platform = chosen_platform(qt_args)
    if platform not in ("", "xcb") or (not platform and os.environ.get("WAYLAND_DISPLAY")):
        return None
    display = os.environ.get("DISPLAY", "")
    if not display:
        return ("没有可用的图形桌面（环境变量 DISPLAY 未设置），无法打开窗口。请在桌面环境中启动；"
                f"没有桌面的服务器上请使用命令行：{cli_command()} --help")
    # The display first: with no X server answering, a library the plugin lacks is not the first thing to fix.
    if not display_answers():
        return (f"无法连接到图形显示 {display}（没有运行的 X 服务器，或没有访问权限），无法打开窗口。"
                "请在桌面环境中启动，或检查 DISPLAY 设置。")
    plugin = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms" / "libqxcb.so"
    return plugin_problem(plugin) if plugin.is_file() else None
