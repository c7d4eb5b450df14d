"""The sandbox: where student code runs, and the only way the grader talks to it.

``isolation`` chooses and starts the strongest isolation the machine allows, ``worker`` is the
program inside it (it imports the student's module and answers calls), ``protocol`` the
data-only messages between the two, and ``process`` the grader's handle on one worker process.
Kept import-light: the worker imports this package inside the sandbox.
"""
