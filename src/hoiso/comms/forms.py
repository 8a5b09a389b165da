from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoiso.comms.models import Channel, Topic, Visibility
from hoiso.core.forms import date_field
from hoiso.core.uploads import CappedImageField, UploadSizeValidator
from hoiso.units.forms import UnitChoiceField
from hoiso.units.models import Unit


class ChannelForm(forms.ModelForm):
    audience_on = date_field(_("Counted on"))

    class Meta:
        model = Channel
        fields = [
            "kind",
            "name",
            "url",
            "audience",
            "audience_on",
            "run_by",
            "visibility",
            "closed",
        ]
        help_texts = {
            "url": _("The page's own address, e.g. https://facebook.com/hoiphunuxaeakar"),
            "run_by": _("Name and phone of the person who posts"),
            "visibility": _(
                "Public channels are listed on the unit's public page with their link. A Zalo "
                "group or a cadres' group is a closed group: keep it for members only."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # A new channel takes its kind's default unless the cadre chooses.
            field = self.fields["visibility"]
            field.required = False
            by_kind = _("As its kind: members only for a Zalo or cadres' group, public otherwise")
            field.choices = [("", by_kind), *Visibility.choices]  # type: ignore[attr-defined]
            self.initial["visibility"] = ""


class ChannelUnitForm(forms.Form):
    """Which unit of the subtree the new channel belongs to."""

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.select_related("parent")  # type: ignore[attr-defined]


class ChannelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.get_kind_display()} ({obj.unit.name})"


class PostForm(forms.Form):
    url = forms.CharField(
        label=_("Link to the post"),
        required=False,
        max_length=500,
        widget=forms.TextInput(
            attrs={"inputmode": "url", "autocomplete": "off", "placeholder": "https://…"}
        ),
        help_text=_("Paste it: the channel and, for TikTok, the date are filled in for you."),
    )
    channel = ChannelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.none(),
        error_messages={"required": _("Choose the channel the post was published on.")},
    )
    published_on = date_field(_("Published on"), required=True)
    title = forms.CharField(label=pgettext_lazy("post", "Title"), required=False, max_length=300)
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", "—"), *Topic.choices])
    is_livestream = forms.BooleanField(label=_("It was a livestream"), required=False)

    def __init__(self, *args: Any, channels: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels  # type: ignore[attr-defined]
        self.fields["published_on"].error_messages["required"] = _(
            "Give the date the post was published."
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        help_text=_("Columns: Kênh, Ngày đăng, Đường dẫn, Tiêu đề, Chủ đề, Livestream."),
        validators=[UploadSizeValidator("sheet")],
    )


class ArticleForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("post", "Title"), max_length=300)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Paragraphs, bold, italics, lists and links are kept; anything else is removed."
        ),
    )
    image = CappedImageField(
        label=_("Picture"), required=False, help_text=_("Made smaller for slow connections.")
    )
