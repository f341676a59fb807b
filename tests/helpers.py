"""Talking to the service as its users do: the organizer with the admin token, attendees with voter tokens."""
from __future__ import annotations

import asyncio
import base64
import itertools
import json
import socket
import time
import uuid

ADMIN_TOKEN = "test-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SECRETARIES = [{"name": "张三", "org": "第一党支部", "method": "现场述职"},
               {"name": "李四", "org": "第二党支部", "method": "现场述职"},
               {"name": "王五", "org": "第三党支部", "method": "书面述职"}]
_ids = itertools.count(1)


def free_port() -> int:
    """A port nobody listens on now, for a service or a server the test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ballot_id() -> str:
    return uuid.uuid4().hex


def voter_key(token: str) -> str:
    """The voter a voter token stands for (its signed body's `v`)."""
    body = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))["v"]


def voter(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class Api:
    def __init__(self, client):
        self.client = client

    async def call(self, method: str, path: str, status: int = 200, headers=None, **kwargs):
        resp = await self.client.request(method, path, headers=headers, **kwargs)
        body = await resp.json()
        assert resp.status == status, (resp.status, body)
        return body

    async def admin(self, method: str, path: str, status: int = 200, **kwargs):
        return await self.call(method, path, status, headers=ADMIN, **kwargs)

    async def create_meeting(self, status: int = 201, **spec) -> dict:
        spec.setdefault("title", f"测试会议 {next(_ids)}")
        spec.setdefault("mode", "batch")
        spec.setdefault("secretaries", SECRETARIES)
        return await self.admin("POST", "/api/admin/meetings", status, json=spec)

    async def open(self, mid: str, sid: str | None = None, status: int = 200) -> dict:
        return await self.admin("POST", f"/api/admin/meetings/{mid}/open", status,
                                json={"secretary": sid} if sid else None)

    async def close(self, mid: str, sid: str | None = None, status: int = 200) -> dict:
        return await self.admin("POST", f"/api/admin/meetings/{mid}/close", status,
                                json={"secretary": sid} if sid else None)

    async def join(self, meeting: dict, code: str | None = None, status: int = 200, **extra) -> str:
        body = await self.call("POST", f"/api/meetings/{meeting['id']}/join", status,
                               json={"code": meeting["join_code"] if code is None else code, **extra})
        return body.get("token", body.get("error"))

    async def cast(self, mid: str, token: str, sid: str, score, status: int = 200, bid: str | None = None,
                   **comments) -> dict:
        return await self.call("POST", f"/api/meetings/{mid}/ballots", status, headers=voter(token),
                               json={"ballot_id": bid or ballot_id(), "secretary": sid, "score": score, **comments})

    async def results(self, mid: str) -> dict:
        body = await self.admin("GET", f"/api/admin/meetings/{mid}/results")
        return {s["id"]: s for s in body["secretaries"]}


class Events:
    """Server-Sent Events read off a live response."""

    def __init__(self, resp):
        self.resp = resp

    async def next(self, timeout: float = 3.0) -> tuple[str, dict]:
        name, data = "message", ""
        async with asyncio.timeout(timeout):
            while True:
                line = (await self.resp.content.readline()).decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data += line[6:]
                elif line == "" and data:
                    return name, json.loads(data)

    async def until(self, predicate, timeout: float = 3.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            name, data = await self.next(max(0.01, deadline - time.monotonic()))
            if name == "state" and predicate(data):
                return data


async def stream(client, mid: str, query: str = "") -> Events:
    resp = await client.get(f"/api/meetings/{mid}/live{query}")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/event-stream")
    return Events(resp)
