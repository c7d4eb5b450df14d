"""What a grade becomes: Gradescope's results.json, the student's reports and their plots, the
class report, the gradebook (SQLite or PostgreSQL) and the exports (grades.csv, Canvas CSV).
"""
