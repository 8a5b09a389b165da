"""The member record's fixed lists: ethnic groups, religions, education, and the rest."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    REGULAR = "regular", _("Regular member")
    HONORARY = "honorary", _("Honorary member")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    REMOVED = "removed", _("Removed")
    DECEASED = "deceased", _("Deceased")


class RemovalReason(models.TextChoices):
    MOVED_AWAY = "moved_away", _("Moved away")
    MARRIED_AWAY = "married_away", _("Married away")
    DECEASED = "deceased", _("Deceased")
    LEFT = "left", _("Left the union")
    OTHER = "other", _("Other")


# The 54 ethnic groups under the codes of the General Statistics Office's list (Decision
# 121-TCTK/PPCĐ of 1979, the codes every census since has kept), in the spellings its censuses use
# today (Mông, not the old H'Mông; Cờ Lao; Khơ mú). The codes are what is stored: never renumber.
# Other spellings and old names are mapped to these on import (`members/official.py`).
# Names are proper nouns, written the same in both languages.
ETHNIC_GROUPS = [
    "Kinh", "Tày", "Thái", "Hoa", "Khmer", "Mường", "Nùng", "Mông", "Dao", "Gia Rai", "Ngái",
    "Ê Đê", "Ba Na", "Xơ Đăng", "Sán Chay", "Cơ Ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra Glai",
    "Xtiêng", "Bru Vân Kiều", "Thổ", "Giáy", "Cơ Tu", "Giẻ Triêng", "Mạ", "Khơ mú", "Co", "Tà Ôi",
    "Chơ Ro", "Kháng", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ",
    "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cờ Lao", "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu",
    "Ơ Đu", "Rơ Măm",
]  # fmt: skip
KINH = 1
FOREIGN = 55
NOT_RECORDED = 0  # also what an erased record keeps
ETHNICITY_CHOICES = [
    *((i, name) for i, name in enumerate(ETHNIC_GROUPS, start=1)),
    (FOREIGN, _("Foreign")),
    (NOT_RECORDED, _("Not recorded")),
]


class Religion(models.IntegerChoices):
    """The religions the State recognises (the Government Committee for Religious Affairs lists
    16), under their official names in Vietnamese; the codes are stored, never renumbered."""

    NONE = 0, _("None")
    BUDDHISM = 1, _("Buddhism")
    CATHOLICISM = 2, _("Catholicism")
    PROTESTANTISM = 3, _("Protestantism")
    CAO_DAI = 4, _("Cao Đài")
    HOA_HAO = 5, _("Hòa Hảo Buddhism")
    ISLAM = 6, _("Islam")
    BRAHMANISM = 7, _("Brahmanism")
    BAHAI = 10, _("Bahá'í Faith")
    PURE_LAND_LAY = 11, _("Pure Land Lay Buddhist Association of Vietnam")
    ADVENTIST = 12, _("Seventh-day Adventist Church")
    TU_AN_HIEU_NGHIA = 13, _("Tứ Ân Hiếu Nghĩa Buddhism")
    MINH_SU = 14, _("Minh Sư Đạo")
    MINH_LY = 15, _("Minh Lý Đạo - Tam Tông Miếu")
    LATTER_DAY_SAINTS = 16, _("Latter-day Saints (Mormon)")
    HIEU_NGHIA_TA_LON = 17, _("Hiếu Nghĩa Tà Lơn Buddhism")
    BUU_SON_KY_HUONG = 18, _("Bửu Sơn Kỳ Hương")
    OTHER = 9, _("Other")
    NOT_RECORDED = 99, _("Not recorded")


class Education(models.IntegerChoices):
    NONE = 0, _("No schooling")
    PRIMARY = 1, _("Primary school")
    LOWER_SECONDARY = 2, _("Lower secondary school")
    UPPER_SECONDARY = 3, _("Upper secondary school")
    VOCATIONAL = 4, _("Vocational training")
    COLLEGE = 5, _("College")
    UNIVERSITY = 6, _("University")
    POSTGRADUATE = 7, _("Postgraduate")


class DigitalSkill(models.IntegerChoices):
    NONE = 0, _("None")
    BASIC = 1, _("Basic")
    CONFIDENT = 2, _("Confident")


class Household(models.TextChoices):
    ORDINARY = "", _("Ordinary household")
    POOR = "poor", _("Poor household")
    NEAR_POOR = "near_poor", _("Near-poor household")
    MODEL = "model", _("“5 không 3 sạch” household")


class ConsentMethod(models.TextChoices):
    PAPER = "paper", _("Signed paper form")
    ONLINE = "online", _("Online, by the member")
    WITNESSED = "witnessed", _("Spoken, witnessed by a cadre")


class ConsentPurpose(models.TextChoices):
    MEMBERSHIP = "membership", _("Managing membership")
    CONTACT = "contact", _("Contacting her about union activities")
    STATISTICS = "statistics", _("Statistics and reports")
    SUPPORT = "support", _("Support programmes (loans, training)")


class EventKind(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    UPDATED = "updated", _("Record updated")
    TRANSFER_REQUESTED = "transfer_requested", _("Transfer requested")
    TRANSFER_REFUSED = "transfer_refused", _("Transfer refused")
    TRANSFER_CANCELLED = "transfer_cancelled", _("Transfer cancelled")
    TRANSFERRED = "transferred", _("Transferred")
    MOVED = "moved", _("Moved to another branch")
    REMOVED = "removed", _("Removed")
    RESTORED = "restored", _("Restored")
    DELETION_REQUESTED = "deletion_requested", _("Asked for her data to be deleted")
    SELF_UPDATED = "self_updated", _("Corrected her contact details")
    ERASED = "erased", _("Personal data erased at her request")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", pgettext_lazy("transfer", "Refused")
    CANCELLED = "cancelled", _("Cancelled")
