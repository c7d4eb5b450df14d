"""Hidden helper: the output error of every one of the 4**5 plans, measured with quanto.

Each layer's quantization depends on its own weight only, so a plan's quantized network is
TinyNet with each Linear taken from a copy quantized entirely with that layer's type; the
prefix shared by many plans is computed once (1364 Linear calls instead of 5120).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from quanto_inference_model import (
    LAYERS,
    QTYPES,
    TYPES,
    net_from_state,
    plan_bytes,
    quantized_net,
    rel_error,
    tolerance,
)


def all_plan_errors(state, x) -> dict:
    nets = {"none": net_from_state(state)}
    for t in QTYPES:
        nets[t] = quantized_net(state, {n: t for n in LAYERS})
    base = nets["none"]
    out = {}
    with torch.no_grad():
        y = base(x)
        for a in TYPES:
            h1 = nets[a].embed(x)
            n1 = base.block.norm(h1)
            for b in TYPES:
                u = F.gelu(nets[b].block.up(n1))
                for c in TYPES:
                    p0 = base.norm(h1 + nets[c].block.down(u))
                    for d in TYPES:
                        p = F.gelu(nets[d].proj(p0))
                        for e in TYPES:
                            out[(a, b, c, d, e)] = rel_error(nets[e].head(p), y)
    return out


def robust_budgets(state, errors: dict, targets) -> list[tuple[float, int]]:
    """For each target, a budget near it that no plan's error comes within 2 tolerances of,
    and the least memory M* of the plans within it."""
    levels = sorted({e for e in errors.values() if math.isfinite(e)})
    picks = []
    for t in targets:
        best = None
        for lo, hi in zip(levels, levels[1:]):
            b = (lo + hi) / 2
            if hi - b > 2 * tolerance(hi) and b - lo > 2 * tolerance(b):
                if best is None or abs(b - t) < abs(best - t):
                    best = b
        if best is None:
            continue
        m = min(plan_bytes(state, dict(zip(LAYERS, p))) for p, e in errors.items() if e <= best)
        picks.append((best, m))
    return picks
