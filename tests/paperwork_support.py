"""Shared by the paperwork and assessment tests: sample 述职报告 written from 002 附件1's template, and a secretary's forms."""
from __future__ import annotations

import datetime as dt
import io
import re

import docx

RECORD = ["一是带头落实“三会一课”制度，全年主持召开支部委员会12次、党员大会4次，讲授专题党课2次。",
          "二是推动党建与业务融合，围绕教学科研中心任务设立党员先锋岗3个，带动骨干教师参与课程改革。",
          "三是抓好党员教育管理，组织集中学习习近平新时代中国特色社会主义思想16次，党员学习率100%。",
          "四是规范组织生活，严格执行主题党日制度，按期完成支部换届，发展党员2名、培养入党积极分子3名。"]
PROBLEMS = ["一是理论学习还不够深入，满足于读原文、学文件，结合实际研究解决问题不够。",
            "二是党建与业务融合不够紧密，有时存在“两张皮”现象，党员先锋岗作用发挥不充分。",
            "三是组织生活质量有待提高，个别主题党日形式单一，党员参与的积极性不高。",
            "四是联系服务群众不够经常，深入一线听取意见少，对青年教师的思想动态掌握不够。"]
PLANS = ["一是强化理论武装，建立支部学习清单，每月开展一次专题研讨。",
         "二是深化党建业务融合，完善党员先锋岗考评办法，年内形成2个融合案例。",
         "三是提升组织生活质量，创新主题党日形式，落实党员联系群众制度。"]


def report(record: int, problems: int, plans: int) -> str:
    """A 述职报告 after 002 附件1: title, 一、履职主要情况, 二、存在的问题, 三、下一步工作思路; `n` sentences each."""
    def part(pool, n):
        return "".join(pool[i % len(pool)] for i in range(n))
    return "\n".join(["2023年度基层党建工作述职报告", "第一党支部 张三", "（2024年1月）",
                      "一、履职主要情况", "（一）抓班子带队伍", part(RECORD, record),
                      "二、存在的问题", "（一）学习和融合方面", part(PROBLEMS, problems),
                      "三、下一步工作思路", "（一）强化学习", part(PLANS, plans)])


PASSES = report(4, 4, 3)           # 499 字: 履职 42.3 %, 问题 35.2 % (002 §三.2: ≤ 50 %, ≥ 30 %)
TOO_LONG = report(9, 9, 6)         # 1003 字: over the 1000 of a 在职党支部书记, within 1500 (002 §三.2)
FEW_PROBLEMS = report(8, 2, 3)     # 607 字: 履职 66.6 %, 问题 15.3 %


def docx_bytes(text: str) -> bytes:
    """The text as a Word document, one paragraph per line (as a secretary's .docx)."""
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def token_of(link: str) -> str:
    return re.search(r"[?&]t=([^&]+)", link).group(1)


def path_of(link: str) -> str:
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


LATER = (dt.date.today() + dt.timedelta(days=90))      # a 整改时限 in the future


async def submit_list(api, link: str, *items):
    data = {}
    for n, (problem, measure, deadline) in enumerate(items):
        data.update({f"problem_{n}": problem, f"measure_{n}": measure, f"deadline_{n}": deadline})
    path, _, query = link.partition("?")
    resp = await api.client.post(f"{path}/rectification?{query}", data=data, allow_redirects=False)
    assert resp.status == 303, await resp.text()
