"""The fixed lists of activities, training and equipment."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("Branch meeting")
    COMMUNICATION = "communication", _("Communication")
    DIGITAL_SKILLS = "digital_skills", _("Digital skills")
    LEGAL = "legal", _("Legal education")
    ECONOMIC = "economic", _("Economic support")
    CONTEST = "contest", _("Contest")
    OTHER = "other", _("Other")


class Topic(models.TextChoices):
    MEMBER_SOFTWARE = "member_software", _("Member software")
    CYBER_LAW = "cyber_law", _("The law in cyberspace")
    DIGITAL_SKILLS = "digital_skills", _("Digital skills")
    UNION_WORK = "union_work", _("Union work")
    OTHER = "other", _("Other")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class Result(models.IntegerChoices):
    NOT_ASSESSED = 0, _("Not assessed")
    NOT_PASSED = 1, _("Not yet proficient")
    PASSED = 2, _("Proficient")
    GOOD = 3, _("Good")
    EXCELLENT = 4, _("Excellent")


# A result at or above this one means she uses what the course taught proficiently.
PROFICIENT = Result.PASSED


class EquipmentKind(models.TextChoices):
    DESKTOP = "desktop", _("Desktop computer")
    LAPTOP = "laptop", _("Laptop")
    PRINTER = "printer", _("Printer")
    PROJECTOR = "projector", _("Projector")
    TABLET = "tablet", _("Tablet or smartphone")
    INTERNET = "internet", _("Internet connection")


COMPUTER_KINDS = (EquipmentKind.DESKTOP, EquipmentKind.LAPTOP)


class EquipmentState(models.TextChoices):
    WORKING = "working", _("Working")
    NEEDS_REPAIR = "repair", _("Needs repair")
    BROKEN = "broken", _("Broken")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved, to be delivered")
    REFUSED = "refused", pgettext_lazy("equipment request", "Refused")
    DELIVERED = "delivered", _("Delivered")


class RequestStep(models.TextChoices):
    SENT = "sent", _("Sent")
    FORWARDED = "forwarded", _("Forwarded up")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", pgettext_lazy("equipment request", "Refused")
    DELIVERED = "delivered", _("Delivered")
