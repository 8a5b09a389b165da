"""Writing a checked import: `members_import_write`, the one writer, used by the page's task and by
the `import_members` command.

The write is all or nothing without one long transaction (on SQLite a writer holds the whole
database, so no write may last more than a second or two): the new members are written in short
steps, marked as staged by the import and invisible to every reader (`members.models.visible_q`);
one short final step applies the updates and turns the import to done, which shows them all at
once. A failed or cancelled write deletes its staged rows; one whose worker died leaves them
invisible until the next attempt (or `sweep_staged`) deletes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils import timezone

from hoiso.core import audit
from hoiso.core.bulk import Writer, reserve_ids
from hoiso.core.busy import short_transaction
from hoiso.members.choices import NOT_RECORDED, EventKind, Religion, Status
from hoiso.members.counting import members_changed
from hoiso.members.history import Span, branch_spans, placement_rows
from hoiso.members.importing.memory import remember
from hoiso.members.importing.placing import Places
from hoiso.members.importing.plan import NEW, UPDATABLE, UPDATE, Plan, Row, name_keys
from hoiso.members.importing.progress import check_cancel, forget_cancel, report
from hoiso.members.models import (
    ImportStatus,
    Member,
    MemberEvent,
    MemberImport,
    NameToken,
    Placement,
)
from hoiso.units.models import Unit
from hoiso.units.services import unit_prepare_child, units_discard_prepared, units_open

# Members written per short transaction: about 0.05 s each on SQLite (with their ~3 name-index
# rows and an event), so that a login or an edit waits a fraction of a second at most.
STEP_ROWS = 1000


class Superseded(Exception):
    """Another attempt, or the cadre's cancel, owns the import now: this worker stops quietly."""


def hold(imp_id: Any, attempt: int, status: str = ImportStatus.WRITING) -> None:
    """Inside a transaction: go on only while the import is still at this attempt (its row is
    locked on PostgreSQL; on SQLite the IMMEDIATE transaction holds the database)."""
    mine = MemberImport.objects.select_for_update().filter(
        pk=imp_id, status=status, attempt=attempt
    )
    if not list(mine.values_list("pk", flat=True)):
        raise Superseded


def members_import_write(plan: Plan, *, imp: MemberImport, attempt: int) -> dict[str, int]:
    """Write a checked plan for the import's author (None: the command line's operator), as the
    import's `attempt`: what an earlier, interrupted attempt staged is deleted, the new members are
    staged in short steps, then one short step publishes them with the updates. Returns how many
    were added and updated; raises Superseded when a newer attempt owns the import, Cancelled when
    the cadre cancels (what it staged stays invisible: the caller discards it)."""
    discard_staged(imp.pk)
    prepare_branches(plan, imp=imp, attempt=attempt)
    added = stage(plan, actor=imp.user, imp=imp, attempt=attempt)
    return publish(plan, actor=imp.user, imp=imp, attempt=attempt, added=added)


def prepare_branches(plan: Plan, *, imp: MemberImport, attempt: int) -> None:
    """Make the branches the cadre chose to create, not yet open (invisible like the staged
    members, opened with them by `publish`), and place their rows in them."""
    if not plan.to_create:
        return
    assert plan.places is not None
    places = plan.places
    communes = {u.pk: u for u in places.communes.values()}

    def step() -> dict[str, Unit]:
        hold(imp.pk, attempt)
        made = {key: unit_prepare_child(parent=communes[commune_id], name=name)
                for key, (name, commune_id) in plan.to_create.items()}  # fmt: skip
        MemberImport.objects.filter(pk=imp.pk).update(
            created_branches=[u.pk for u in made.values()]
        )
        return made

    made = short_transaction(step)
    for unit in made.values():
        assert unit.parent_id is not None
        places.add_branch(unit.pk, unit.parent_id, unit.name, unit.path)
    for row in plan.rows:
        if row.status == NEW and row.new_branch:
            row.branch_id = made[row.new_branch].pk
    plan.created = list(made.values())


def stage(plan: Plan, *, actor: Any, imp: MemberImport, attempt: int) -> int:
    """Write the plan's new members in short transactions, each row marked as staged by the
    import (invisible to every reader until `publish`); returns how many."""
    new = [r for r in plan.rows if r.status == NEW]
    writer = NewMembers(plan, actor=actor, imp=imp)
    total = len(new) + plan.count(UPDATE)
    for start in range(0, len(new), STEP_ROWS):
        check_cancel(imp.pk)
        batch = new[start : start + STEP_ROWS]

        def step(batch: list[Row] = batch) -> None:
            hold(imp.pk, attempt)
            writer.write(batch)

        short_transaction(step)
        report(imp.pk, "writing", start + len(batch), total)
    return len(new)


