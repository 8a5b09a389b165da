"""The shared cast (see STYLE.md): a province, two communes with branches, and their people.

Lan serves the province, Hoa is admin and cadre of commune A, Mai heads branch A1, Thu is admin
and cadre of commune B, Vy is a viewer of commune A.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import Role
from hoiso.units.models import Level, Unit
from hoiso.units.services import central_unit, unit_insert

PASSWORD = "Mat-khau-2026"


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    # Uploaded and written files (imports, exports, pictures) go to the test's own folder.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    # A fresh in-memory cache for each test (named after its tmp folder): nothing leaks between.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }
    # Argon2 is deliberately slow; tests hash many passwords and check none of its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Static files straight from the apps: a fresh clone has run no collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tasks run in the test process when their transaction commits.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@dataclass
class Cast:
    province: Unit
    commune_a: Unit
    commune_b: Unit
    branch_a1: Unit
    branch_a2: Unit
    group_a1: Unit
    branch_b1: Unit
    lan: User
    hoa: User
    mai: User
    thu: User
    vy: User

    def client(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


def make_unit(parent: Unit | None, level: Level, code: str, name: str) -> Unit:
    return unit_insert(parent=parent, level=level, code=code, name=name)


def make_user(username: str, full_name: str, phone: str, *roles: tuple[Unit, str]) -> User:
    user = User(username=username, full_name=full_name, phone=phone)
    user.set_password(PASSWORD)
    user.save()
    for unit, role in roles:
        Assignment.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def cast(db) -> Cast:  # type: ignore[no-untyped-def]
    province = make_unit(central_unit(), Level.PROVINCE, "66", "Tỉnh Đắk Lắk")
    a = make_unit(province, Level.COMMUNE, "24373", "Xã Ea Kar")
    b = make_unit(province, Level.COMMUNE, "24190", "Xã Krông Pắc")
    a1 = make_unit(a, Level.BRANCH, "24373-01", "Chi hội Thôn 1")
    a2 = make_unit(a, Level.BRANCH, "24373-02", "Chi hội Buôn Ea Sinh")
    g1 = make_unit(a1, Level.GROUP, "24373-01-1", "Tổ phụ nữ số 1")
    b1 = make_unit(b, Level.BRANCH, "24190-01", "Chi hội Thôn Tân Lập")
    return Cast(
        province=province,
        commune_a=a,
        commune_b=b,
        branch_a1=a1,
        branch_a2=a2,
        group_a1=g1,
        branch_b1=b1,
        lan=make_user(
            "lan",
            "Nguyễn Thị Lan",
            "0912000001",
            (province, Role.UNIT_ADMIN),
            (province, Role.CADRE),
        ),
        hoa=make_user("hoa", "Trần Thị Hoa", "0912000002", (a, Role.UNIT_ADMIN), (a, Role.CADRE)),
        mai=make_user("mai", "H'Mai Niê", "0912000003", (a1, Role.BRANCH_HEAD)),
        thu=make_user("thu", "Lê Thị Thu", "0912000004", (b, Role.UNIT_ADMIN), (b, Role.CADRE)),
        vy=make_user("vy", "Phạm Thị Vy", "0912000005", (a, Role.VIEWER)),
    )


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    """Debian's Chromium driven by Playwright (its own browser download is not reachable here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium):  # type: ignore[no-untyped-def]
    """A page the size of a small phone."""
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def log_in(page, base_url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def make_member(branch: Unit, full_name: str = "Nguyễn Thị Bình", **data):  # type: ignore[no-untyped-def]
    """A member admitted the normal way, with defaults that pass every rule."""
    import datetime as dt

    from hoiso.members.services import member_admit

    record = {"full_name": full_name, "birth_date": dt.date(1985, 3, 5),
              "join_date": dt.date(2010, 1, 1), **data}  # fmt: skip
    return member_admit(actor=None, branch=branch, data=record, allow_duplicates=True)
