"""Explain: the wasted bit"""

from autograder.course.quiz import Text

TEXT = """\
In one or two sentences: why does **symmetric** quantization waste about one bit of precision
on post-ReLU activations (all values >= 0), compared with asymmetric quantization at the same
bit width? This answer is graded by hand."""

DEFAULTS = {}


def answer():
    return Text(guide="The values are all >= 0, so the negative half of the symmetric codes "
                      "(-qmax..-1) is never used: only 2^(b-1) of the codes carry data, the step "
                      "is R / (2^(b-1) - 1) instead of R / (2^b - 1), about twice as coarse, "
                      "which is one bit. Full marks: unused negative codes AND the coarser "
                      "step / lost bit; half: only one of the two.", points=2)
