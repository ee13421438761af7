"""One way to render a form: Django's form templates, in the Scottish Government Design
System's markup.

``FORM_RENDERER`` names ``DesignSystemRenderer``, so ``{{ form }}`` and ``{{ field }}``
render through ``templates/forms/`` and every widget through the overrides in
``templates/django/forms/widgets/``: a ``ds_question`` per field, a ``ds_label``, a
``ds_hint-text`` hint, a ``ds_question__error-message`` per error, ``ds_input`` /
``ds_select`` / ``ds_radio`` / ``ds_checkbox`` controls (the Design System's own focus
style), "(optional)" only on a field a person may truly leave empty, and the error
summary (``forms/error_summary.html``) naming and linking each field in error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

#: Widgets drawn as a Design System text input (a textarea takes the same class).
_TEXT_LIKE = (
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.Textarea,
    forms.ClearableFileInput,
)


class DesignSystemBoundField(BoundField):
    """A field as the Design System's templates need it."""

    @property
    def optional(self) -> bool:
        """Whether the label says "(optional)": the field may be left empty, and the form
        does not demand it in its own checks (``Form.required_in_clean``)."""
        demanded = getattr(self.form, "required_in_clean", ())
        return not self.field.required and self.name not in demanded

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}_helptext"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}_error"

    @property
    def anchor(self) -> str:
        """Where the error summary's link takes a person: the control, or a group's first."""
        return self.id_for_label or (f"{self.auto_id}_0" if self.auto_id else "")

    @property
    def described_by(self) -> str:
        """The hint's and the error's ids, for ``aria-describedby``."""
        ids = [self.hint_id] if self.help_text else []
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.auto_id and not self.use_fieldset and self.described_by:
            attrs["aria-describedby"] = self.described_by
        design = _design_class(widget, error=bool(self.errors))
        if design:
            attrs["class"] = " ".join(filter(None, [str(attrs.get("class", "")), design]))
        return attrs


def _design_class(widget: Any, *, error: bool) -> str:
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
        return "ds_select ds_select--error" if error else "ds_select"
    if isinstance(widget, forms.CheckboxInput):
        return "ds_checkbox__input"
    if isinstance(widget, _TEXT_LIKE):
        return "ds_input ds_input--error" if error else "ds_input"
    return ""


class DesignSystemRenderer(TemplatesSetting):
    """Forms, fields and widgets from the project's templates, in Design System markup."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = DesignSystemBoundField
