"""Forms of the holiday calendar pages. They keep what was typed; ``holidays.services`` decides what is
valid and says why, so the messages are the same in the console and the management command."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from smartunion.holidays.calendar import package_knows_year
from smartunion.holidays.services import NOTE_MAX_LENGTH, editable_years

KIND_CHOICES = [("off", _("a day off")), ("work", _("a working day (调休)"))]


def kind_to_is_workday(kind: str) -> bool | None:
    return {"off": False, "work": True}.get(kind)


class HolidayOverrideForm(forms.Form):
    date = forms.CharField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A date in this year or the next, such as 2027-01-01."),
    )
    kind = forms.ChoiceField(
        label=_("This date is"), choices=KIND_CHOICES, widget=forms.RadioSelect, required=False
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": NOTE_MAX_LENGTH}),
        help_text=_("What the day is, such as “春节” or “本市劳模表彰日”; shown in the calendar."),
    )


class HolidayNoticeForm(forms.Form):
    # A plain field under a select: the service names a wrong year precisely.
    year = forms.CharField(label=_("The notice is for the year"), widget=forms.Select)
    text = forms.CharField(
        label=_("Holidays, one line each"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 9, "spellcheck": "false", "class": "notice-text"}),
        help_text=_(
            "A name, the first and last day off joined by “至”, then “上班” and the adjusted working days: "
            "春节 2027-02-06 至 2027-02-13 上班 2027-02-14 2027-02-20. A holiday of one day needs one date; "
            "lines starting with # are skipped."
        ),
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.choices = [(y, str(y)) for y in years]


def notice_years() -> list[int]:
    """The years offered: this one and the next, less those the package knows already (all of them
    when it knows both, so that the service says why none can be entered)."""
    years = list(editable_years())
    return [y for y in years if not package_knows_year(y)] or years
