"""File names for ids: safe on every system, stable, and never two alike.

The CLI contract (``cli.md``): in file names, characters other than letters,
digits, ``.``, ``_`` and ``-`` become ``_`` (letters and digits of any script:
``Åsa`` stays ``Åsa``). Beyond that, a name never starts
with a dot (no hidden files, no ``..``), is never a reserved device name on
Windows (``CON``, ``NUL``, ...), and stays short. Two ids that would get the
same name (``a b`` and ``a_b``; ``P1`` and ``p1`` on a case-insensitive disk)
are told apart by a short hash of the id, so a name depends only on its id and
the ids it collides with.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable

_UNSAFE = re.compile(r"[^\w.-]")  # \w: letters and digits of any script, and _
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
)
#: Longest name (without the extension), in UTF-8 bytes (a file name may have 255),
#: before it is cut and given a hash.
MAX_STEM = 100


def _digest(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def safe_stem(identifier: str) -> str:
    """The file name (without extension) for an id, before collisions are resolved."""
    stem = _UNSAFE.sub("_", identifier)
    stem = re.sub(r"^\.+", lambda m: "_" * len(m.group()), stem)  # no hidden files, no ".."
    if not stem:
        stem = "_"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    if len(stem.encode("utf-8")) > MAX_STEM:
        cut = stem[: MAX_STEM - 9]
        while len(cut.encode("utf-8")) > MAX_STEM - 9:
            cut = cut[:-1]
        stem = cut + "_" + _digest(identifier)
    return stem


def safe_stems(identifiers: Iterable[str]) -> dict[str, str]:
    """A distinct file name (without extension) for each id, equal ignoring case to no other.

    An id keeps its :func:`safe_stem` unless another id's is the same ignoring case; then
    the one id that needed no change (or, among several, the first in sorted order) keeps
    it and the others get ``_`` and a hash of their own id."""
    ids = sorted(set(identifiers))
    groups: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        groups[safe_stem(i).casefold()].append(i)
    out: dict[str, str] = {}
    for members in groups.values():
        keeper = min(members, key=lambda i: (safe_stem(i) != i, i))
        for i in members:
            out[i] = safe_stem(i) if i == keeper else f"{safe_stem(i)}_{_digest(i)}"
    # A hashed name could (in theory) meet another id's plain one: lengthen the hash until unique.
    taken: dict[str, str] = {}
    for i in ids:
        name, length = out[i], 8
        while name.casefold() in taken:
            length += 4
            name = f"{safe_stem(i)}_{_digest(i, length)}"
        out[i] = name
        taken[name.casefold()] = i
    return out
