"""Branches a commune's list names that do not exist yet: the name a new branch would take, and
whether a name may become one at all.

Kept apart from matching (`places`) so that the rules for cleaning a village's name for a new
branch change in one place. A name is offered for creation only when it is unambiguous: an
abbreviation such as "T3" (Thôn 3? Tổ 3?) or a bare number is not, and one key spelled with two
different sets of marks in the same file ("Thôn Mỹ Thạnh", "Thôn Mỹ Thanh") is two places that
the cadre must tell apart — never merged silently into one branch.

Each function is asked once per row of a list but sees a few dozen distinct villages: their
answers (strings and tuples, immutable) are cached.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from hoiso.core.text import clean, fold

PREFIX = "Chi hội "
# How lists write the branch in front of a village's name: left out of the new branch's own name,
# which then takes the one prefix every branch has.
_WRITTEN_PREFIXES = (("chi", "hoi", "phu", "nu"), ("chi", "hoi", "pn"), ("chi", "hoi"), ("ch",))
MAX_LENGTH = 200


def _words(name: str) -> list[str]:
    return clean(unicodedata.normalize("NFC", name)).replace(".", ". ").split()


def _drop_prefix(words: list[str]) -> list[str]:
    folded = [fold(w).strip(".") for w in words]
    for prefix in _WRITTEN_PREFIXES:
        if tuple(folded[: len(prefix)]) == prefix and len(words) > len(prefix):
            return words[len(prefix) :]
    return words


def _unpad(words: list[str]) -> list[str]:
    """ "Thôn 03" → "Thôn 3", "Thôn số 3" → "Thôn 3"."""
    out: list[str] = []
    for i, word in enumerate(words):
        if fold(word) == "so" and i + 1 < len(words) and words[i + 1].isdigit():
            continue
        out.append(re.sub(r"^0+(\d)", r"\1", word))
    return out


def _capitalised(word: str) -> str:
    """ "THÔN" → "Thôn", "h'mai" → "H'Mai" (an Ê Đê name keeps its capital after the mark)."""
    head, sep, tail = word.partition("'")
    if sep and len(head) == 1 and tail:
        return head.upper() + sep + tail[:1].upper() + tail[1:].lower()
    return word[:1].upper() + word[1:].lower()


def _recased(words: list[str]) -> list[str]:
    """Names typed all in capitals or all in small letters get a capital for each word; a name
    typed in mixed case is kept as the cadre wrote it ("Buôn Ea H'Dinh")."""
    letters = "".join(ch for w in words for ch in w if ch.isalpha())
    if letters and letters != letters.upper() and letters != letters.lower():
        return words
    return [_capitalised(w) for w in words]


@functools.lru_cache(maxsize=4096)
def new_branch_name(name: str) -> str:
    """The name a branch made from `name` takes: "CHI HỘI THÔN 03" → "Chi hội Thôn 3"; "" when
    `name` cannot name a new branch unambiguously (see `why_not`)."""
    if why_not(name):
        return ""
    words = _recased(_unpad(_drop_prefix(_words(name))))
    return (PREFIX + " ".join(words).replace(". ", ".").strip())[:MAX_LENGTH]


@functools.lru_cache(maxsize=4096)
def why_not(name: str) -> str:
    """Why `name` cannot become a branch by itself ("" when it can): too short to say which place
    it is, such as "T3" or "3"."""
    words = _unpad(_drop_prefix(_words(name)))
    longest = max((len(re.sub(r"[^a-z]", "", fold(w))) for w in words), default=0)
    return "" if longest >= 2 else "abbreviation"


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


@functools.lru_cache(maxsize=4096)
def spelling(name: str) -> tuple[str, tuple[str, ...]]:
    """How the name is written once case, spacing, prefix and zeros are set aside, marks kept
    (wherever a tone sits: "Hoà" = "Hòa"): one key with two spellings is two places."""
    words = _unpad(_drop_prefix(_words(name)))
    decomposed = unicodedata.normalize("NFD", "".join(words).lower())
    letters = "".join(
        ch for ch in decomposed if (ch not in _TONES and ch.isalnum()) or ch in "\u0302\u0306\u031b"
    )
    tones = tuple(ch for ch in decomposed if ch in _TONES)
    return unicodedata.normalize("NFC", letters), tones


@functools.lru_cache(maxsize=4096)
def is_marked(name: str) -> bool:
    """Written with Vietnamese marks at all (a name typed without any matches either spelling)."""
    return fold(name) != unicodedata.normalize("NFC", name).lower()
