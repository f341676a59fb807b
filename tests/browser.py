"""Real headless Chromium (Debian's) for the page tests: where it is, and the page profiles (the phone with WeChat's
user agent, the projector, the console). The fixtures (`browser`, `site`, `shots`) are in conftest.py."""
from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
             "MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI "
             "Language/zh_CN ABI/arm64")
PHONE = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True,
             user_agent=WECHAT_UA, locale="zh-CN")
PROJECTOR = dict(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
CONSOLE = dict(viewport={"width": 1400, "height": 900}, locale="zh-CN")
