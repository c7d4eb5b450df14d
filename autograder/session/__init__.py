"""One grading: a pytest session with the grading plugin, whose ``sub`` fixture is the student's
module as seen through the sandboxed worker; it returns a :class:`~autograder.model.Grade`.
"""
