"""Bình, a member of branch A1 with every sensitive field filled, shared by the page and API tests."""

import pytest

from hoiso.conftest import Cast, make_member
from hoiso.members.choices import Religion
from hoiso.members.models import Member

CID = "066185000123"


@pytest.fixture
def binh(cast: Cast) -> Member:
    return make_member(
        cast.branch_a1,
        "Nguyễn Thị Bình",
        citizen_id=CID,
        ethnicity=12,
        religion=Religion.PROTESTANTISM,
        phone="0987654321",
        card_number="DL0001",
    )
