"""Pseudonymous references: a child named in a calendar or an email without saying who.

A pseudonym is a keyed hash (HMAC-SHA-256) of the authority's code and the child's own
reference, written as ``C-`` and eight letters and digits in two groups of four. The
same child always gets the same pseudonym under the same key, so a worker can recognise
a pseudonym from one week to the next; without the key nobody can work back to the
reference or even check a guess. Changing the key (the ``PSEUDONYM_KEY`` setting)
changes every pseudonym.

Used wherever a child is named to someone who need not know who the child is: calendar
feeds and alert emails (review planning), and the dashboards' charts and tables.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

# Base 32 without the letters and digits people confuse when reading aloud or copying.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_READABLE = str.maketrans(_STANDARD, _ALPHABET)


def pseudonym(key: str, authority: str, child_ref: str) -> str:
    """The pseudonymous reference of ``child_ref`` in ``authority`` under ``key``."""
    if not key:
        raise ValueError("a pseudonym needs a key: set PSEUDONYM_KEY")
    message = f"{authority}\x1f{child_ref}".encode()
    digest = hmac.new(key.encode(), message, hashlib.sha256).digest()
    letters = base64.b32encode(digest).decode("ascii").translate(_READABLE)
    return f"C-{letters[:4]}-{letters[4:8]}"
