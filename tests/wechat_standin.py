"""A local stand-in for WeChat's servers, following the official API documentation closely enough that the real
wechatpy client works against it (the service reaches it through WECHAT_API_BASE and WECHAT_OAUTH_BASE).

Endpoints (paths as documented): GET /cgi-bin/token; POST /cgi-bin/qrcode/create; GET /connect/oauth2/authorize
(the OAuth page: redirects to redirect_uri?code=...&state=...); GET /sns/oauth2/access_token; GET
/sns/jscode2session; GET /cgi-bin/user/info; POST /cgi-bin/message/custom/send and /cgi-bin/message/template/send.
Calls that take an access_token check it: 41001 missing, 40001 unknown, 42001 expired. Answers are JSON with
errcode/errmsg.

UnionID, as documented: sns/oauth2/access_token returns `unionid` only for scope snsapi_userinfo (网页授权), never
for snsapi_base; jscode2session returns it when the mini-program is bound to an open platform; cgi-bin/user/info
(获取用户基本信息, UnionID机制) returns it for a follower (subscribe 1) when the account is bound to one, and for a
non-follower only {subscribe: 0, openid} ("拉取不到其余信息"). A person's unionid here is the one given to
`use_phone`, `oauth_code` or `mini_program_code` (None: not bound to an open platform).

Test controls (endpoint names are paths without the leading "/" and "cgi-bin/": "token", "qrcode/create",
"message/custom/send", "message/template/send", "sns/oauth2/access_token", "sns/jscode2session", "user/info",
"connect/oauth2/authorize"):
  fail(endpoint, *errcodes)   the next calls answer these errcodes, one each, in order
  fail_always(endpoint, code) every call answers code (None: stop)
  delay(endpoint, seconds)    answer that much later (None as endpoint: every endpoint)
  expire_token()              the current access_token answers 42001 from now on
  use_phone(openid, unionid)  who the "phone" is when it opens the OAuth page (a follower of the account)
  unfollow(openid)            that person no longer follows the account (user/info answers subscribe 0)
  oauth_code(openid), mini_program_code(openid): a code as WeChat would hand to our page / wx.login
  add_template(id, thing1="thing", ...): a 类目模板 whose fields are checked (47003) like WeChat's
  calls[endpoint], requests: what was asked; delivered, delivered_to(openid): messages WeChat accepted (a
  template's field names and values: `Delivery.body["data"]`)
  env(): the WECHAT_* settings of a service pointed at this stand-in
"""
from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

# errmsg texts as WeChat writes them (全局返回码)
ERRMSG = {
    -1: "system error", 40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type", 40003: "invalid openid", 40008: "invalid message type", 40013: "invalid appid",
    40029: "invalid code", 40037: "invalid template_id", 40097: "invalid args", 40125: "invalid appsecret",
    40163: "code been used", 41001: "access_token missing", 42001: "access_token expired",
    43004: "require subscribe", 43101: "user refuse to accept the msg",
    44004: "empty content", 45008: "article size out of limit", 45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit", 45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit", 47001: "data format error", 40164: "invalid ip, not in whitelist",
}
TOKEN_TTL = 7200
CODE_TTL = 300                # OAuth and wx.login codes live 5 minutes and are used once
MAX_QR_SECONDS = 2592000
OPENID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"   # 43 characters, as an EncodingAESKey is


@dataclass(frozen=True)
class Delivery:
    to: str
    kind: str          # "text", "news" or "template"
    text: str          # the text, the article's title, or the template data's values joined by " | "
    body: dict         # the JSON WeChat received


def _error(code: int, request: web.Request | None = None) -> web.Response:
    message = ERRMSG.get(code, "error")
    if code == 40164 and request is not None:      # WeChat names the address it saw
        message = f"invalid ip {request.remote} ipv6 ::ffff:{request.remote}, not in whitelist rid: standin"
    return web.json_response({"errcode": code, "errmsg": message})


def _with_unionid(entry: dict, answer: dict) -> web.Response:
    """unionid only when the app is bound to an open-platform account, as WeChat does."""
    if entry["unionid"]:
        answer["unionid"] = entry["unionid"]
    return web.json_response(answer)


