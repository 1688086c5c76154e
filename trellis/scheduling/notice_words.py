"""What a schedule notice tells the patient, in the portal's words (``ScheduleNotice.words``):
"Relapse prevention moved from Mon 14 Dec 17:00 to Tue 15 Dec 18:00, in Group B."."""

from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import FIRST_SCHEDULE, NoticeKind, ScheduleNotice


def notice_words(notice: ScheduleNotice) -> str:
    """What changed, as the portal says it: "Relapse prevention moved from Mon 14 Dec 17:00
    to Tue 15 Dec 18:00, in Group B."."""

    def day(value: datetime.date | None) -> str:
        return date_format(value, "D j M") if value is not None else ""

    def hour(value: datetime.time | None) -> str:
        return f"{value:%H:%M}" if value is not None else ""

    values = {
        "t": notice.title,
        "b": f"{day(notice.before_date)} {hour(notice.before_start)}",
        "a": f"{day(notice.after_date)} {hour(notice.after_start)}",
        "day": day(notice.after_date),
        "now": hour(notice.after_start),
        "was": hour(notice.before_start),
        "room": notice.room,
        "old_room": notice.before_room,
        "phone": notice.site.phone if notice.site_id and notice.site.phone else "",
    }
    kind = NoticeKind(notice.kind)
    if kind == NoticeKind.MOVED:
        same_day = notice.before_date == notice.after_date
        new_room = notice.room and notice.room != notice.before_room
        if same_day and notice.before_start == notice.after_start:
            text = (
                _("%(t)s on %(a)s is now in %(room)s (was %(old_room)s).")
                if notice.room
                else _("%(t)s on %(a)s is no longer in %(old_room)s; ask your site where.")
            )
        elif new_room:
            text = _("%(t)s moved from %(b)s to %(a)s, in %(room)s.")
        elif same_day:
            text = _("%(t)s on %(day)s now starts at %(now)s (was %(was)s).")
        else:
            text = _("%(t)s moved from %(b)s to %(a)s.")
    elif kind == NoticeKind.CANCELLED:
        text = (
            _("%(t)s on %(b)s is cancelled. To rebook, call your site: %(phone)s.")
            if values["phone"]
            else _("%(t)s on %(b)s is cancelled. To rebook, call your site.")
        )
    elif kind == NoticeKind.ADDED:
        text = (
            _("%(t)s booked for you on %(a)s, in %(room)s.")
            if notice.room
            else _("%(t)s booked for you on %(a)s.")
        )
    elif kind == NoticeKind.REMOVED:
        text = _("You are no longer booked in %(t)s on %(b)s.")
    elif notice.title == FIRST_SCHEDULE:
        text = _("Your weekly schedule starts on %(day)s.")
    elif notice.added or notice.removed:
        opening = str(_("Your weekly schedule changes from %(day)s:")) % values
        return f"{opening} {_counted(notice)}"
    else:
        text = _("Your weekly schedule changes from %(day)s.")
    return str(text) % values


def _counted(notice: ScheduleNotice) -> str:
    """ "that week, 2 bookings are new or at another time or room and 3 are no longer
    booked." (either part alone when the other is none)."""
    n_new, n_gone = {"n": notice.added}, {"n": notice.removed}
    new = ngettext(
        "%(n)d booking is new or at another time or room",
        "%(n)d bookings are new or at another time or room",
        notice.added,
    )
    if notice.added and notice.removed:
        gone = ngettext("%(n)d is no longer booked", "%(n)d are no longer booked", notice.removed)
        return _("that week, %(new)s and %(gone)s.") % {"new": new % n_new, "gone": gone % n_gone}
    if notice.added:
        return _("that week, %(new)s.") % {"new": new % n_new}
    gone = ngettext(
        "%(n)d booking is no longer booked", "%(n)d bookings are no longer booked", notice.removed
    )
    return _("that week, %(gone)s.") % {"gone": gone % n_gone}
