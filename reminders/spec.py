"""What `POST /api/admin/reminders` accepts, checked field by field with messages in Chinese:
nothing is stored unless every field is right."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from voting.clock import FIRST_YEAR, LAST_YEAR, china, parse_china_iso
from voting.errors import ApiError
from voting.meetings import Meeting
from voting.spec import MAX_SECRETARIES

from .audience import AUDIENCES
from .config import MAX_TEXT, ReminderConfig


@dataclass(frozen=True)
class ReminderSpec:
    text: str
    audience: str | dict
    at: float                  # the first occurrence as asked (unix seconds)
    every_s: int | None
    max_times: int
    urgent: bool


def _whole(value, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            (isinstance(value, float) and not (math.isfinite(value) and value.is_integer())):
        raise ApiError(400, f"{what}须为整数")
    return int(value)


def parse_time(value, now: float, config: ReminderConfig) -> float:
    """ISO 8601; without an offset it is China time (UTC+8). Not in the past, not beyond the horizon."""
    if value is None or value == "":
        return now
    if not isinstance(value, str) or len(value) > 40:
        raise ApiError(400, "提醒时间（at）须为 ISO 8601 时间，如 2026-12-18T09:00:00+08:00")
    at = parse_china_iso(value)
    if at is None:
        raise ApiError(400, f"提醒时间（at）须为 {FIRST_YEAR}–{LAST_YEAR} 年间的 ISO 8601 时间，如 2026-12-18T09:00:00+08:00"
                            "（不带时区即北京时间）")
    ts = at.timestamp()
    if ts < now - config.past_grace:
        raise ApiError(400, f"提醒时间已过（{china(ts):%Y-%m-%d %H:%M}，北京时间），请选择将来的时间")
    if ts > now + config.horizon:
        raise ApiError(400, f"提醒时间太远（最多提前 {config.horizon // 86400} 天设置）")
    return max(ts, now)


def parse_audience(value, meeting: Meeting):
    if isinstance(value, str) and value in AUDIENCES:
        return value
    if isinstance(value, dict) and set(value) == {"secretaries"}:
        sids = value["secretaries"]
        if not isinstance(sids, list) or not all(isinstance(s, str) for s in sids):
            raise ApiError(400, "audience.secretaries 须为书记编号的列表，如 [\"s1\", \"s3\"]")
        if not sids:
            raise ApiError(400, "提醒对象为空：请至少选择一位述职书记")
        if len(sids) > MAX_SECRETARIES:
            raise ApiError(400, f"提醒对象过多（最多 {MAX_SECRETARIES} 位）")
        for sid in sids:
            if sid not in meeting.names:
                raise ApiError(404, f"本次会议没有这位述职书记（{sid[:20]}）")
        return {"secretaries": list(dict.fromkeys(sids))}
    raise ApiError(400, "audience 须为 \"secretaries\"、\"no_report\"、\"no_rectification\" "
                        "或 {\"secretaries\": [书记编号…]}")


def parse_reminder(body: dict, meeting: Meeting, config: ReminderConfig, now: float | None = None) -> ReminderSpec:
    now = time.time() if now is None else now
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "缺少提醒内容（text）")
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise ApiError(400, f"提醒内容过长（最多 {MAX_TEXT} 字，现有 {len(text)} 字）")
    audience = parse_audience(body.get("audience"), meeting)
    at = parse_time(body.get("at"), now, config)
    every = _whole(body.get("every_s"), "重复间隔（every_s，秒）")
    times = _whole(body.get("max_times"), "最多次数（max_times）")
    if every is not None:
        if times is None:
            raise ApiError(400, "重复提醒须指定最多提醒次数（max_times）")
        if not config.min_every <= every <= config.max_every:
            raise ApiError(400, f"重复间隔须在 {config.min_every} 秒到 {config.max_every // 86400} 天之间")
    if times is not None:
        if not 1 <= times <= config.max_times:
            raise ApiError(400, f"最多提醒次数须为 1 到 {config.max_times} 次")
        if times > 1 and every is None:
            raise ApiError(400, "提醒多次须指定重复间隔（every_s，秒）")
    urgent = body.get("urgent", False)
    if not isinstance(urgent, bool):
        raise ApiError(400, "紧急提醒（urgent）须为 true 或 false")
    return ReminderSpec(text=text, audience=audience, at=at, every_s=every, max_times=times or 1, urgent=urgent)
