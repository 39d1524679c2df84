"""Consultation workflows, one module per workflow; callers import from the module that names theirs.

drafting: guidelines, drafts, clauses, Markdown import. periods: scheduling and extending comment periods.
comments: comments, replies, endorsements, reports, and moderation. closing: responses, final versions.
opinions: statements, their moderation and votes. grouping: computing and publishing the opinion groups.
Every public state change writes its ledger entry in the same transaction; mail goes out from Celery tasks
queued after the commit (see consultation/notifications.py).
"""
