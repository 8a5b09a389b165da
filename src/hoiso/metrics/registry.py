"""The metric registry: what a target can measure, for every unit of a level at once.

A metric's `compute(root, level, period)` returns a value for every unit of `level` in `root`'s
subtree that was open at some time during the period, in a small fixed number of set-based queries
(see `hoiso.metrics.grouping`). Dates are local dates (Asia/Ho_Chi_Minh).

Each app registers its own metrics from `<app>/metrics.py`, imported in its AppConfig.ready(),
and says which data areas they read (`reads`); targets and reports look metrics up by code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django_stubs_ext import StrOrPromise

from hoiso.metrics.periods import Period
from hoiso.units.models import Unit

# The agreed interface names the level's type `str`, the unit tree stores it as an int (`Level`):
# a compute function may annotate either, and the helpers in `grouping` accept `Level.COMMUNE`, 3, "3" or
# "commune" alike (see `level_value`). The dashboard passes the int.
Compute = Callable[[Unit, Any, Period], dict[int, float | None]]
F = TypeVar("F", bound=Compute)


# Which way a metric's value is better: a target compares "at least" for the first, "at most" for
# the second (communes without a computer: fewer is better).
HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True)
class Metric:
    code: str
    label: StrOrPromise
    unit: str  # "count" | "percent"
    compute: Compute
    better: str = HIGHER  # HIGHER | LOWER
    # The data areas the values depend on (see `hoiso.metrics.versions`): the values are cached
    # while none of them changes. A metric that reads nothing declared is never cached.
    reads: tuple[str, ...] = ()


REGISTRY: dict[str, Metric] = {}


def register(
    code: str,
    label: StrOrPromise,
    unit: str = "count",
    better: str = HIGHER,
    reads: tuple[str, ...] = (),
) -> Callable[[F], F]:
    """Add a metric to the registry under `code`, saying which way its value is better and which
    data areas it reads (`("members",)`: its cached values last until members change).

    Declare every area the values depend on, or none: a metric that declares none is computed
    afresh on every read, which is right for cheap ones and for those reading data no service
    bumps (cadres' assignments, equipment).
    """
    if better not in (HIGHER, LOWER):
        raise ValueError(f"metric {code!r}: better must be {HIGHER!r} or {LOWER!r}")
    if isinstance(reads, str) or not all(isinstance(a, str) and a for a in reads):
        raise ValueError(f"metric {code!r}: reads must be a tuple of area names")

    def decorator(fn: F) -> F:
        if code in REGISTRY and REGISTRY[code].compute is not fn:
            raise ValueError(f"metric {code!r} is registered twice")
        REGISTRY[code] = Metric(
            code=code, label=label, unit=unit, compute=fn, better=better, reads=tuple(reads)
        )
        return fn

    return decorator


def metric_choices() -> list[tuple[str, str]]:
    return sorted(((m.code, str(m.label)) for m in REGISTRY.values()), key=lambda c: c[1])
