"""Secret ballot (docs/design.md §3): nothing stored links a person's token or invite code to a score."""
import base64
import json

from .helpers import ADMIN

STREAM_FIELDS = {"sid", "group", "score", "prev", "problems", "suggestions"}


def everything_stored(r) -> tuple[str, list[dict]]:
    """Every key and value in Redis as one text, plus the ballot stream entries."""
    parts, entries = [], []
    for key in r.scan_iter(count=1000):
        parts.append(key)
        kind = r.type(key)
        if kind == "string":
            parts.append(r.get(key))
        elif kind == "hash":
            parts.extend(f"{f}={v}" for f, v in r.hgetall(key).items())
        elif kind == "set":
            parts.extend(r.smembers(key))
        elif kind == "zset":
            parts.extend(r.zrange(key, 0, -1))
        elif kind == "list":
            parts.extend(r.lrange(key, 0, -1))
        elif kind == "stream":
            for _, fields in r.xrange(key):
                entries.append(fields)
                parts.extend(f"{f}={v}" for f, v in fields.items())
    return "\n".join(parts), entries


def voter_key(token: str) -> str:
    body = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))["v"]


async def test_no_token_or_invite_code_is_stored_and_the_log_names_nobody(client, api, redis_sync):
    roster = [{"group": "党员代表"}] * 4 + [{"group": "群众代表"}] * 2
    open_m = await api.create_meeting()
    roster_m = await api.create_meeting(eligibility="roster", roster=roster)
    tokens, codes = [], [i["code"] for i in roster_m["invites"]]
    for m, joins in ((open_m, [None] * 5), (roster_m, codes)):
        await api.open(m["id"])
        for n, code in enumerate(joins):
            token = await api.join(m, code)
            tokens.append(token)
            await api.cast(m["id"], token, "s1", 3 + n, problems=f"意见{n}")
            await api.cast(m["id"], token, "s2", 9)

    text, entries = everything_stored(redis_sync)
    for token in tokens:
        assert token not in text
        assert token.split(".")[1] not in text          # not even the signature
    for code in codes:
        assert code not in text
    assert entries and all(set(e) == STREAM_FIELDS for e in entries)
    # what the stream does hold: every ballot (5 open + 6 roster attendees on s1), but not who cast it
    assert len([e for e in entries if e["sid"] == "s1"]) == 11

    # the organizer sees turnout per group and results, never a voter key
    keys = {voter_key(t) for t in tokens}
    for m in (open_m, roster_m):
        for path in ("", "/results", "/audit"):
            resp = await client.get(f"/api/admin/meetings/{m['id']}{path}", headers=ADMIN)
            body = await resp.text()
            assert resp.status == 200 and not any(k in body for k in keys)


async def test_finalize_forgets_who_voted_and_keeps_the_anonymous_ballots(client, api, redis_sync):
    """docs/design.md §3: after finalize not even an operator with Redis access can link a person to a score."""
    m = await api.create_meeting(eligibility="roster", roster=[{"group": "党员代表"}] * 3)
    codes = [i["code"] for i in m["invites"]]
    await api.open(m["id"])
    tokens = [await api.join(m, code) for code in codes]
    for n, token in enumerate(tokens):
        await api.cast(m["id"], token, "s1", 8 + n, problems=f"问题{n}")
    before = await api.results(m["id"])
    body = await api.admin("POST", f"/api/admin/meetings/{m['id']}/finalize", 409)
    assert "请先结束" in body["error"]
    await api.close(m["id"])
    assert (await api.admin("POST", f"/api/admin/meetings/{m['id']}/finalize"))["comments"] == 3

    text, _ = everything_stored(redis_sync)
    secret_gone = redis_sync.hget(f"{{m:{m['id']}}}:meta", "secret") is None
    assert secret_gone and not any(voter_key(t) in text for t in tokens)
    assert await api.results(m["id"]) == before
    resp = await client.get(f"/api/admin/meetings/{m['id']}/export.xlsx", headers=ADMIN)
    assert resp.status == 200
    import io

    import openpyxl
    sheet = openpyxl.load_workbook(io.BytesIO(await resp.read()))["意见建议（匿名）"]
    kept = {c for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert {"问题0", "问题1", "问题2"} <= kept

    assert "已经结束" in (await api.cast(m["id"], tokens[0], "s1", 1, status=409))["error"]
    assert "已经结束" in await api.join(m, codes[0], status=409)
    assert "已归档" in (await api.open(m["id"], status=409))["error"]
    detail = await api.admin("GET", f"/api/admin/meetings/{m['id']}")
    assert detail["finalized"] is True and detail["invites"] == []
    assert detail["state"]["voted"] == 3                                     # turnout survives,
    assert detail["state"]["turnout"] == {}          # but 3 党员代表 are fewer than the threshold: not broken out
