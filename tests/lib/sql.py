#!/usr/bin/env python3
"""sql.py DB STATEMENT: run one SQL statement on an SQLite file (an index
the test looks into or breaks) and print its rows, columns joined by "|"."""
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
for row in db.execute(sys.argv[2]):
    print("|".join(str(c) for c in row))
db.commit()
db.close()
