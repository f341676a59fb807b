"""Secretaries' paperwork (docs/paperwork.md): the 述职报告 before the meeting (pasted or uploaded, checked by
the meeting's preset: reports.py, upload.py) and the 整改清单 after it (rectification.py), the secretary's phone
page and the organizer's console page, publication of the reports, and whether each one is in (status.py, which
the reminders' audiences read)."""
