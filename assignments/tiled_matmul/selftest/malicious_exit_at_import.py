"""Malicious: exits the process as soon as it is imported (grading must go on; zero)."""
import os

os._exit(0)

HAND_TILE = (5, 7)
HAND_LOADS = (10, 6)


def tile_of(pid, num_pid_m, num_pid_n, group_m):
    return (0, 0)
