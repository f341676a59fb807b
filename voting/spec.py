"""What an organizer may ask for when creating a meeting, checked field by field with messages in Chinese."""
from __future__ import annotations

from dataclasses import dataclass, field

import scoring

from .errors import ApiError

# 004 §三: 上述 (the secretaries below report and are assessed: 附件1) and 下评 (the secretary above reports
# and is assessed by them: 附件2, other columns); the two results combine 70/30 (scoring.combine_directions).
DIRECTIONS = {"上述": "上述（下级党组织书记述职，本级评议）", "下评": "下评（本级党组织书记报告，下级评议）"}
MODES = {"sequential": "一述一评（逐一开启）", "batch": "集中测评（全部同时开启）"}
ELIGIBILITY = {"open": "凭现场加入码", "roster": "凭个人邀请码"}
# 001 第五条, 004 §五(三): 班子成员 and 两代表一委员, 党员代表 and 群众代表 attend and assess.
VOTER_GROUPS = ("班子成员", "两代表一委员", "党员代表", "群众代表")
UNGROUPED = "未分组"
DEFAULT_METHOD = "现场述职"
# 000 §二, 001 第五条: 现场述职 and 书面述职; 004 §五(三): "线上和线下相结合或书面述职". What sheets write instead:
METHODS = ("现场述职", "书面述职", "线上述职")
METHOD_ALIASES = {
    "现场": "现场述职", "现场述职": "现场述职", "会议述职": "现场述职", "当面述职": "现场述职", "线下": "现场述职",
    "线下述职": "现场述职",
    "书面": "书面述职", "书面述职": "书面述职", "书面报告": "书面述职",
    "线上": "线上述职", "线上述职": "线上述职", "视频": "线上述职", "视频述职": "线上述职", "网络": "线上述职",
    "网络述职": "线上述职", "远程": "线上述职", "远程述职": "线上述职", "视频会议": "线上述职",
}
# Longest texts accepted, in characters; the importer checks the same limits row by row.
TITLE_MAX, NAME_MAX, ORG_MAX, METHOD_MAX, GROUP_MAX = 100, 50, 100, 20, 20
MAX_SECRETARIES = 500
MAX_ROSTER = 5000


@dataclass
class SecretarySpec:
    name: str
    org: str = ""
    method: str = DEFAULT_METHOD


@dataclass
class MeetingSpec:
    title: str
    mode: str = "sequential"
    eligibility: str = "open"
    preset: str = scoring.DEFAULT_PRESET
    direction: str = "上述"                                   # 004 §三: 上述 or 下评 (its own ballot form)
    secretaries: list[SecretarySpec] = field(default_factory=list)
    roster: list[str] = field(default_factory=list)          # one voter_group per invited attendee
    voter_groups: list[str] = field(default_factory=lambda: list(VOTER_GROUPS))
    expected: int = 0                                         # attendees expected (turnout "已投 87/120")
    warnings: list[str] = field(default_factory=list)         # what was read differently from what was sent


def _text(value, what: str, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ApiError(400, f"{what}须为文字")
    text = " ".join(str(value).split())
    if required and not text:
        raise ApiError(400, f"缺少{what}")
    if len(text) > limit:
        raise ApiError(400, f"{what}过长（最多 {limit} 个字）")
    return text


def normalize_method(value: str) -> str | None:
    """The 述职方式 a sheet or request wrote, as one of METHODS ("视频" is 线上述职); None when unknown."""
    text = "".join(value.split()).replace("（", "(").replace("）", ")")
    return METHOD_ALIASES.get(text) or (text if text in METHODS else None)


def method_renamed(written: str, method: str) -> bool:
    """Worth telling the organizer: "视频" recorded as 线上述职, not "现场" as 现场述职."""
    text = "".join(written.split())
    return bool(text) and method not in (text, text + "述职")


def method_error(where: str, value: str) -> ApiError:
    return ApiError(400, f"{where}的述职方式「{value}」无法识别（可填：{'、'.join(METHODS)}；视频、网络按线上述职）")


def bad_group_chars(group: str) -> bool:
    """'|' and ':' separate the parts of tally and ballot fields (keys.py)."""
    return "|" in group or ":" in group


def _group(value, where: str) -> str:
    group = _text(value, f"{where}的类别", GROUP_MAX, required=True)
    if bad_group_chars(group):
        raise ApiError(400, f"{where}的类别不能包含“|”或“:”")
    return group


def parse_secretary(item, n: int) -> SecretarySpec:
    where = f"第 {n} 位述职书记"
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, dict):
        raise ApiError(400, f"{where}须为对象 {{name, org, method}}")
    written = _text(item.get("method"), f"{where}的述职方式", METHOD_MAX) or DEFAULT_METHOD
    method = normalize_method(written)
    if method is None:
        raise method_error(where, written)
    return SecretarySpec(name=_text(item.get("name"), f"{where}的姓名（name）", NAME_MAX, required=True),
                         org=_text(item.get("org"), f"{where}的党组织名称（org）", ORG_MAX), method=method)


