"""Every error ulp reports to a person, under one base with a message and an exit code.

The command line turns a :class:`UlpError` into one line on stderr and its exit code, never a
traceback: the message names the file or thing at fault and what to do. Anything else that
escapes is a bug in ulp, and shows as one.
"""

from __future__ import annotations


class UlpError(Exception):
    """Base of ulp's errors: ``str(e)`` is the whole message, ``exit_code`` what ``ulp`` exits with."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(UlpError):
    """The command line was given something it cannot use (a missing argument, a file for a folder)."""

    exit_code = 2


class MissingExtra(UsageError):
    """A feature needs an optional package that this Python lacks (otter-grader for the notebook
    release and the otter export): the message names the extra that brings it."""


class CourseError(UlpError):
    """An assignment's own files are wrong or missing: the author's to fix, never a student's."""

    exit_code = 3


class ReleaseError(CourseError):
    """A release cannot be made as asked (it would leak, or a roster is unreadable)."""


class SubmissionError(UlpError):
    """Submissions cannot be graded as given (an unreadable export, an unknown student)."""

    exit_code = 4


class GradebookError(UlpError):
    """The gradebook cannot be opened, read or written."""

    exit_code = 5


class SandboxError(UlpError):
    """Student code cannot be run safely on this machine (the worker did not start, or the
    isolation asked for is not available): the machine's fault, never a grade."""

    exit_code = 6


class ProtocolError(UlpError):
    """A message between grader and worker is malformed (the worker's fault, or a broken channel)."""


class ChannelClosed(ProtocolError):
    """The other side closed the channel."""


class ChannelTimeout(ProtocolError):
    """No complete message arrived in time."""


class MessageTooLarge(ProtocolError):
    """A message is larger than the limit the reader set."""
