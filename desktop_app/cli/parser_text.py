"""argparse in Chinese. Its own messages (a mistyped option, a missing argument, a choice that does not
exist) and the words of its help (usage, options) are English, and gettext has no Chinese catalogue for
them: the parser class here says them in Chinese. Every parser of the command line is one (subcommands
inherit the class of their parent)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from typing import Any, NoReturn

# argparse's messages (Python 3.11), the inner part of "argument X: …" included.
_WORDS = (
    (r"^unrecognized arguments: (.*)$", "无法识别的参数：{0}"),
    (r"^the following arguments are required: (.*)$", "缺少必需的参数：{0}"),
    (r"^one of the arguments (.*) is required$", "必须给出这些参数之一：{0}"),
    (r"^ambiguous option: (\S+) could match (.*)$", "选项 {0} 不完整，可能是：{1}"),
    (r"^invalid choice: (.*) \(choose from (.*)\)$", "没有“{0}”这个选择（可选：{1}）"),
    (r"^invalid \S+ value: (.*)$", "“{0}”不是有效的值"),
    (r"^expected one argument$", "后面需要一个值"),
    (r"^expected at most one argument$", "后面最多一个值"),
    (r"^expected at least one argument$", "后面至少需要一个值"),
    (r"^expected (\d+) arguments?$", "后面需要 {0} 个值"),
    (r"^not allowed with argument (.*)$", "不能与 {0} 同时使用"),
    (r"^ignored explicit argument (.*)$", "不接受值“{0}”"),
)
_MESSAGES = tuple((re.compile(pattern, re.S), chinese) for pattern, chinese in _WORDS)
_ARGUMENT = re.compile(r"^argument (.+?): (.*)$", re.S)
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")  # a repr() of a string, as argparse shows values and choices


def chinese_message(message: str) -> str:
    """One of argparse's error messages in Chinese (an unknown one as it is)."""
    found = _ARGUMENT.match(message)
    if found:
        return f"{found.group(1)}：{_translated(found.group(2))}"
    return _translated(message)


def _translated(message: str) -> str:
    for pattern, chinese in _MESSAGES:
        found = pattern.match(message)
        if found:
            return chinese.format(*(_plain(group) for group in found.groups()))
    return message


def _plain(text: str) -> str:
    """'xx' → xx; 'auto', 'taobao' → auto、taobao."""
    values = _QUOTED.findall(text)
    return "、".join(values) if values and _QUOTED.sub("", text).strip(", ") == "" else text


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage, help headings and error messages are Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        add_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False  # its own -h, said in Chinese
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示这段说明后退出")

    def error(self, message: str) -> NoReturn:
        # One line, as every other failure of the command line: what is wrong and where the help is
        # (the usage lines before it were a second, English-shaped message a script had to skip).
        self.exit(2, f"错误：{chinese_message(message)}（用 {self.prog} --help 查看说明）\n")

    def missing_subcommand(self) -> str:
        """The one-line message for this command given without one of its subcommands."""
        choices = next((list(a.choices) for a in self._actions if isinstance(a, argparse._SubParsersAction)), [])
        return f"错误：{self.prog} 后面缺少子命令（可选：{'、'.join(choices)}；用 {self.prog} --help 查看说明）"
