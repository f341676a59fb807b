"""The WeChat official account (docs/wechat.md): the API client (wechat_api/), the /wechat webhook and what a
scan or a text answers (inbound/), who a WeChat account is (identity/), the account's pages and console pages
(web/), and every message sent to a person (outbox/, docs/messages.md). Reminders are their own package
(reminders/), sent through the outbox."""
