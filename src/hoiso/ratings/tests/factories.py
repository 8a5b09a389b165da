"""Schemes built through the services, as a province cadre would set them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hoiso.ratings import services
from hoiso.ratings.models import Criterion, Kind, Mapping, Scheme
from hoiso.units.models import Level, Unit

D = Decimal


def make_scheme(unit: Unit, year: int = 2025, level: int = Level.COMMUNE, **data: Any) -> Scheme:
    fields = {
        "year": year,
        "level": level,
        "title": f"Xếp loại cơ sở Hội năm {year}",
        "excellent_from": D(90),
        "good_from": D(70),
        "fair_from": D(50),
        "excellent_floor": D(50),
        **data,
    }
    return services.scheme_create(actor=None, unit=unit, data=fields)


def manual(scheme: Scheme, title: str, points: int | str) -> Criterion:
    return services.criterion_save(
        actor=None,
        scheme=scheme,
        data={"title": title, "max_points": D(points), "kind": Kind.MANUAL},
    )


def computed(
    scheme: Scheme,
    title: str,
    points: int | str,
    metric: str,
    *,
    steps: list[list[str]] | None = None,
    target: str | None = None,
) -> Criterion:
    mapping = Mapping.PROPORTIONAL if target is not None else Mapping.STEPS
    return services.criterion_save(
        actor=None,
        scheme=scheme,
        data={
            "title": title,
            "max_points": D(points),
            "kind": Kind.COMPUTED,
            "metric": metric,
            "mapping": mapping,
            "steps": steps or [],
            "target": D(target) if target else None,
        },
    )


def standard(unit: Unit, year: int = 2025) -> Scheme:
    """100 points: 60 by hand in two criteria, 40 computed from new members (steps) and from
    activities (proportional)."""
    scheme = make_scheme(unit, year)
    manual(scheme, "Thực hiện chủ đề năm", 30)
    manual(scheme, "Công tác tuyên truyền, vận động", 30)
    computed(
        scheme,
        "Phát triển hội viên mới",
        20,
        "members.new",
        steps=[["4", "20"], ["2", "10"], ["1", "5"]],
    )
    computed(scheme, "Hoạt động trong năm", 20, "activities.all", target="10")
    return scheme
