"""One message to WeChat, by the documented rules (issue 9 §1):

- console mode (no credentials): the message is "sent" by being shown in the console and the log;
- inside the 48-hour window (bot.inbound.activity) a customer-service text, else a template message (the console's
  template id); with no template configured the text is tried anyway (our record of the window may be late);
- 45015/45047 (outside the window after all): the template message instead;
- 43004/43101: skipped with the reason; 45009: everyone pauses; -1 and network failures: retried later with
  backoff, then failed; a request that may have reached WeChat: `uncertain`, never resent by itself;
- 40001/42001: the facade already refreshed the token and retried once; a second rejection is a failure.

`deliver` marks the message `sending` (queue.begin) before each request, so a crash during it is seen.
"""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass, replace

import redis.asyncio as aioredis

from ..identity import account
from ..inbound import activity
from ..identity.bindings import mask
from ..wechat_api.client import WeChatApi
from ..wechat_api.errors import Category, WeChatError
from .config import OutboxConfig
from .queue import Claim, Outbox

log = logging.getLogger("bot.outbox")
KEYWORD_MAX = 20            # 模板消息: a `thing` field takes 20 characters at most (47003 beyond), no newlines
MINUTE_QUOTA = 45011        # api minute-quota reach limit
ARGUMENT_INVALID = 47003    # a template field the template lacks, or a value its type refuses


@dataclass(frozen=True)
class Outcome:
    status: str              # sent | failed | skipped | uncertain | queued (again, after `delay`)
    error: str = ""
    note: str = ""
    delay: float = 0.0
    retry: bool = False      # counts towards max_retries
    pause: bool = False      # 45009: pause every process


def clip(text: str, limit: int = KEYWORD_MAX) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def template_data(msg: dict, fields: dict[str, str] = account.DEFAULT_FIELDS) -> dict[str, str]:
    """事项, 会议, 内容 under the template's own field names (`account.template_fields`: keyword1..3, or e.g.
    thing1..3 of a 类目模板), each cut to 20 characters: the 类目模板库's `thing` fields refuse longer values
    (47003) instead of cutting them. A message for a secretary names them in 内容, so that one person bound
    for two secretaries can tell the messages apart."""
    summary = msg.get("summary") or msg.get("text") or "—"
    if msg.get("secretary") and msg.get("name") and msg["name"] not in summary:
        summary = f"{msg['name']}：{summary}"
    return {fields["topic"]: clip(msg.get("topic") or "述职评议通知"),
            fields["meeting"]: clip(msg.get("meeting_title") or "—"),
            fields["summary"]: clip(summary)}


SKIP_REASONS = {43004: "对方未关注公众号（43004），无法发送", 43101: "对方已拒收公众号消息（43101）"}


class Transport:
    def __init__(self, api: WeChatApi, redis: aioredis.Redis, outbox: Outbox, config: OutboxConfig):
        self.api, self.redis, self.outbox, self.config = api, redis, outbox, config

    async def deliver(self, claim: Claim) -> Outcome | None:
        """The outcome to record; None when the claim was taken away (cancelled, or another process's now)."""
        msg = claim.msg
        if self.api.console:
            if not await self.outbox.begin(claim, self.config.lease, "console"):
                return None
            log.info("outbox (console mode) #%s to %s [%s]: %s", claim.id, mask(msg["to"]), msg.get("kind"),
                     " ".join(msg.get("text", "").split())[:300])
            return Outcome("sent", note="控制台模式：未接入微信，消息显示在管理后台与日志中")
        active = await activity.active(self.redis, msg["to"])
        template = await account.template_id(self.redis)
        if active or not template:
            outcome = await self._attempt(claim, "custom")
            if outcome is not None and outcome.status == "fallback":
                if not template:
                    return Outcome("failed", f"对方超过 48 小时未与公众号互动（{outcome.error}），且未配置模板消息："
                                   "请在管理后台“微信公众号”页面填写模板 ID 后重发")
                note = f"客服消息不可用（{outcome.error}），已改发模板消息"
                outcome = await self._attempt(claim, "template", template)
                if outcome is not None and not outcome.note:
                    outcome = replace(outcome, note=note)
            return outcome
        return await self._attempt(claim, "template", template)

    async def _attempt(self, claim: Claim, channel: str, template: str = "") -> Outcome | None:
        msg = claim.msg
        if not await self.outbox.begin(claim, self.config.lease, channel):
            return None
        try:
            if channel == "custom":
                await self.api.send_text(msg["to"], msg["text"])
            else:
                data = template_data(msg, await account.template_fields(self.redis))
                await self.api.send_template(msg["to"], template, data, url=msg.get("url") or None)
        except WeChatError as e:
            return self._judge(e, claim)
        return Outcome("sent")

    def _judge(self, e: WeChatError, claim: Claim) -> Outcome:
        what = f"{e.code}" if e.code is not None else e.message
        if e.uncertain:
            return Outcome("uncertain", f"请求可能已到达微信（{e.message}）；为免重复未自动重发，请核实后决定是否重发")
        if e.category is Category.FALLBACK:
            return Outcome("fallback", what)
        if e.category is Category.SKIPPED:
            return Outcome("skipped", SKIP_REASONS.get(e.code, f"对方不接收消息（{what}）"))
        if e.category is Category.QUOTA:
            return Outcome("queued", "公众号接口调用次数已达上限（45009），暂停发送，稍后自动继续", pause=True)
        if e.code == MINUTE_QUOTA:
            return Outcome("queued", "公众号接口每分钟调用次数已达上限（45011），稍后自动重试",
                           delay=self.config.minute_quota_pause)
        if e.category is Category.RETRY:
            tries = int(claim.msg.get("retries") or 0) + 1
            if tries >= self.config.max_retries:
                return Outcome("failed", f"多次发送失败（共 {tries} 轮）：{e.message}", retry=True)
            delay = min(self.config.max_backoff, self.config.backoff * 2 ** (tries - 1)) * random.uniform(1, 1.25)
            return Outcome("queued", f"第 {tries} 轮发送失败（{e.message}），稍后自动重试", delay=delay, retry=True)
        if e.category is Category.TOKEN:
            return Outcome("failed", f"微信拒绝了 access_token（{what}，已刷新并重试一次）：请检查公众号配置后重发")
        if e.code == 40037:
            return Outcome("failed", "模板 ID 无效（40037）：请在管理后台“微信公众号”页面核对后重发")
        if e.code == ARGUMENT_INVALID:
            return Outcome("failed", f"模板字段与所选模板不符（47003：{e.message}）：请在管理后台“微信公众号”页面"
                                     "核对三个字段名后重发")
        return Outcome("failed", f"微信拒绝发送：{e}")