def publish(
    plan: Plan, *, actor: Any, imp: MemberImport, attempt: int, added: int
) -> dict[str, int]:
    """The one short final step: apply the updates, remember the cadre's answers, and mark the
    import done, which makes its staged members visible all at once."""
    check_cancel(imp.pk)
    assert plan.places is not None
    province_id = plan.places.province.pk
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None

    def final() -> dict[str, int]:
        hold(imp.pk, attempt)
        _immediate_constraints()
        updated = _update(plan, actor_id, {"import": str(imp.pk)}, lambda: check_cancel(imp.pk))
        counts = {"added": added, "updated": updated}
        if plan.created:
            counts["branches"] = len(plan.created)
            units_open(actor=actor, units=plan.created, data={"import": str(imp.pk)})
        audit.log(actor, "members.imported", imp, unit=imp.unit,
                  data={"file": imp.filename, **counts})  # fmt: skip
        remember(imp)
        now = timezone.now()
        MemberImport.objects.filter(pk=imp.pk).update(
            status=ImportStatus.DONE, finished_at=now, updated_at=now, error="",
            summary={**plan.summary(), **counts},
        )  # fmt: skip
        members_changed(province_id)
        return counts

    counts = short_transaction(final)
    forget_cancel(imp.pk)
    report(imp.pk, "writing", 1, 1)
    return counts


def _staged_ids(imp_id: Any) -> list[int]:
    return list(
        Member._base_manager.filter(staged_by=imp_id)
        .order_by()
        .values_list("pk", flat=True)[:STEP_ROWS]
    )


def discard_staged(imp_id: Any) -> int:
    """Delete, in short steps, the members an unfinished import staged (no reader ever saw them)."""
    removed = 0

    def step() -> int:
        ids = _staged_ids(imp_id)
        NameToken._base_manager.filter(member_id__in=ids).delete()
        MemberEvent._base_manager.filter(member_id__in=ids).delete()
        Placement.objects.filter(member_id__in=ids).delete()
        Member._base_manager.filter(pk__in=ids).delete()
        return len(ids)

    while n := short_transaction(step):
        removed += n
    _discard_branches(imp_id)
    return removed


def _discard_branches(imp_id: Any) -> None:
    """The branches an unfinished write prepared (empty now, never opened) go with its members."""

    def step() -> None:
        ids = MemberImport.objects.filter(pk=imp_id).values_list("created_branches", flat=True)
        prepared = next(iter(ids), None)
        if prepared:
            units_discard_prepared(prepared)
            MemberImport.objects.filter(pk=imp_id).update(created_branches=[])

    short_transaction(step)


def unmark_staged(imp_id: Any) -> None:
    """After `publish`: clear the mark on the import's members, in short steps (they are visible
    either way; cleared, readers need not look the import up)."""

    def step() -> int:
        # The step's members as a subquery, not a list of a thousand ids: on PostgreSQL psycopg
        # parsed each such list of placeholders for longer than the update took.
        ids = Member._base_manager.filter(staged_by=imp_id).order_by("pk").values("pk")[:STEP_ROWS]
        Placement.objects.filter(member_id__in=ids).update(staged_by=None)
        return Member._base_manager.filter(pk__in=ids).update(staged_by=None)

    while short_transaction(step):
        pass


def sweep_staged() -> None:
    """Tidy what a worker that died left: staged rows of imports that are no longer being written
    are deleted (or, for a written import, unmarked). Cheap when there are none."""
    marked = (
        Member._base_manager.filter(staged_by__isnull=False)
        .order_by()
        .values_list("staged_by", flat=True)
        .distinct()
    )
    waiting = MemberImport.objects.exclude(status__in=[ImportStatus.DONE, ImportStatus.WRITING])
    prepared = waiting.exclude(created_branches=[]).values_list("pk", flat=True)
    for imp_id in {*marked, *prepared}:
        status = MemberImport.objects.filter(pk=imp_id).values_list("status", flat=True).first()
        if status == ImportStatus.DONE:
            unmark_staged(imp_id)
        elif status != ImportStatus.WRITING:  # its next attempt clears it before writing
            discard_staged(imp_id)


