"""The documents' deadlines, offered in the console as suggestions (the organizer edits and confirms them):

- 000 §四: 述职报告 "于2019年12月20日下班前报送组织部" (the next 20 December, 17:00);
- 002 §四.2(2): 党支部书记述职评议考核结果和问题整改清单（附件3）"于2024年1月22日前" (the next 22 January);
- 004 §五(二): "述职报告要在述职评议会召开前一周报…审核把关" (a week before the meeting's date, asked for).

A suggestion reminds those who have not submitted at 09:00 China time on each of the last few days up to the
deadline (daily, at most four times), starting later when the deadline is near.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from voting.clock import CHINA, china

DAYS_BEFORE = 3
HOUR = 9

PRESETS = [
    {"code": "000-report", "cite": "000 §四", "label": "述职报告：12月20日下班前报送组织部",
     "audience": "no_report", "month_day": (12, 20), "deadline_hour": 17,
     "text": "请于12月20日下班前将述职报告纸质版（加盖公章，经主管领导审阅签字）报送组织部，电子版发送至组织部邮箱。"},
    {"code": "002-rectification", "cite": "002 §四.2(2)", "label": "评议考核结果和问题整改清单（附件3）：1月22日前",
     "audience": "no_rectification", "month_day": (1, 22), "deadline_hour": 0,
     "text": "请于1月22日前将党支部书记述职评议考核结果和问题整改清单（附件3）发送至党委组织部邮箱。"},
    {"code": "004-report", "cite": "004 §五(二)", "label": "述职报告：述职评议会召开前一周报送审核",
     "audience": "no_report", "before_meeting_days": 7, "deadline_hour": 0,
     "text": "述职报告须在述职评议会召开前一周报送组织部审核把关，请尽快提交。"},
]


def _next(month_day: tuple[int, int], hour: int, now: float) -> datetime:
    today = china(now)
    for year in (today.year, today.year + 1):
        deadline = datetime(year, *month_day, hour, tzinfo=CHINA)
        if deadline.timestamp() > now:
            return deadline
    raise AssertionError("unreachable")


def suggest(deadline: datetime, now: float) -> dict:
    """{deadline, at, every_s, max_times}: 09:00 on each of the last DAYS_BEFORE days and the deadline's day
    (when 09:00 falls before the deadline), never in the past; None when the deadline has passed."""
    if deadline.timestamp() <= now:
        return {}
    day = deadline.date() - timedelta(days=DAYS_BEFORE)
    times = []
    while day <= deadline.date():
        at = datetime(day.year, day.month, day.day, HOUR, tzinfo=CHINA)
        if now + 60 < at.timestamp() < deadline.timestamp():
            times.append(at)
        day += timedelta(days=1)
    first = times[0] if times else china(now + 300).replace(microsecond=0)
    return {"deadline": deadline.isoformat(), "at": first.isoformat(), "every_s": 86400 if len(times) > 1 else None,
            "max_times": max(1, len(times))}


def presets(now: float, meeting_date: date | None = None) -> list[dict]:
    out = []
    for p in PRESETS:
        item = {k: p[k] for k in ("code", "cite", "label", "audience", "text")}
        if "month_day" in p:
            item.update(suggest(_next(p["month_day"], p["deadline_hour"], now), now))
        elif meeting_date is not None:
            due = meeting_date - timedelta(days=p["before_meeting_days"])
            item.update(suggest(datetime(due.year, due.month, due.day, tzinfo=CHINA), now))
            item["needs"] = "" if "at" in item else "会议日期距今不足一周，该期限已过"
        else:
            item["needs"] = "meeting_date"
        out.append(item)
    return out
