"""Posting admin pages back the way a browser does."""

from __future__ import annotations

from typing import Any

from django.forms import CheckboxInput, MultiWidget


def shown(page: Any) -> dict[str, Any]:
    """What a browser posts back from an admin change page left as it is: the main form and
    every inline formset (management form and rows) with the values the page shows."""
    forms = [page.context["adminform"].form]
    data: dict[str, Any] = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for bound in form:
            widget = bound.field.widget
            widget = getattr(widget, "widget", widget)  # the admin's related-object wrapper
            value = bound.value()
            if isinstance(widget, MultiWidget):
                parts = widget.decompress(value)
                for suffix, sub, part in zip(widget.widgets_names, widget.widgets, parts, strict=True):
                    data[bound.html_name + suffix] = sub.format_value(part) or ""
            elif isinstance(widget, CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            else:
                formatted = widget.format_value(value)
                data[bound.html_name] = "" if formatted is None else formatted
    return data
