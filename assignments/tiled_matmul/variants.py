"""Per-student values for tiled_matmul's hand part (the grouped program order).

A grid of num_pid_m x num_pid_n output tiles, a group size group_m (2 to 4, smaller than
num_pid_m so that there are several groups, and often a ragged last group), one program id
`pid` whose tile the student finds on paper (drawn past the first group, so that group_id,
first_pid_m and group_size_m all matter), and a number `wave` of programs that run at the same
time (the first `wave` program ids), for the count of blocks they read.
"""

DEFAULTS = {"num_pid_m": 9, "num_pid_n": 9, "group_m": 3, "pid": 50, "wave": 9}


def draw(rng):
    group_m = rng.randint(2, 4)
    num_pid_m = rng.randint(group_m + 2, 11)
    num_pid_n = rng.randint(4, 10)
    total = num_pid_m * num_pid_n
    pid = rng.randint(group_m * num_pid_n, total - 1)
    wave = rng.randint(group_m + 1, min(2 * num_pid_n, total - 1))
    return {"num_pid_m": num_pid_m, "num_pid_n": num_pid_n, "group_m": group_m, "pid": pid,
            "wave": wave}
