"""ulp: an autograder for a course on number systems and efficient ML inference.

The engine's modules, each with one job: ``protocol`` (data-only messages), ``worker`` (runs
student code), ``sandbox`` (how a worker is isolated), ``proxy`` (the grader's handle on a
worker), ``forbidden`` (static checks), ``assignment`` (an assignment's files), ``plugin``
(grading as a pytest plugin), ``results`` and ``report`` (what a grade produces), ``grading``
(one submission, a class) and ``cli``. Kept import-light: the worker imports this package.
"""

__version__ = "0.1.0"
