"""ulp: an autograder for a course on number systems and efficient ML inference.

The package is layered along the data (docs/architecture.md): ``cli`` → ``batch`` →
``session`` → ``sandbox``, with ``course`` (an assignment's files) and ``output`` (what a grade
becomes) beside them, and ``model``, ``errors`` and ``settings`` shared by all. ``testing`` is
what assignment authors import in their tests. Kept import-light: the worker imports this
package inside the sandbox.
"""

__version__ = "0.1.0"
DISTRIBUTION = "ulp-autograder"  # the name on PyPI; the command is `ulp`
