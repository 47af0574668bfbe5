"""Direction 2: Python Optuna 5.0 loads every study of a SQLite file hpotop wrote and dumps it.

usage: optuna_read.py <db path> <json out>
"""
import sys

import optuna
from common import dump_study, write_json

optuna.logging.set_verbosity(optuna.logging.WARNING)
db, out = sys.argv[1], sys.argv[2]
url = db if "://" in db else "sqlite:///" + db
names = [s.study_name for s in optuna.get_all_study_summaries(storage=url)]
write_json(out, [dump_study(optuna.load_study(study_name=n, storage=url)) for n in names])
