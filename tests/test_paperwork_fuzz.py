"""Random requests at every paperwork and assessment route (the lead's tests/test_fuzz.py, aimed at these routes
with their own fields, multipart uploads, personal links and meeting pairs): never a 5xx, never a traceback."""
import json
import re

import pytest
from aiohttp import ClientSession
from hypothesis import strategies as st

from voting.app import create_app
from .helpers import ADMIN_TOKEN
from .paperwork_support import docx_bytes, PASSES
from .fuzz_support import CONTENT_TYPES, json_values, never_5xx, served_without_crashes, texts

MINE = re.compile(r"paper|reports|composite|assessment")
FIELDS = ["text", "action", "problem_0", "measure_0", "deadline_0", "done_0", "problem_7", "department", "filler",
          "time_place", "attendees", "audience", "levels", "kind", "note", "open", "units", "ranking", "up", "down",
          "pairs", "require_both", "daily", "daily_grade", "field", "findings", "survey", "s1", "s2"]
json_objects = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), json_values, max_size=6)
FILES = [b"", b"%PDF-1.4", b"PK\x03\x04broken", b"\xd0\xcf\x11\xe0", "一、履职主要情况\n二、存在的问题".encode("gbk"),
         docx_bytes(PASSES), b"\x00" * 100]


def multipart(fields: list[tuple[str, str]], file: tuple[str, bytes] | None) -> tuple[bytes, bytes]:
    boundary = b"fuzzboundary"
    parts = [b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"" + k.encode("utf-8", "surrogatepass")
             + b"\"\r\n\r\n" + v.encode("utf-8", "surrogatepass") + b"\r\n" for k, v in fields]
    if file is not None:
        parts.append(b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                     + file[0].encode("utf-8", "surrogatepass") + b"\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                     + file[1] + b"\r\n")
    return b"".join(parts) + b"--" + boundary + b"--\r\n", b"multipart/form-data; boundary=" + boundary


@st.composite
def requests(draw, routes, ids, sids, queries):
    method, template = draw(st.sampled_from(routes))
    path = template.replace("{id}", draw(st.sampled_from(ids))).replace("{sid}", draw(st.sampled_from(sids)))
    query = draw(st.sampled_from(queries))
    kind = draw(st.sampled_from(["json", "json", "multipart", "multipart", "form", "bytes", "empty"]))
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    if kind == "json":
        body = json.dumps(draw(json_objects), ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    elif kind == "multipart":
        fields = draw(st.lists(st.tuples(st.sampled_from(FIELDS), texts), max_size=6))
        file = (draw(st.sampled_from(["报告.docx", "报告.txt", "a.pdf", "", "../../etc/passwd", "x.docx\x00.txt"])),
                draw(st.sampled_from(FILES) | st.binary(max_size=200))) if draw(st.booleans()) else None
        body, content_type = multipart(fields, file)
        if draw(st.integers(0, 5)) == 0:
            body = body[:draw(st.integers(0, len(body)))]          # cut short
    elif kind == "form":
        pairs = draw(st.lists(st.tuples(st.sampled_from(FIELDS), texts), max_size=8))
        body = "&".join(f"{k}={v}" for k, v in pairs).encode("utf-8", "surrogatepass")
    elif kind == "bytes":
        body = draw(st.binary(max_size=300))
    else:
        body = b""
    headers = [(b"Content-Type", content_type)]
    auth = draw(st.sampled_from([None, b"Bearer " + ADMIN_TOKEN.encode(), b"Bearer " + ADMIN_TOKEN.encode(), b"Bearer x"]))
    if auth:
        headers.append((b"Authorization", auth))
    return method, path.encode() + query, headers, body


@pytest.fixture
def server(settings, redis_sync, caplog):
    with served_without_crashes(create_app(settings), caplog) as srv:
        yield srv


def test_random_requests_to_the_paperwork_routes_never_get_a_5xx(server, redis_sync):
    routes = sorted({(r.method, r.resource.canonical) for r in server.app.router.routes()
                     if r.method in ("GET", "POST") and MINE.search(r.resource.canonical)})
    assert len(routes) >= 20
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    async def prepare():
        async with ClientSession(f"http://127.0.0.1:{server.port}") as http:
            ids = []
            for preset in ("bjie-2023", "xiangxi-2018", "shanghaimiao-2022"):
                spec = {"title": "模糊测试", "mode": "batch", "preset": preset,
                        "secretaries": [{"name": "张三", "org": "第一党支部"}, {"name": "李四"}]}
                async with http.post("/api/admin/meetings", json=spec, headers=admin) as r:
                    ids.append((await r.json())["id"])
            async with http.get(f"/api/admin/meetings/{ids[0]}/paperwork", headers=admin) as r:
                link = (await r.json())["secretaries"][0]["link"]
            async with http.post(f"/api/admin/meetings/{ids[0]}/paperwork/rectification", json={"open": True},
                                 headers=admin) as r:
                assert r.status == 200
            async with http.post(f"/api/admin/meetings/{ids[0]}/paperwork/publish", json={"audience": "public"},
                                 headers=admin) as r:
                key = (await r.json())["published"]["url"].split("k=")[1]
            return ids, link.split("?")[1], key

    ids, token, key = server.call(prepare())
    queries = [b"", b"?t=x.y", b"?k=" + key.encode(), b"?k=%E4%B8%AD", f"?up={ids[2]}&down={ids[0]}".encode(),
               f"?up={ids[0]}&down={ids[2]}".encode(), b"?up=x&down=y", b"?" + token.encode()]
    seen = never_5xx(server, redis_sync, requests(routes, ids + ["nosuchmeeting", "%00"],
                                                  ["s1", "s2", "s9", "..", "%E5%BC%A0"], queries), 500)
    assert {200, 303, 400, 403, 404, 409} <= set(seen), sorted(set(seen))     # past the checks, into the stores
