"""The list as a reader looks a name up: past LETTERS_FROM entries, one initial letter at a time.

The public page and the website embed (through GraphQL's subprocessorIndex) both show what `index` says.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

# A longer list is shown one initial letter at a time, as a reader looks a name up; a shorter one whole
# unless the reader picks a letter.
LETTERS_FROM = 100


class Named(Protocol):
    name: str


N = TypeVar("N", bound=Named)


@dataclass(frozen=True)
class ListIndex(Generic[N]):
    """The entries shown, the initials there are, the letter shown (None: the whole list) and the list's length."""

    entries: list[N]
    letters: list[str]
    letter: str | None
    total: int


# Danish readers find Æ, Ø and Å after Z, in that order (Ä and Ö with Æ and Ø); code points would put Å first.
_DANISH_ORDER = str.maketrans({"æ": "z{", "ä": "z{", "ø": "z|", "ö": "z|", "å": "z}"})


def reading_order(name: str) -> str:
    """The key that sorts names as the list is read: case ignored, A to Z, then Æ, Ø, Å."""
    return name.casefold().translate(_DANISH_ORDER)


def by_name(entries: Sequence[N]) -> list[N]:
    """The entries in reading order of their names."""
    return sorted(entries, key=lambda entry: reading_order(entry.name))


def initial(entry: Named) -> str:
    """The letter an entry is found under: its name's first character, upper case."""
    return entry.name[:1].upper()


def by_initial(entries: Sequence[N]) -> dict[str, list[N]]:
    """Entries sorted by name, grouped by initial in the order of the letters (keeps their order within one)."""
    groups: dict[str, list[N]] = {}
    for entry in entries:
        groups.setdefault(initial(entry), []).append(entry)
    return {letter: groups[letter] for letter in sorted(groups, key=reading_order)}


def index(entries: Sequence[N], asked: str | None, groups: dict[str, list[N]] | None = None) -> ListIndex[N]:
    """What to show of `entries` (sorted by name) when the reader asks for `asked`; `groups` is by_initial(entries).

    A short list is whole unless a letter is asked for; otherwise the letter asked for, or the first letter
    when none is or the list holds no name with that initial.
    """
    if not entries or (len(entries) <= LETTERS_FROM and asked is None):
        return ListIndex(list(entries), [], None, len(entries))
    groups = by_initial(entries) if groups is None else groups
    letters = list(groups)
    letter = asked.upper() if asked and asked.upper() in groups else letters[0]
    return ListIndex(groups[letter], letters, letter, len(entries))
