"""Redis: the embedded server and its watcher, outages, key names, Lua scripts."""
