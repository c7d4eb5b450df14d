"""Grading many submissions: finding them (``intake``), the backends that run gradings (a fresh
process each, a fork server, a Ray cluster) and the runner that chooses one, resumes an
interrupted batch and writes each grade's files.
"""
