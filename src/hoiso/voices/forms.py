from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hoiso.core.uploads import CappedImageField
from hoiso.voices.models import QuestionKind, Reply, Topic


class ConcernForm(forms.Form):
    topic = forms.ChoiceField(label=_("What is it about?"), choices=Topic.choices)
    text = forms.CharField(
        label=_("What do you want to say?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photo = CappedImageField(label=_("A photo (if you wish)"), required=False)
    reply = forms.ChoiceField(
        label=_("Do you want an answer?"), choices=Reply.choices, required=False
    )


class AnonymousConcernForm(ConcernForm):
    """No photo (a photo can say who took it) and no way to be called back: the answer is read
    with the code shown after sending."""

    photo = None  # type: ignore[assignment]
    reply = forms.BooleanField(  # type: ignore[assignment]
        label=_("I want to read an answer (with the code shown after sending)"), required=False
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Your phone number"), max_length=20)


class PhoneConcernForm(ConcernForm):
    """Her concern, with the code sent to her phone; her answer comes on Hội Số or by phone."""

    phone = forms.CharField(widget=forms.HiddenInput, max_length=20)
    code = forms.CharField(label=_("The code sent to your phone"), max_length=10)
    photo = None  # type: ignore[assignment]


class RecordForm(ConcernForm):
    """A cadre records what a member said at a meeting or on the phone."""

    member = forms.CharField(
        label=_("The member's card number or phone number"),
        required=False,
        max_length=20,
        help_text=_("Leave empty if she is not a member or did not want to be named."),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    close = forms.BooleanField(label=_("Close it with this answer"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the unit above"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SettingsForm(forms.Form):
    anonymous = forms.BooleanField(
        label=_("Take anonymous concerns (a link and QR code anyone can use)"), required=False
    )
    rise_after = forms.IntegerField(
        label=_("Days before an unanswered concern rises to the unit above"),
        min_value=1,
        max_value=60,
    )


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    intro = forms.CharField(
        label=_("A few words to the members"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    closes_on = forms.DateField(
        label=_("Answers taken until"), widget=forms.DateInput(attrs={"type": "date"})
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=QuestionKind.choices)
    options = forms.CharField(
        label=_("Choices, one per line"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For one choice or several choices only."),
    )  # fmt: skip
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
