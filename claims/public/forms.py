"""The reader's "Report a problem" form: checked by the reports service (one rule for what a
report must hold), with a honeypot field people never see and bots fill in."""
from __future__ import annotations

from typing import Any

from django import forms

from claims.services.errors import InvalidInput
from claims.services.reports import ProblemKind, clean_report


class ReportProblemForm(forms.Form):
    kind = forms.ChoiceField(label="What kind of problem is it?", choices=ProblemKind.choices,
                             widget=forms.RadioSelect)
    details = forms.CharField(
        # No max_length: it would put a maxlength on the text box, and a browser silently drops
        # whatever is pasted past it. clean_report refuses more than MAX_DETAILS_CHARS saying how
        # long it is, and the form gives all of it back; Django's upload limit caps the request.
        label="What is wrong, and how do you know?",
        widget=forms.Textarea(attrs={"rows": 7, "cols": 60}),
        help_text="A link to a source helps the editors check it quickly.",
    )
    email = forms.CharField(label="Your e-mail address (optional)", required=False, max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                            help_text="Only if you would like an answer. It is seen by the editors and nobody else.")
    # The honeypot: hidden from people (CSS and aria-hidden), tempting to form-filling bots.
    website = forms.CharField(label="Leave this field empty", required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.errors:
            return data
        try:
            report = clean_report(kind=data.get("kind", ""), details=data.get("details", ""),
                                  email=data.get("email", ""))
        except InvalidInput as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
            return data
        data["report"] = report
        return data
