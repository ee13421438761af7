"""The precedence rule for a meeting's checklist and actions (docs/meetings.md): the case
recording system wins, item by item and action by action, nothing typed in is lost from
the figures unless the import holds it, and every difference is listed."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from permanence.analysis.meetings import (
    ActionRecord,
    ItemState,
    resolve_actions,
    resolve_checklist,
    same_action,
)

DONE, NOT_DONE, NA, NONE = (
    ItemState.DONE,
    ItemState.NOT_DONE,
    ItemState.NOT_APPLICABLE,
    ItemState.NOT_RECORDED,
)


def test_the_imports_answers_win_and_the_rest_stay() -> None:
    entered = {"permanence_discussed": DONE, "review_dates_set": NOT_DONE, "childs_views": DONE}
    imported = {"permanence_discussed": NOT_DONE, "review_dates_set": NONE, "leaflet_offered": NA}
    resolved = resolve_checklist(entered, imported)
    assert resolved.states == {
        "permanence_discussed": NOT_DONE,  # the import's
        "review_dates_set": NOT_DONE,  # the import left it not recorded: the app's
        "childs_views": DONE,  # only the app's
        "leaflet_offered": NA,  # only the import's
    }
    assert resolved.differing == ("permanence_discussed",)


def test_an_answer_on_one_side_only_is_no_difference() -> None:
    assert resolve_checklist({"a": NONE}, {"a": DONE}).differing == ()
    assert resolve_checklist({"a": DONE}, {"a": DONE}).differing == ()


def test_actions_the_import_holds_count_once_with_its_dates() -> None:
    typed = [
        ActionRecord("Tell the  School", date(2022, 3, 1), date(2022, 3, 4)),
        ActionRecord("Visit the carers", date(2022, 2, 15)),
        ActionRecord("Book the assessment", date(2022, 2, 7), date(2022, 2, 4)),
    ]
    brought = [
        ActionRecord("tell the school", date(2022, 3, 1), date(2022, 3, 1)),
        ActionRecord("Book the assessment", date(2022, 2, 7), date(2022, 2, 4)),
    ]
    resolved = resolve_actions(typed, brought)
    assert resolved.counted == (*brought, typed[1])
    assert resolved.differing == ((typed[0], brought[0]),)


def test_an_actions_words_name_it_whatever_the_spaces_and_case() -> None:
    assert same_action("  Tell the\tSchool ") == same_action("tell the school")


states = st.sampled_from(list(ItemState))
keys = st.sampled_from(["a", "b", "c", "d"])


@given(st.dictionaries(keys, states), st.dictionaries(keys, states))
def test_the_rule_item_by_item(entered: dict, imported: dict) -> None:
    resolved = resolve_checklist(entered, imported)
    assert set(resolved.states) == set(entered) | set(imported)
    for key, state in resolved.states.items():
        answered = imported.get(key, NONE) is not NONE
        assert state == (imported[key] if answered else entered.get(key, NONE))
    for key in resolved.differing:
        assert NONE not in (entered[key], imported[key]) and entered[key] != imported[key]


days = st.dates(min_value=date(2022, 1, 1), max_value=date(2022, 12, 31))
actions = st.builds(ActionRecord, st.sampled_from(["x", "X ", "y", "z"]), days, st.none() | days)


@given(st.lists(actions, max_size=4), st.lists(actions, max_size=4))
def test_the_rule_action_by_action(typed: list, brought: list) -> None:
    resolved = resolve_actions(typed, brought)
    names = {same_action(action.what) for action in brought}
    # Every action brought counts; a typed one counts only where the import lacks it.
    assert resolved.counted[: len(brought)] == tuple(brought)
    assert list(resolved.counted[len(brought) :]) == [
        action for action in typed if same_action(action.what) not in names
    ]
