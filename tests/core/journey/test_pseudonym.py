"""Pseudonymous references: keyed, stable, unguessable without the key, easy to read."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import pytest

from permanence.journey.pseudonym import long_pseudonym, pseudonym

READABLE = re.compile(r"^C-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")


def test_a_pseudonym_is_the_keyed_hash_written_without_confusable_characters() -> None:
    # Worked out independently: HMAC-SHA-256 of "ALPHA", a unit separator and the
    # reference, in base 32, whose first eight characters are XG3L5USB; each is then
    # written in an alphabet without I, O, 0 and 1 (X->Z, G->G, 3->5, L->M, 5->7, U->W,
    # S->U, B->B), and grouped in fours.
    digest = hmac.new(b"test-pseudonym-key", b"ALPHA\x1fE-0001", hashlib.sha256).digest()
    assert base64.b32encode(digest)[:8] == b"XG3L5USB"
    assert pseudonym("test-pseudonym-key", "ALPHA", "E-0001") == "C-ZG5M-7WUB"


def test_the_same_child_always_gets_the_same_pseudonym_and_others_do_not() -> None:
    first = pseudonym("key", "ALPHA", "007")
    assert first == pseudonym("key", "ALPHA", "007")
    assert READABLE.match(first)
    assert pseudonym("key", "ALPHA", "7") != first  # leading zeros matter
    assert pseudonym("key", "BRAVO", "007") != first  # another authority's child
    assert pseudonym("another key", "ALPHA", "007") != first  # a new key changes all


def test_no_two_children_of_a_large_authority_share_a_pseudonym() -> None:
    refs = [f"{number:07d}" for number in range(2500)]
    assert len({pseudonym("key", "GLASGOW", ref) for ref in refs}) == len(refs)


def test_a_pseudonym_needs_a_key() -> None:
    with pytest.raises(ValueError, match="PSEUDONYM_KEY"):
        pseudonym("", "ALPHA", "007")


def test_a_long_pseudonym_is_the_whole_keyed_hash_of_its_use_authority_and_reference() -> None:
    by_hand = hmac.new(b"key", b"a return\x1fALPHA\x1f007", hashlib.sha256).hexdigest()
    assert long_pseudonym("key", "ALPHA", "007", use="a return") == by_hand
    assert long_pseudonym("key", "ALPHA", "007", use="another use") != by_hand
    with pytest.raises(ValueError, match="use"):
        long_pseudonym("key", "ALPHA", "007", use="")
    with pytest.raises(ValueError, match="PSEUDONYM_KEY"):
        long_pseudonym("", "ALPHA", "007", use="a return")


# -- the key's strength ------------------------------------------------------------------


def test_keys_made_as_the_docs_say_are_strong() -> None:
    import secrets

    from permanence.journey.pseudonym import key_weaknesses

    for _ in range(2000):
        assert key_weaknesses(secrets.token_urlsafe(48)) == []
        assert key_weaknesses(secrets.token_urlsafe(32)) == []
        assert key_weaknesses(secrets.token_hex(32)) == []


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("", "empty"),
        ("dummy", "well-known example"),
        ("development-pseudonym-key", "well-known example"),
        ("Xk29fQ-short", "at least 43"),
        ("ab" * 30, "does not look random"),
        ("correct horse battery staple and then some more words here", "spaces"),
    ],
)
def test_weak_keys_are_named_as_weak(key: str, why: str) -> None:
    from permanence.journey.pseudonym import key_weaknesses

    assert any(why in problem for problem in key_weaknesses(key))
