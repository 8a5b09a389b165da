"""Meetings as iCalendar (RFC 5545) files: one meeting, or a person's feed that a calendar app
subscribes to. Times carry Vietnam's zone (TZID=Asia/Ho_Chi_Minh, its VTIMEZONE included), so
that every calendar shows them at the hour the organiser set."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

from hoiso.documents.models import Meeting

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def join_url(meeting: Meeting) -> str:
    """Hội Số's join link: it records her attendance, then opens the video link."""
    return f"{settings.SITE_URL}/calendar/{meeting.pk}/join/"


def _event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@hoiso")
    event.add("dtstamp", meeting.created_at)
    event.add("dtstart", meeting.starts_at.astimezone(LOCAL))
    event.add("dtend", meeting.ends_at.astimezone(LOCAL))
    event.add("summary", meeting.title)
    event.add("organizer", f"{settings.SITE_URL}/calendar/", parameters={"CN": meeting.unit.name})
    link = join_url(meeting)
    event.add("location", link)
    event.add("url", link)
    agenda = f"{meeting.agenda}\n\n" if meeting.agenda else ""
    event.add("description", f"{meeting.unit.name}\n\n{agenda}Tham gia: {link}")
    return event


def calendar_file(meetings: Iterable[Meeting], name: str) -> bytes:
    """The meetings as one .ics file named `name` in the calendar app."""
    cal = Calendar()
    cal.add("prodid", "-//Hoi So//Hop truc tuyen//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for meeting in meetings:
        cal.add_component(_event(meeting))
    cal.add_missing_timezones()
    return cal.to_ical()
