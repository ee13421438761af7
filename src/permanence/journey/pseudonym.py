"""Pseudonymous references: a child named in a calendar or an email without saying who.

A pseudonym is a keyed hash (HMAC-SHA-256) of the authority's code and the child's own
reference, written as ``C-`` and eight letters and digits in two groups of four. The
same child always gets the same pseudonym under the same key, so a worker can recognise
a pseudonym from one week to the next; without the key nobody can work back to the
reference or even check a guess. Changing the key (the ``PSEUDONYM_KEY`` setting)
changes every pseudonym.

Used wherever a child is named to someone who need not know who the child is: calendar
feeds and alert emails (review planning), and the dashboards' charts and tables. A file
that leaves the authority names a child by the whole keyed hash instead, made for that
use alone (``long_pseudonym``): the permanence milestone return's ``child_id``.

The key must be strong: references are short digit strings, so with a weak key anyone
holding a pseudonym can try every reference until one matches. ``key_weaknesses`` says
what is wrong with one; production refuses to start with a weak key (docs/security.md
says how to make one).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from collections import Counter

# Base 32 without the letters and digits people confuse when reading aloud or copying.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_READABLE = str.maketrans(_STANDARD, _ALPHABET)


def pseudonym(key: str, authority: str, child_ref: str) -> str:
    """The pseudonymous reference of ``child_ref`` in ``authority`` under ``key``."""
    digest = pseudonym_digest(key, authority, child_ref)
    letters = base64.b32encode(digest).decode("ascii").translate(_READABLE)
    return f"C-{letters[:4]}-{letters[4:8]}"


def long_pseudonym(key: str, authority: str, child_ref: str, *, use: str) -> str:
    """The whole keyed hash of ``child_ref`` in ``authority`` for one ``use``, as 64
    lower-case hexadecimal digits: for a file that leaves the authority, where a child
    must be told apart from thousands of others and followed from year to year.

    The use's name is hashed in too, so one use's pseudonyms cannot be matched with
    another's, or with the short references the authority's own pages show."""
    if not use:
        raise ValueError("a long pseudonym is made for one named use")
    return pseudonym_digest(key, authority, child_ref, use=use).hex()


def pseudonym_digest(key: str, authority: str, child_ref: str, *, use: str = "") -> bytes:
    """HMAC-SHA-256 under ``key`` of the use (when there is one), the authority's code and
    the child's reference, joined by U+001F: every pseudonym is made from this."""
    if not key:
        raise ValueError("a pseudonym needs a key: set PSEUDONYM_KEY")
    parts = [use, authority, child_ref] if use else [authority, child_ref]
    message = "\x1f".join(parts).encode()
    return hmac.new(key.encode(), message, hashlib.sha256).digest()


MIN_KEY_CHARACTERS = 43
"""32 random bytes written as text by ``secrets.token_urlsafe(32)``: the shortest key."""

MIN_KEY_BITS = 180.0
"""The least spread of characters a key must show (its length times the Shannon entropy
of its characters). 32 random bytes, as ``token_urlsafe(32)`` or ``token_hex(32)``
writes them, show 187 or more; words and patterns of the same length show less."""

KNOWN_EXAMPLE_KEYS = frozenset(
    {
        "development-pseudonym-key",
        "test-pseudonym-key",
        "pseudonym-key",
        "dummy",
        "changeme",
        "change-me",
        "secret",
    }
)
"""Keys that are written down somewhere (the demo's, the tests', the usual placeholders)."""


def key_weaknesses(key: str) -> list[str]:
    """What makes ``key`` unfit to make pseudonyms with (empty when it is fit).

    This catches the usual mistakes (a placeholder, a short key, a word or a pattern);
    it cannot tell a phrase that merely looks random from random bytes, so the key is
    to be made by a program: ``python -c "import secrets; print(secrets.token_urlsafe(48))"``.
    """
    if not key:
        return ["it is empty"]
    if key.strip().lower() in KNOWN_EXAMPLE_KEYS:
        return ["it is a well-known example, not a secret"]
    problems = []
    if len(key) < MIN_KEY_CHARACTERS:
        problems.append(
            f"it is {len(key)} characters long; it must be at least {MIN_KEY_CHARACTERS} "
            "(32 random bytes)"
        )
    if _spread_bits(key) < MIN_KEY_BITS:
        problems.append("it does not look random (too few different characters, or a pattern)")
    if any(character.isspace() for character in key):
        problems.append("it holds spaces, so it is words rather than random bytes")
    return problems


def _spread_bits(key: str) -> float:
    counts = Counter(key)
    length = len(key)
    return -length * sum(n / length * math.log2(n / length) for n in counts.values())
