"""Secretaries' paperwork (述职报告, 整改清单): for now only whether each one was submitted (status.py), which
the reminders' audiences read. Uploads and their checks are built later on top of it."""
