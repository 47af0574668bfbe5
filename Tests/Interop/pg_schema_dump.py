"""Dumps the schema of a PostgreSQL database (enum types, columns, constraints, indexes, sequences,
version rows); with --create, lets Optuna 5.0 create its schema there first.

usage: pg_schema_dump.py [--create] <postgresql url> <json out>
"""
import sys

import psycopg2
from common import write_json

args = sys.argv[1:]
if args[0] == "--create":
    import optuna
    optuna.storages.RDBStorage(args[1])
    args = args[1:]
url = args[0].replace("postgresql+psycopg2://", "postgresql://")
con = psycopg2.connect(url)
cur = con.cursor()


def rows(sql):
    cur.execute(sql)
    return [list(r) for r in cur.fetchall()]


write_json(args[1], {
    "enums": rows("""SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
                     ORDER BY t.typname, e.enumsortorder"""),
    "columns": rows("""SELECT table_name, column_name, ordinal_position, data_type, udt_name,
                              character_maximum_length, is_nullable, column_default
                       FROM information_schema.columns WHERE table_schema = current_schema()
                       ORDER BY table_name, ordinal_position"""),
    "constraints": rows("""SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                           FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
                           ORDER BY 1, 2"""),
    "indexes": rows("""SELECT tablename, indexname, indexdef FROM pg_indexes
                       WHERE schemaname = current_schema() ORDER BY 1, 2"""),
    "sequences": rows("""SELECT sequence_name, data_type, start_value, increment FROM information_schema.sequences
                         WHERE sequence_schema = current_schema() ORDER BY 1"""),
    "alembic_version": [r[0] for r in rows("SELECT version_num FROM alembic_version")],
    "version_info": rows("SELECT * FROM version_info"),
})