def parse_meeting(data: dict) -> MeetingSpec:
    spec = MeetingSpec(title=_text(data.get("title"), "会议名称（title）", TITLE_MAX, required=True))
    spec.mode = data.get("mode") or "sequential"
    if spec.mode not in MODES:
        raise ApiError(400, "测评方式（mode）须为 sequential（一述一评）或 batch（集中测评）")
    spec.eligibility = data.get("eligibility") or ("roster" if data.get("roster") else "open")
    if spec.eligibility not in ELIGIBILITY:
        raise ApiError(400, "参会方式（eligibility）须为 open（凭现场加入码）或 roster（凭个人邀请码）")
    spec.preset = data.get("preset") or scoring.DEFAULT_PRESET
    if spec.preset not in scoring.PRESETS:
        raise ApiError(400, f"未知的评定规则 preset「{spec.preset}」，可选：{'、'.join(scoring.PRESETS)}")
    spec.direction = data.get("direction") or "上述"
    if spec.direction not in DIRECTIONS:
        raise ApiError(400, "述职方向（direction）须为“上述”（下级书记述职、本级评议）或“下评”（本级书记报告、下级评议）")

    items = data.get("secretaries")
    if not isinstance(items, list) or not items:
        raise ApiError(400, "缺少述职书记名单（secretaries）")
    if len(items) > MAX_SECRETARIES:
        raise ApiError(400, f"述职书记最多 {MAX_SECRETARIES} 位")
    seen: dict[tuple[str, str], int] = {}
    mapped: dict[tuple[str, str], list[int]] = {}
    for n, item in enumerate(items, 1):
        sec = parse_secretary(item, n)
        written = item.get("method") if isinstance(item, dict) else None
        if isinstance(written, str) and method_renamed(written, sec.method):
            mapped.setdefault((written.strip(), sec.method), []).append(n)
        if (sec.name, sec.org) in seen:
            raise ApiError(400, f"第 {n} 位述职书记与第 {seen[sec.name, sec.org]} 位重复：{sec.name} {sec.org}".strip())
        seen[sec.name, sec.org] = n
        spec.secretaries.append(sec)

    spec.warnings = [f"述职方式「{w}」按「{m}」记录（第 {'、'.join(map(str, ns))} 位）" for (w, m), ns in mapped.items()]

    groups = data.get("voter_groups")
    if groups is not None:
        if not isinstance(groups, list) or len(groups) > 20:
            raise ApiError(400, "参会人员类别（voter_groups）须为类别名称的列表（最多 20 个）")
        spec.voter_groups = list(dict.fromkeys(_group(g, "参会人员类别（voter_groups）") for g in groups))

    roster = data.get("roster") or []
    if not isinstance(roster, list):
        raise ApiError(400, "参会人员名单（roster）须为列表 [{group}]")
    if len(roster) > MAX_ROSTER:
        raise ApiError(400, f"参会人员最多 {MAX_ROSTER} 人")
    for n, person in enumerate(roster, 1):
        group = person.get("group") if isinstance(person, dict) else person
        spec.roster.append(_group(group, f"第 {n} 位参会人员"))
    if spec.eligibility == "roster":
        if not spec.roster:
            raise ApiError(400, "凭邀请码投票的会议须提供参会人员名单（roster）")
        spec.voter_groups = list(dict.fromkeys(spec.roster))

    expected = data.get("expected", len(spec.roster))
    if not isinstance(expected, int) or isinstance(expected, bool) or not 0 <= expected <= 100000:
        raise ApiError(400, "应到人数（expected）须为 0 到 100000 的整数")
    spec.expected = expected or len(spec.roster)
    return spec
