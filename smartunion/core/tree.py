"""Path arithmetic of the organisation tree (docs/decisions/0001-org-tree-materialized-path.md).

Each node's ``path`` is its parent's path plus a fixed-width step of ``PATH_STEP`` base-36
characters, so a subtree is every path that starts with the root's: one index range scan, no
recursion. Only strings here, no model: the tree's models and writes are ``orgs``'s, and the scope
mechanism (``core.scoping``) states subtrees with the same helpers.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

PATH_STEP = 4
PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PATH_MAX_LENGTH = 255


def encode_step(number: int) -> str:
    if number >= len(PATH_ALPHABET) ** PATH_STEP:
        raise OverflowError("Too many children under one node")
    digits = []
    for _position in range(PATH_STEP):
        number, rem = divmod(number, len(PATH_ALPHABET))
        digits.append(PATH_ALPHABET[rem])
    return "".join(reversed(digits))


def ancestor_paths(path: str) -> list[str]:
    """The paths of the node's ancestors from the root down, the node's own path last."""
    return [path[:i] for i in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def is_root_path(path: str) -> bool:
    return len(path) == PATH_STEP


def path_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string that starts with ``prefix`` (bytewise order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def subtree_q(prefix: str, *, field: str = "") -> Q:
    """Rows whose org lies in the subtree whose root has materialized path ``prefix``.

    A half-open range on an indexed column: one index range scan, no recursion.
    """
    path = f"{field}__path" if field else "path"
    return Q(**{f"{path}__gte": prefix, f"{path}__lt": path_upper_bound(prefix)})


def collapse_prefixes(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths that lie inside another path of the set: the subtrees they name are covered."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return tuple(kept)
