"""Counting members: one entry point for every member write, and the counts it keeps true.

Members are counted three ways, each kept true by `members_changed(province_id)`, which every
service that writes members calls inside its transaction:
- the metrics' cached values, keyed on the province's "members" data version
  (`hoiso.metrics.versions`);
- the per-unit, per-month tally (`tally`), read by the member metrics only while no change has
  been marked since it was rebuilt;
- the active-member counts per unit (`stats`, MemberStat), shown with the time they were taken,
  recounted with the tally in the background once the write commits.
"""

from __future__ import annotations

from django.db import transaction

from hoiso.members.counting.stats import queue_recount
from hoiso.members.counting.tally import mark_changed
from hoiso.metrics.versions import bump


def members_changed(province_id: int) -> None:
    """Everything a write of the province's members requires; call it inside the write's transaction.

    Every service that writes members (admit, update, move, transfer, remove, restore, erase, the
    import, a member's own correction, her login) calls this and nothing else: the three ways
    members are counted each learn of the change here, so none can be forgotten.
    """
    # Metric values cached for targets are keyed on this version (see hoiso.metrics.versions).
    bump("members", province_id)
    # The per-month tally is read only while this count has not moved since it was rebuilt.
    mark_changed(province_id)
    # The recount (MemberStat and the tally) once the transaction commits; several changes share one.
    transaction.on_commit(lambda: queue_recount(province_id))