def _immediate_constraints() -> None:
    if connection.vendor == "postgresql":
        # Checked row by row as written: cheaper than PostgreSQL's queue of deferred checks run
        # at commit (members are written before the rows that point at them).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class NewMembers:
    """Writes new members with their name-index rows and admission events, batch by batch."""

    def __init__(self, plan: Plan, *, actor: Any, imp: MemberImport) -> None:
        assert plan.places is not None
        self.places: Places = plan.places
        self.today = timezone.localdate()
        self.paths = self.places.unit_paths_and_communes()
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        province_id = self.places.province.pk
        # What every new member, name-index row and admission event of this import shares.
        self.members = Writer(Member, fixed={
            "province_id": province_id, "status": Status.ACTIVE,
            # A list that does not say her ethnicity or religion records none, not a guess.
            "ethnicity": NOT_RECORDED, "religion": Religion.NOT_RECORDED,
            "staged_by_id": imp.pk,
        })  # fmt: skip
        self.tokens = Writer(
            NameToken, with_id=False, fixed={"active": True, "province_id": province_id}
        )
        self.events = Writer(MemberEvent, with_id=False, fixed={
            "kind": EventKind.ADMITTED, "actor_id": actor_id,
            "data": {"import": str(imp.pk)},
        })  # fmt: skip
        # Her placement from the day she became active, marked staged like her.
        self.placements = Writer(Placement, with_id=False)
        self.imp_id = imp.pk
        self.spans: dict[int, list[Span]] = {}

    def write(self, batch: list[Row]) -> None:
        """Call inside a transaction (ids are reserved in it)."""
        _immediate_constraints()
        rows = []
        token_rows = []
        event_rows = []
        placement_rows_: list[dict[str, Any]] = []
        wanted = {r.branch_id for r in batch if r.branch_id is not None} - set(self.spans)
        if wanted:
            self.spans.update(branch_spans(wanted))
        for r, pk in zip(batch, reserve_ids(Member, len(batch)), strict=True):
            assert r.branch_id is not None  # a row without a branch is an error, never new
            path, commune_id = self.paths[r.branch_id]
            folded, key, name_words, stored_words = name_keys(r.name)
            since = r.values.get("join_date") or self.today
            row = {k: r.values[k] for k in UPDATABLE if k in r.values}
            row.update(
                id=pk, kind=r.values["kind"], sex=r.values["sex"], name_folded=folded,
                sort_key=key, commune_id=commune_id, branch_id=r.branch_id, branch_path=path,
                status_since=since,
            )  # fmt: skip
            rows.append(row)
            stored = stored_words[:200]
            token_rows += [
                {"member_id": pk, "token": w[:40], "words": stored, "commune_id": commune_id}
                for w in name_words
            ]
            event_rows.append({"member_id": pk, "on": since, "branch_id": r.branch_id})
            placement_rows_ += placement_rows(
                member_id=pk, branch_id=r.branch_id, group_id=row.get("group_id"),
                spans=self.spans.get(r.branch_id) or [(path, since, None)], start=since,
                staged_by=self.imp_id,
            )  # fmt: skip
        self.members.write(rows)
        self.tokens.write(token_rows)
        self.events.write(event_rows)
        self.placements.write(placement_rows_)


def _update(
    plan: Plan, actor_id: int | None, source: dict[str, Any], on_batch: Callable[[], None]
) -> int:
    rows = [r for r in plan.rows if r.status == UPDATE and r.member_id]
    if not rows:
        return 0
    now = timezone.now()
    fields = [*UPDATABLE, "name_folded", "sort_key", "updated_at"]
    renamed = []
    objs = []
    for r in rows:
        member = Member(pk=r.member_id)
        merged = {**r.existing, **{k: new for k, (_old, new) in r.changes.items()}}
        for name in UPDATABLE:
            setattr(member, name, merged.get(name))
        if r.values.get("birth_date"):
            member.birth_year = r.values["birth_date"].year
        folded, key, _words, _stored = name_keys(member.full_name)
        member.name_folded, member.sort_key, member.updated_at = folded, key, now
        objs.append(member)
        if "full_name" in r.changes:
            renamed.append(r)
    for start in range(0, len(objs), 1000):
        on_batch()
        Member.objects.bulk_update(objs[start : start + 1000], fields)
    if renamed:
        ids = [r.member_id for r in renamed]
        NameToken.objects.filter(member_id__in=ids).delete()
        token_rows = []
        for r in renamed:
            folded, key, name_words, stored = name_keys(r.values["full_name"])
            token_rows += [
                {"member_id": r.member_id, "token": w[:40], "words": stored[:200], "active": True,
                 "commune_id": r.existing["commune_id"], "province_id": r.existing["province_id"]}
                for w in name_words
            ]  # fmt: skip
        Writer(NameToken, with_id=False).write(token_rows)
    Writer(MemberEvent, with_id=False).write(
        {"member_id": r.member_id, "kind": EventKind.UPDATED, "on": timezone.localdate(),
         "branch_id": r.existing["branch_id"], "actor_id": actor_id,
         "data": {**source, "fields": sorted(r.changes)}}
        for r in rows
    )  # fmt: skip
    return len(rows)
