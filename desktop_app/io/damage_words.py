"""What a spreadsheet reader's error says is damaged, in the shop's words: calamine and zipfile speak English
("I/O error: File is larger than its declared uncompressed size", "syntax error: tag not closed", a bare tag
name, or nothing), which the refusal quoted between its Chinese brackets. Their own text goes to the log."""

from __future__ import annotations

import logging

from desktop_app.core import messages as msg
from desktop_app.core.event_notes import Message

_LOG = logging.getLogger(__name__)

# Lower-case fragments of the readers' messages, first match wins.
_KINDS: tuple[tuple[tuple[str, ...], Message], ...] = (
    (("shared strings",), msg.say(msg.DAMAGE_SHARED_STRINGS)),
    (("utf-8", "utf8", "decode"), msg.say(msg.DAMAGE_ENCODING)),
    (("uncompressed size", "deflate", "checksum", "crc", "zip", "i/o error", "invalid data", "compress"),
     msg.say(msg.DAMAGE_COMPRESSED)),
    (("detect file format", "unrecognized", "unsupported"), msg.say(msg.DAMAGE_FORMAT)),
    (("xml", "syntax", "tag", "attribute", "escape", "eof", "end of input", "unexpected"), msg.say(msg.DAMAGE_XML)),
)


def damage_in_words(error: BaseException) -> Message:
    """The kind of damage `error` (a reader's, on a damaged package or sheet) names, as a Chinese phrase."""
    said = str(error).strip()
    _LOG.info("damaged spreadsheet: %s: %s", type(error).__name__, said)
    lowered = f"{type(error).__name__} {said}".lower()
    for fragments, words in _KINDS:
        if any(fragment in lowered for fragment in fragments):
            return words
    if not said or (said.isascii() and said.replace("_", "").isalnum()):  # "", or an XML tag's name ("sheetData")
        return msg.say(msg.DAMAGE_XML)
    return msg.say(msg.DAMAGE_OTHER)