class WeChatStandIn:
    def __init__(self, appid: str = "wxstandin0000001", secret: str = "standin-secret",
                 mp_appid: str = "wxstandinminiapp", mp_secret: str = "standin-mp-secret",
                 token: str = "standintoken", aes_key: str = AES_KEY):
        self.appid, self.secret, self.mp_appid, self.mp_secret = appid, secret, mp_appid, mp_secret
        self.token, self.aes_key = token, aes_key
        self.base_url = ""                              # set by the fixture once it listens
        self.calls: Counter[str] = Counter()
        self.requests: list[tuple[str, dict]] = []      # (endpoint, query parameters)
        self.delivered: list[Delivery] = []
        self.template_ids = {"TPL-feedback", "TPL-reminder"}       # templates without field rules (keyword1..3)
        self.templates: dict[str, dict[str, str]] = {}             # template id -> {field name: type}
        self.qrcodes: dict[str, dict] = {}              # url -> {ticket, scene, expires_at}
        self.phone_openid, self.phone_unionid = "o-phone-0001", None
        self._tokens: dict[str, float] = {}             # access_token -> expires (unix seconds)
        self._current: str | None = None
        self._codes: dict[str, dict] = {}               # code -> {openid, unionid, kind, scope, expires, used}
        self.followers: dict[str, str | None] = {}      # the official account's followers: openid -> unionid
        self._forced: dict[str, deque[int]] = defaultdict(deque)
        self._always: dict[str, int] = {}
        self._delay: dict[str | None, float] = {}
        self.app = web.Application(middlewares=[self._control])
        self.app.router.add_get("/cgi-bin/token", self.get_token)
        self.app.router.add_post("/cgi-bin/qrcode/create", self.qrcode_create)
        self.app.router.add_get("/connect/oauth2/authorize", self.authorize)
        self.app.router.add_get("/sns/oauth2/access_token", self.oauth_access_token)
        self.app.router.add_get("/sns/jscode2session", self.jscode2session)
        self.app.router.add_get("/cgi-bin/user/info", self.user_info)
        self.app.router.add_post("/cgi-bin/message/custom/send", self.custom_send)
        self.app.router.add_post("/cgi-bin/message/template/send", self.template_send)

    # --- controls ------------------------------------------------------------------------------------------------

    def fail(self, endpoint: str, *errcodes: int) -> None:
        self._forced[endpoint].extend(errcodes)

    def fail_always(self, endpoint: str, errcode: int | None) -> None:
        if errcode is None:
            self._always.pop(endpoint, None)
        else:
            self._always[endpoint] = errcode

    def delay(self, endpoint: str | None, seconds: float | None) -> None:
        if seconds is None:
            self._delay.pop(endpoint, None)
        else:
            self._delay[endpoint] = seconds

    def expire_token(self) -> None:
        if self._current:
            self._tokens[self._current] = 0

    def use_phone(self, openid: str, unionid: str | None = None) -> None:
        self.phone_openid, self.phone_unionid = openid, unionid
        self.followers[openid] = unionid

    def unfollow(self, openid: str) -> None:
        self.followers.pop(openid, None)

    def oauth_code(self, openid: str, unionid: str | None = None, scope: str = "snsapi_base") -> str:
        self.followers.setdefault(openid, unionid)
        return self._new_code("oauth", openid, unionid, scope)

    def mini_program_code(self, openid: str, unionid: str | None = None) -> str:
        return self._new_code("mini", openid, unionid)

    def add_template(self, template_id: str, **fields: str) -> None:
        """A template of the 类目模板库: its fields by name and type, e.g. thing1="thing", time2="time". A send
        must fill each field, and a `thing` takes 20 characters at most, without newlines (else 47003)."""
        self.template_ids.add(template_id)
        self.templates[template_id] = fields

    def delivered_to(self, openid: str) -> list[Delivery]:
        return [d for d in self.delivered if d.to == openid]

    def env(self, **overrides: str) -> dict[str, str]:
        env = {"WECHAT_TOKEN": self.token, "WECHAT_AES_KEY": self.aes_key, "WECHAT_APPID": self.appid,
               "WECHAT_SECRET": self.secret, "WECHAT_MP_APPID": self.mp_appid, "WECHAT_MP_SECRET": self.mp_secret,
               "WECHAT_API_BASE": self.base_url, "WECHAT_OAUTH_BASE": self.base_url}
        env.update(overrides)
        return {k: v for k, v in env.items() if v}

    # --- plumbing ------------------------------------------------------------------------------------------------

    def _new_code(self, kind: str, openid: str, unionid: str | None, scope: str = "") -> str:
        code = secrets.token_hex(16)
        self._codes[code] = {"kind": kind, "openid": openid, "unionid": unionid, "scope": scope,
                             "expires": time.time() + CODE_TTL, "used": False}
        return code

    @web.middleware
    async def _control(self, request: web.Request, handler):
        endpoint = request.path.lstrip("/").removeprefix("cgi-bin/")
        self.calls[endpoint] += 1
        self.requests.append((endpoint, dict(request.query)))
        wait = self._delay.get(endpoint, self._delay.get(None))
        if wait:
            await asyncio.sleep(wait)
        if self._forced[endpoint]:
            return _error(self._forced[endpoint].popleft(), request)
        if endpoint in self._always:
            return _error(self._always[endpoint], request)
        return await handler(request)

    def _token_error(self, request: web.Request) -> web.Response | None:
        token = request.query.get("access_token")
        if not token:
            return _error(41001)
        if token not in self._tokens:
            return _error(40001)
        if self._tokens[token] <= time.time():
            return _error(42001)
        return None

    async def _json(self, request: web.Request) -> dict | None:
        try:
            data = json.loads(await request.read())
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def _grant(self, request: web.Request, kind: str, appid: str, secret: str, code_param: str):
        """An authorization_code exchange: the code's entry, or WeChat's error answer."""
        q = request.query
        if q.get("appid") != appid:
            return _error(40013)
        if q.get("secret") != secret:
            return _error(40125)
        if q.get("grant_type") != "authorization_code":
            return _error(40002)
        entry = self._codes.get(q.get(code_param, ""))
        if not entry or entry["kind"] != kind or entry["expires"] < time.time():
            return _error(40029)
        if entry["used"]:
            return _error(40163)
        entry["used"] = True
        return entry

    async def _message(self, request: web.Request) -> dict | web.Response:
        """The JSON body of a send to a valid openid with a valid token, or WeChat's error answer."""
        if error := self._token_error(request):
            return error
        data = await self._json(request)
        if data is None:
            return _error(47001)
        to = data.get("touser")
        if not isinstance(to, str) or not OPENID.match(to):
            return _error(40003)
        return data

    # --- endpoints -----------------------------------------------------------------------------------------------

    async def get_token(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("grant_type") != "client_credential":
            return _error(40002)
        if q.get("appid") != self.appid:
            return _error(40013)
        if q.get("secret") != self.secret:
            return _error(40125)
        self._current = "ACCESS_TOKEN_" + secrets.token_urlsafe(24)
        self._tokens[self._current] = time.time() + TOKEN_TTL
        return web.json_response({"access_token": self._current, "expires_in": TOKEN_TTL})

    async def qrcode_create(self, request: web.Request) -> web.Response:
        if error := self._token_error(request):
            return error
        data = await self._json(request)
        if data is None:
            return _error(47001)
        action, scene = data.get("action_name"), (data.get("action_info") or {}).get("scene") or {}
        if action in ("QR_STR_SCENE", "QR_LIMIT_STR_SCENE"):
            value = scene.get("scene_str")
            if not isinstance(value, str) or not 1 <= len(value) <= 64:
                return _error(40097)
        elif action in ("QR_SCENE", "QR_LIMIT_SCENE"):
            value = scene.get("scene_id")
            if not isinstance(value, int) or value <= 0:
                return _error(40097)
        else:
            return _error(40097)
        seconds = data.get("expire_seconds", 30)
        if not isinstance(seconds, int) or seconds <= 0:
            return _error(40097)
        seconds = min(seconds, MAX_QR_SECONDS)
        ticket = secrets.token_urlsafe(48)
        url = "http://weixin.qq.com/q/" + secrets.token_urlsafe(16)
        self.qrcodes[url] = {"ticket": ticket, "scene": value, "expires_at": time.time() + seconds}
        answer = {"ticket": ticket, "url": url}
        if "LIMIT" not in action:
            answer["expire_seconds"] = seconds
        return web.json_response(answer)

    async def authorize(self, request: web.Request) -> web.Response:
        """The page WeChat shows inside its browser: with snsapi_base it redirects at once, no tap."""
        q = request.query
        if q.get("appid") != self.appid or not q.get("redirect_uri") or q.get("response_type") != "code" \
                or q.get("scope") not in ("snsapi_base", "snsapi_userinfo"):
            return web.Response(status=400, text="Oops! Something went wrong:(  (bad authorize parameters)")
        code = self.oauth_code(request.cookies.get("standin_openid") or self.phone_openid, self.phone_unionid,
                               q["scope"])
        target = q["redirect_uri"]
        params = {"code": code, **({"state": q["state"]} if "state" in q else {})}
        raise web.HTTPFound(target + ("&" if "?" in target else "?") + urlencode(params))

    async def oauth_access_token(self, request: web.Request) -> web.Response:
        entry = self._grant(request, "oauth", self.appid, self.secret, "code")
        if isinstance(entry, web.Response):
            return entry
        answer = {"access_token": "OAUTH_" + secrets.token_urlsafe(24), "expires_in": 7200,
                  "refresh_token": "REFRESH_" + secrets.token_urlsafe(24), "openid": entry["openid"],
                  "scope": entry["scope"]}
        if entry["scope"] != "snsapi_userinfo":          # "unionid …只有在scope为snsapi_userinfo时返回"
            return web.json_response(answer)
        return _with_unionid(entry, answer)

    async def jscode2session(self, request: web.Request) -> web.Response:
        entry = self._grant(request, "mini", self.mp_appid, self.mp_secret, "js_code")
        if isinstance(entry, web.Response):
            return entry
        return _with_unionid(entry, {"openid": entry["openid"], "session_key": secrets.token_urlsafe(16)})

    async def user_info(self, request: web.Request) -> web.Response:
        """获取用户基本信息 (UnionID机制): a non-follower gets subscribe 0 and nothing else."""
        if error := self._token_error(request):
            return error
        openid = request.query.get("openid", "")
        if not OPENID.match(openid):
            return _error(40003)
        if openid not in self.followers:
            return web.json_response({"subscribe": 0, "openid": openid})
        return _with_unionid({"unionid": self.followers[openid]}, {
            "subscribe": 1, "openid": openid, "language": "zh_CN", "subscribe_time": int(time.time()) - 60,
            "remark": "", "groupid": 0, "tagid_list": [], "subscribe_scene": "ADD_SCENE_QR_CODE", "qr_scene": 0,
            "qr_scene_str": ""})

    async def custom_send(self, request: web.Request) -> web.Response:
        data = await self._message(request)
        if isinstance(data, web.Response):
            return data
        kind = data.get("msgtype")
        if kind == "text":
            text = (data.get("text") or {}).get("content")
            if not isinstance(text, str) or not text:
                return _error(44004)
        elif kind == "news":
            articles = (data.get("news") or {}).get("articles")
            if not isinstance(articles, list) or len(articles) != 1:     # 客服消息: at most one article
                return _error(45008)
            text = str(articles[0].get("title") or "")
        else:
            return _error(40008)
        self.delivered.append(Delivery(data["touser"], kind, text, data))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def template_send(self, request: web.Request) -> web.Response:
        data = await self._message(request)
        if isinstance(data, web.Response):
            return data
        if data.get("template_id") not in self.template_ids:
            return _error(40037)
        fields = data.get("data")
        if not isinstance(fields, dict) or not all(isinstance(v, dict) and isinstance(v.get("value"), str)
                                                   for v in fields.values()):
            return _error(47001)
        for name, kind in self.templates.get(data["template_id"], {}).items():
            value = fields.get(name, {}).get("value", "")
            if not value or (kind == "thing" and (len(value) > 20 or "\n" in value)):
                return web.json_response({"errcode": 47003, "errmsg": f"argument invalid! data.{name}.value "
                                          + ("is empty" if not value else "invalid") + " rid: standin"})
        text = " | ".join(v["value"] for v in fields.values())
        self.delivered.append(Delivery(data["touser"], "template", text, data))
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": len(self.delivered)})
