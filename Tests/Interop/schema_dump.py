"""Dumps the schema and version rows of a SQLite file; with --create, lets Optuna create it first.

usage: schema_dump.py [--create] <db path> <json out>
"""
import sqlite3
import sys

from common import write_json

args = sys.argv[1:]
if args[0] == "--create":
    import optuna
    optuna.storages.RDBStorage("sqlite:///" + args[1])
    args = args[1:]
con = sqlite3.connect(args[0])
write_json(args[1], {
    "schema": [list(r) for r in con.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")],
    "alembic_version": [r[0] for r in con.execute("SELECT version_num FROM alembic_version")],
    "version_info": [list(r) for r in con.execute("SELECT * FROM version_info")],
})
