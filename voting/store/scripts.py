"""The Lua scripts, registered once per client (EVALSHA, reloaded by redis-py after a Redis restart)."""
from __future__ import annotations

from pathlib import Path

import redis.asyncio as aioredis

LUA = Path(__file__).parent / "lua"


class Scripts:
    def __init__(self, redis: aioredis.Redis):
        self.cast = redis.register_script((LUA / "cast.lua").read_text())
        self.window = redis.register_script((LUA / "window.lua").read_text())
        self.finalize = redis.register_script((LUA / "finalize.lua").read_text())
        self.attempt = redis.register_script((LUA / "attempt.lua").read_text())
        self.deadline = redis.register_script((LUA / "deadline.lua").read_text())
        self.delete = redis.register_script((LUA / "delete.lua").read_text())
        self.screen_step = redis.register_script((LUA / "screen_step.lua").read_text())
