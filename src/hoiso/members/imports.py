"""Import pages: upload, the preview the cadre checks and corrects, confirm, progress, summary."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, gate, is_htmx
from hoiso.accounts.roles import CHANGE_MEMBERS, VIEW_SENSITIVE
from hoiso.core.sheets import UnreadableFile
from hoiso.core.uploads import UploadSizeValidator, check_upload_size, upload_limit
from hoiso.members import services
from hoiso.members.importing import files, jobs, progress
from hoiso.members.importing.headers import header_key
from hoiso.members.importing.memory import NEW_BRANCH
from hoiso.members.importing.template import template_response
from hoiso.members.models import ImportStatus, Member, MemberImport
from hoiso.members.selectors import access_import
from hoiso.members.services import SENSITIVE_FIELDS
from hoiso.units.models import Level, Unit

# What a column may hold, for the cadre correcting the mapping.
FIELD_CHOICES = [
    ("", gettext_lazy("— leave out —")),
    ("number", gettext_lazy("Row number")),
    ("full_name", gettext_lazy("Full name")),
    ("birth_date", gettext_lazy("Date or year of birth")),
    ("sex", gettext_lazy("Sex")),
    ("citizen_id", gettext_lazy("Citizen ID")),
    ("phone", gettext_lazy("Phone")),
    ("ethnicity", gettext_lazy("Ethnicity")),
    ("religion", gettext_lazy("Religion")),
    ("branch", gettext_lazy("Branch")),
    ("village", gettext_lazy("Village")),
    ("address", gettext_lazy("Address")),
    ("commune", gettext_lazy("Commune (xã/phường)")),
    ("district", gettext_lazy("District (before 2025)")),
    ("join_date", gettext_lazy("Joined")),
    ("card_number", gettext_lazy("Card number")),
    ("education", gettext_lazy("Education")),
    ("occupation", gettext_lazy("Occupation")),
    ("party_member", gettext_lazy("Party member")),
]
_FIELDS = {value for value, _label in FIELD_CHOICES}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Member list"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.xlsm,.ods,.csv"}),
        validators=[UploadSizeValidator("sheet")],
    )
    default_branch = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=gettext_lazy("Branch for rows that name none"),
        empty_label=gettext_lazy("— the file says, row by row —"),
    )

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Excel (.xlsx, .xls), LibreOffice (.ods) or .csv, up to %(mb)s MB."
        ) % {"mb": upload_limit("sheet") // (1024 * 1024)}
        if unit.level in (Level.BRANCH, Level.GROUP):
            del self.fields["default_branch"]
        else:
            field = self.fields["default_branch"]
            field.queryset = (  # type: ignore[attr-defined]
                Unit.objects.within(unit).active().filter(level=Level.BRANCH).order_by("name")
            )


@gate(CHANGE_MEMBERS)
def import_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, unit=scope.unit)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imp = jobs.import_start(
                actor=scope.user, unit=scope.unit, filename=upload.name, chunks=upload.chunks(),
                default_branch=form.cleaned_data.get("default_branch"),
                language=get_language() or "",
            )  # fmt: skip
        except UnreadableFile as e:
            form.add_error("file", str(e))
        else:
            return redirect("members:import", unit_code=scope.unit.code, import_id=imp.pk)
    recent = MemberImport.objects.filter(user=scope.user, unit=scope.unit)[:10]
    return render(
        request, "members/import_new.html", {"unit": scope.unit, "form": form, "recent": recent}
    )


@gate(CHANGE_MEMBERS)
def import_template(request: HttpRequest, scope: Scope) -> HttpResponse:
    return template_response(scope.unit)


@gate(CHANGE_MEMBERS)
def import_detail(request: HttpRequest, scope: Scope, import_id: Any) -> HttpResponse:
    imp = access_import(scope, import_id)
    running = imp.status in (ImportStatus.ANALYSING, ImportStatus.WRITING)
    if is_htmx(request) and not running:
        # The step has ended: show the whole page (the preview or the summary).
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    context: dict[str, Any] = {
        "unit": scope.unit,
        "imp": imp,
        "progress": progress.progress_of(imp),
    }
    if imp.status == ImportStatus.PREVIEW:
        preview = files.load_preview(imp)
        show = request.GET.get("show", "problems")
        rows = preview.get("rows", [])
        wanted = {
            "problems": ("error", "duplicate"),
            "updates": ("update",),
            "new": ("new",),
        }.get(show, ("error", "duplicate"))
        page = Paginator([r for r in rows if r["status"] in wanted], 50).get_page(
            request.GET.get("page")
        )
        _sensitive_shown(scope, page.object_list)
        columns = []
        labels = dict(FIELD_CHOICES)
        for sheet in preview.get("sheets", []):
            for col, header in sorted(sheet["headers"].items(), key=lambda c: int(c[0])):
                field = sheet["columns"].get(col, "")
                columns.append({"sheet": sheet["name"], "header": header, "field": field,
                                "key": header_key(header), "label": labels.get(field, "")})  # fmt: skip
        context.update(
            preview=preview, page=page, show=show, columns=columns, field_choices=FIELD_CHOICES,
            sheet_count=len(preview.get("sheets", [])), branch_questions=_branch_questions(preview),
            new_branches=_new_branches(preview),
            any_creatable=bool(preview.get("creatable")),
        )  # fmt: skip
    template = "members/import.html#status" if is_htmx(request) else "members/import.html"
    return render(request, template, context)


def _sensitive_shown(scope: Scope, rows: Any) -> None:
    """Rows whose changes show a member's old ethnicity, religion or ID number: a logged read, as
    on her page, for a role that may see them; for one that may not (any more), not shown."""
    shown = [r for r in rows if r.get("sensitive")]
    if not shown:
        return
    if not scope.can(VIEW_SENSITIVE):
        for r in shown:
            r["changes"] = [c for c in r["changes"] if c[0] not in SENSITIVE_FIELDS]
        return
    ids = {r["member"] for r in shown if r.get("member")}
    for member in Member.objects.within(scope.unit).filter(pk__in=ids).order_by("pk"):
        services.sensitive_viewed(actor=scope.user, member=member)


def _branch_questions(preview: dict[str, Any]) -> list[dict[str, Any]]:
    """Each branch name to answer for: the branch proposed (a near spelling) first, pre-selected,
    and how many rows wait on the answer."""
    proposals = preview.get("branch_proposals", {})
    counts = preview.get("branch_rows", {})
    creatable = preview.get("creatable", {})
    questions = [
        {"key": key, "text": text, "options": options, "proposed": proposals.get(key),
         "rows": counts.get(key, 0), "new_name": creatable.get(key, "")}
        for key, (text, options) in preview.get("unknown_branches", {}).items()
    ]  # fmt: skip
    return sorted(questions, key=lambda q: q["proposed"] is None)


def _new_branches(preview: dict[str, Any]) -> list[tuple[str, int]]:
    """The branches confirming will create, with how many rows each receives."""
    counts = preview.get("branch_rows", {})
    return sorted((name, counts.get(key, 0)) for key, name in preview.get("to_create", {}).items())


@require_POST
@gate(CHANGE_MEMBERS)
def import_decide(request: HttpRequest, scope: Scope, import_id: Any) -> HttpResponse:
    """The cadre's corrections: what columns hold, which branch or commune a name means, and which
    possible duplicates to add anyway. The file is then checked again."""
    imp = access_import(scope, import_id)
    stale = imp.status == ImportStatus.ANALYSING and progress.progress_of(imp)["stale"]
    if imp.status != ImportStatus.PREVIEW and not stale:
        return redirect("members:import", unit_code=scope.unit.code, import_id=imp.pk)
    preview = files.load_preview(imp)
    branch_ids = set(
        Unit.objects.within(scope.unit)
        .active()
        .filter(level=Level.BRANCH)
        .values_list("pk", flat=True)
    )
    headers, branches, places = dict(imp.headers), dict(imp.branch_choices), dict(imp.place_choices)
    for name, value in request.POST.dict().items():
        kind, _sep, key = name.partition(":")
        if kind == "header" and value in _FIELDS:
            headers[key] = value
        elif kind == "branch" and key in preview.get("unknown_branches", {}):
            if value.isdigit() and int(value) in branch_ids:
                branches[key] = int(value)
            elif value == NEW_BRANCH and key in preview.get("creatable", {}):
                branches[key] = NEW_BRANCH
            elif not value:
                branches.pop(key, None)
        elif kind == "place" and key in preview.get("ambiguous_places", {}):
            allowed = {code for code, _name in preview["ambiguous_places"][key][1]}
            if value in allowed:
                places[key] = value
    refs = {r["ref"] for r in preview.get("rows", []) if r["status"] == "duplicate"}
    added = set(imp.add_duplicates) - refs | {
        ref for ref in request.POST.getlist("add") if ref in refs
    }
    if "add_all" in request.POST:
        added |= refs
    imp.headers, imp.branch_choices, imp.place_choices = headers, branches, places
    imp.add_duplicates = sorted(added)
    jobs.import_reanalyse(imp=imp)
    return redirect("members:import", unit_code=scope.unit.code, import_id=imp.pk)


@require_POST
@gate(CHANGE_MEMBERS)
def import_replace(request: HttpRequest, scope: Scope, import_id: Any) -> HttpResponse:
    imp = access_import(scope, import_id)
    upload = request.FILES.get("file")
    if imp.status not in (ImportStatus.PREVIEW, ImportStatus.FAILED) or upload is None:
        messages.error(request, _("Choose the corrected file to upload."))
    else:
        try:
            # Checked before the file it replaces is let go.
            check_upload_size(upload, "sheet")
            jobs.import_replace_file(imp=imp, filename=upload.name or "", chunks=upload.chunks())
        except ValidationError as e:
            messages.error(request, e.messages[0])
        except UnreadableFile as e:
            messages.error(request, str(e))
    return redirect("members:import", unit_code=scope.unit.code, import_id=imp.pk)


@require_POST
@gate(CHANGE_MEMBERS)
def import_confirm(request: HttpRequest, scope: Scope, import_id: Any) -> HttpResponse:
    """Confirm a preview, or try again a write that failed or was interrupted. Only one attempt
    runs at a time: a second click while one runs changes nothing."""
    imp = access_import(scope, import_id)
    # The gate checked her role at the page's unit; the import's own unit is checked too (her
    # assignment may have changed since the preview). The worker checks it once more.
    if not jobs.may_import(scope.user, imp.unit):
        messages.error(request, _("You may no longer import members into %(unit)s.") % {
            "unit": imp.unit.union_name})  # fmt: skip
    else:
        jobs.import_confirm(imp=imp)
    return redirect("members:import", unit_code=scope.unit.code, import_id=imp.pk)


@require_POST
@gate(CHANGE_MEMBERS)
def import_cancel(request: HttpRequest, scope: Scope, import_id: Any) -> HttpResponse:
    imp = access_import(scope, import_id)
    jobs.import_cancel(imp=imp)
    return redirect("members:import", unit_code=scope.unit.code, import_id=imp.pk)


@gate(CHANGE_MEMBERS)
def import_errors(request: HttpRequest, scope: Scope, import_id: Any) -> HttpResponseBase:
    imp = access_import(scope, import_id)
    path = files.errors_path(imp)
    if not path.exists() or not imp.summary.get("error"):
        raise Http404("no errors")
    stem = imp.filename.rsplit(".", 1)[0]
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{stem}-loi.xlsx")
