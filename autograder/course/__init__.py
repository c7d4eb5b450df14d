"""Course files: an assignment's settings (``assignment.toml``), its tests as pytest collects
them, per-student values and seeds from the course secret, statements, self-tests, rosters,
releases and the scaffold of a new assignment. Imports only the shared model, errors and
settings, so every other layer may read the course.
"""
