"""docs/openapi.yaml (the mini-program's API, OpenAPI 3.1) against the running service: every documented
operation exists, every answer the service gives to documented and to wrong requests has a documented status
and validates against its schema, and every attendee route of the service is documented."""
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from voting.app import create_app

from .helpers import Api, ballot_id, voter

SPEC = yaml.safe_load((Path(__file__).parent.parent / "docs" / "openapi.yaml").read_text(encoding="utf-8"))
REGISTRY = Registry().with_resource("urn:spec", Resource.from_contents(SPEC, default_specification=DRAFT202012))
UNDOCUMENTED = {"/api/meetings/{id}/live"}         # the projector's event stream, not the mini-program's


def check(method: str, template: str, status: int, body) -> None:
    operation = SPEC["paths"][template][method.lower()]
    assert str(status) in operation["responses"], (method, template, status, body)
    response = operation["responses"][str(status)]
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = response["content"]["application/json"]["schema"]
    Draft202012Validator({"$ref": "urn:spec#" + schema["$ref"][1:]}, registry=REGISTRY).validate(body)


@pytest.fixture
def calls(api):
    async def call(method: str, template: str, mid: str, token: str | None = None, **kwargs):
        resp = await api.client.request(method, template.replace("{id}", mid),
                                        headers=voter(token) if token else None, **kwargs)
        body = await resp.json()
        check(method, template, resp.status, body)
        return resp.status, body
    return call


async def test_every_documented_operation_answers_as_documented(api, calls):
    m = await api.create_meeting(mode="batch")
    mid = m["id"]
    await api.open(mid)
    example = SPEC["paths"]["/api/meetings/{id}/join"]["post"]["requestBody"]["content"]["application/json"]
    assert (await calls("POST", "/api/meetings/{id}/join", mid, json={"code": "12€"}))[0] == 400
    assert (await calls("POST", "/api/meetings/{id}/join", "nosuchmeeting", json={"code": "123456"}))[0] == 404
    status, joined = await calls("POST", "/api/meetings/{id}/join", mid,
                                 json={**example["examples"]["h5"]["value"], "code": m["join_code"]})
    token = joined["token"]
    assert (await calls("GET", "/api/meetings/{id}", mid))[1]["secretaries"][0]["status"] == "open"
    assert (await calls("GET", "/api/meetings/{id}", "nosuchmeeting"))[0] == 404
    assert (await calls("GET", "/api/meetings/{id}/ballots", mid, token))[1]["ballots"] == []
    assert (await calls("GET", "/api/meetings/{id}/ballots", mid, "forged.token"))[0] == 401
    ballot = {**SPEC["paths"]["/api/meetings/{id}/ballots"]["post"]["requestBody"]["content"]["application/json"]
              ["examples"]["score"]["value"], "ballot_id": ballot_id()}
    assert (await calls("POST", "/api/meetings/{id}/ballots", mid, token, json=ballot))[1]["status"] == "stored"
    assert (await calls("POST", "/api/meetings/{id}/ballots", mid, token, json=ballot))[1]["status"] == "duplicate"
    for bad in ({**ballot, "score": 11}, {**ballot, "secretary": "s99", "ballot_id": ballot_id()}, {}):
        assert (await calls("POST", "/api/meetings/{id}/ballots", mid, token, json=bad))[0] in (400, 404)
    await api.close(mid)
    status, body = await calls("POST", "/api/meetings/{id}/ballots", mid, token, json={**ballot, "ballot_id": ballot_id()})
    assert status == 409
    assert (await calls("GET", "/api/meetings/{id}/ballots", mid, token))[1]["ballots"][0]["score"] == 9


async def test_the_mini_program_login_is_documented(aiohttp_client, wechat_settings, wechat_standin):
    api = Api(await aiohttp_client(create_app(wechat_settings)))
    m = await api.create_meeting()
    resp = await api.client.post(f"/api/meetings/{m['id']}/join", json={
        "wx_code": wechat_standin.mini_program_code("oMini"), "code": m["join_code"], "group": "党员代表"})
    check("POST", "/api/meetings/{id}/join", resp.status, await resp.json())
    assert resp.status == 200
    resp = await api.client.post(f"/api/meetings/{m['id']}/join", json={"wx_code": "used-or-made-up"})
    check("POST", "/api/meetings/{id}/join", resp.status, await resp.json())


def test_every_attendee_route_is_documented(client):
    routes = {(r.method.lower(), r.resource.canonical) for r in client.app.router.routes()
              if r.resource.canonical.startswith("/api/meetings/") and r.method in ("GET", "POST")}
    documented = {(method, path) for path, ops in SPEC["paths"].items() for method in ops}
    assert {r for r in routes if r[1] not in UNDOCUMENTED} == documented
