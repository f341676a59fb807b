"""The service as its own process (`python -m voting serve`, WECHAT_* pointed at the stand-in this test runs, one
shared Redis): a reminder fires exactly once per person across a SIGTERM and a kill -9; two service processes
send each message once; a process killed while its request is at WeChat leaves the message `uncertain`."""
import asyncio
import signal
import time
from collections import Counter
from datetime import datetime


from voting.clock import CHINA

from .helpers import free_port
from .outbox_support import admin_call, bind_all, eventually, outbox_service_env
from .service_process import start_service


async def stop(proc, sig=signal.SIGTERM) -> int:
    """Waits in a thread: the stand-in runs on this event loop and must answer what the stopping service
    still sends."""
    if proc.poll() is None:
        proc.send_signal(sig)
    return await asyncio.to_thread(proc.wait, 15)


async def meeting_with_bound_secretaries(base: str, aredis, n: int) -> dict:
    status, m = await admin_call("POST", f"{base}/api/admin/meetings", {
        "title": "重启演练", "mode": "batch", "secretaries": [{"name": f"书记{i}"} for i in range(1, n + 1)]})
    assert status == 201, m
    await bind_all(aredis, m["id"], {f"s{i}": [f"o-{i}"] for i in range(1, n + 1)})
    return m


async def test_a_reminder_fires_once_per_person_across_sigterm_and_kill_9(tmp_path, wechat_standin, redis_server,
                                                                          aredis):
    port, log = free_port(), tmp_path / "service.log"
    base, env = f"http://127.0.0.1:{port}", outbox_service_env(tmp_path, wechat_standin, redis_server.url)
    proc = await start_service(env, port, log)
    try:
        m = await meeting_with_bound_secretaries(base, aredis, 5)
        due = time.time() + 6
        status, body = await admin_call("POST", f"{base}/api/admin/reminders", {
            "text": "请提交述职报告", "meeting": m["id"], "audience": "secretaries", "urgent": True,
            "at": datetime.fromtimestamp(due, CHINA).isoformat()})
        assert status == 201, body
        assert await stop(proc) == 0                                      # SIGTERM: a clean stop
        proc = await start_service(env, port, log)
        await asyncio.sleep(max(0.0, due - 1.0 - time.time()))
        assert wechat_standin.delivered == []
        await stop(proc, signal.SIGKILL)                                  # kill -9 just before it is due
        await asyncio.sleep(max(0.0, due + 0.5 - time.time()))
        proc = await start_service(env, port, log)
        await eventually(lambda: len(wechat_standin.delivered) >= 5, timeout=40)    # a lease (15 s) if it was claimed
        await asyncio.sleep(1.5)                                     # nothing more arrives
        assert Counter(d.to for d in wechat_standin.delivered) == {f"o-{i}": 1 for i in range(1, 6)}
        status, rec = await admin_call("GET", f"{base}/api/admin/reminders/{body['id']}")
        assert rec["status"] == "done" and rec["fired"] == 1
        assert [d["status"] for d in rec["deliveries"]] == ["sent"] * 5
    finally:
        await stop(proc)
    assert "Traceback" not in log.read_text()


async def test_two_service_processes_send_each_message_once_and_a_sigterm_finishes_its_sends(
        tmp_path, wechat_standin, redis_server, aredis):
    ports = [free_port(), free_port()]
    env = outbox_service_env(tmp_path, wechat_standin, redis_server.url, OUTBOX_RATE="40")
    procs = [await start_service(env, p, tmp_path / f"service{p}.log") for p in ports]
    try:
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        m = await meeting_with_bound_secretaries(bases[0], aredis, 40)
        wechat_standin.delay("message/custom/send", 0.05)
        for n, base in enumerate(bases):                      # each process schedules one reminder for all 40
            status, body = await admin_call("POST", f"{base}/api/admin/reminders", {
                "text": f"第 {n} 条提醒", "meeting": m["id"], "audience": "secretaries", "urgent": True})
            assert status == 201, body
        await eventually(lambda: len(wechat_standin.delivered) >= 20)
        assert await stop(procs[0]) == 0                      # SIGTERM mid-drain: its sends in flight finish
        await eventually(lambda: len(wechat_standin.delivered) >= 80, timeout=30)
        await asyncio.sleep(1.5)
        assert Counter((d.to, d.text) for d in wechat_standin.delivered) == {
            (f"o-{i}", f"【提醒】重启演练\n书记{i}同志：第 {n} 条提醒"): 1 for i in range(1, 41) for n in range(2)}
        _, listed = await admin_call("GET", f"{bases[1]}/api/admin/outbox?meeting={m['id']}")
        assert listed["counts"] == {"queued": 0, "sent": 80, "failed": 0, "skipped": 0, "uncertain": 0}
    finally:
        for proc in procs:
            await stop(proc)


async def test_a_process_killed_while_its_request_is_at_wechat_leaves_the_message_uncertain(
        tmp_path, wechat_standin, redis_server, aredis):
    port, log = free_port(), tmp_path / "service.log"
    base = f"http://127.0.0.1:{port}"
    env = outbox_service_env(tmp_path, wechat_standin, redis_server.url, OUTBOX_LEASE="2")
    proc = await start_service(env, port, log)
    try:
        m = await meeting_with_bound_secretaries(base, aredis, 1)
        wechat_standin.delay("message/custom/send", 4)
        status, body = await admin_call("POST", f"{base}/api/admin/reminders", {
            "text": "请提交整改清单", "meeting": m["id"], "audience": "secretaries", "urgent": True})
        await eventually(lambda: wechat_standin.calls["message/custom/send"] == 1)
        await stop(proc, signal.SIGKILL)                        # the request has left; the process dies before the answer
        wechat_standin.delay("message/custom/send", None)
        proc = await start_service(env, port, log)

        async def uncertain():
            _, rec = await admin_call("GET", f"{base}/api/admin/reminders/{body['id']}")
            return rec if rec["deliveries"] and rec["deliveries"][0]["status"] == "uncertain" else None
        rec = await eventually(uncertain, timeout=15)
        assert "可能已送达" in rec["deliveries"][0]["reason"]
        await asyncio.sleep(2.5)                          # another lease later: still not resent
        assert wechat_standin.calls["message/custom/send"] == 1
        ident = rec["deliveries"][0]["message"]
        status, shown = await admin_call("POST", f"{base}/api/admin/outbox/{ident}/resend")
        assert status == 200 and shown["status"] == "queued"
        await eventually(lambda: wechat_standin.calls["message/custom/send"] == 2)
    finally:
        await stop(proc)
