"""The one form rendering: every Django form in the Design System's markup."""

from __future__ import annotations

import re

from django import forms

from permanence.web.kernel.forms import DesignSystemBoundField


class Sample(forms.Form):
    name = forms.CharField(label="Name", help_text="As it is written.")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)
    colour = forms.ChoiceField(label="Colour", choices=[("", "Choose"), ("red", "Red")])
    size = forms.ChoiceField(
        label="Size", choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="I agree")
    demanded = forms.CharField(label="Demanded", required=False)

    required_in_clean = ("demanded",)


def test_an_unbound_form_is_design_system_markup_with_optional_only_where_it_is() -> None:
    html = str(Sample())
    assert "ds_error-summary" not in html
    assert html.count('class="ds_question"') == 6
    assert '<label class="ds_label" for="id_name">Name</label>' in html
    assert '<p class="ds_hint-text" id="id_name_helptext">As it is written.</p>' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert '<label class="ds_label" for="id_notes">Notes (optional)</label>' in html
    # A field the form demands in its own checks is never called optional.
    assert '<label class="ds_label" for="id_demanded">Demanded</label>' in html
    assert html.count("(optional)") == 1
    assert re.search(r'<textarea[^>]*class="ds_input"', html)
    assert re.search(
        r'<div class="ds_select-wrapper"><select[^>]*class="ds_select"[^>]*>.*?</select>'
        r'<span class="ds_select-arrow" aria-hidden="true"></span></div>',
        html,
        re.S,
    )
    assert re.search(r'<input type="radio" name="size" value="s" class="ds_radio__input"', html)
    assert '<label class="ds_radio__label" for="id_size_0">Small</label>' in html
    assert re.search(r'<input type="checkbox" name="agree"[^>]*class="ds_checkbox__input"', html)
    assert '<label class="ds_checkbox__label" for="id_agree">I agree</label>' in html


def test_errors_are_summarised_at_the_top_each_linking_to_its_field() -> None:
    form = Sample(data={"notes": "x"})
    assert not form.is_valid()
    html = str(form)
    summary = html[: html.index("</div>")]
    assert 'class="ds_error-summary"' in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [anchor for anchor, _ in links] == ["id_name", "id_colour", "id_size_0", "id_agree"]
    # Each field in error says so beside it, tied to the control.
    assert html.count("ds_question ds_question--error") == 4
    assert (
        '<p class="ds_question__error-message" id="id_name_error">'
        '<span class="visually-hidden">Error: </span>This field is required.</p>'
    ) in html
    assert re.search(
        r'<input type="text" name="name"[^>]*aria-describedby="id_name_helptext id_name_error"'
        r'[^>]*class="ds_input ds_input--error"',
        html,
    )
    assert re.search(r'<select[^>]*class="ds_select ds_select--error"', html)
    assert '<fieldset aria-describedby="id_size_error">' in html


def test_every_form_field_is_bound_as_the_design_system_needs() -> None:
    assert isinstance(Sample()["name"], DesignSystemBoundField)
