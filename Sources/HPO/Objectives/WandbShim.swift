/// hpotop's offline stand-in for the `wandb` Python package, shipped inside the binary as text.
/// A W&B sweep file's trials get it first on `PYTHONPATH` (`CommandObjective.pythonPathFiles`),
/// so a training script written for `wandb.agent` runs unchanged: `wandb.init` returns a run
/// whose `config` holds the trial's params, `wandb.log` prints `[hpotop]` report lines (the
/// sweep metric at each logged step is an intermediate value), and at `finish` the run summary's
/// metric is the trial's value. Nothing is sent anywhere; an attribute the module lacks is a
/// no-op that warns once on stderr.
public enum WandbShim {
  /// The sweep metric's name, for the shim.
  public static let metricVariable = "HPOTOP_WANDB_METRIC"
  /// `minimize` or `maximize` (the summary's `best`).
  public static let goalVariable = "HPOTOP_WANDB_GOAL"
  /// A JSON list of nested parameter names, which `wandb.config` holds as dictionaries.
  public static let nestedVariable = "HPOTOP_WANDB_NESTED"
  /// The sweep's `project`, for `run.project`.
  public static let projectVariable = "HPOTOP_WANDB_PROJECT"

  /// The files written under a trial's `python/` folder.
  public static let files: [String: String] = ["wandb/__init__.py": source]

  /// The module's text.
  public static let source = #"""
"""hpotop's offline stand-in for the wandb package (written by hpotop for each trial).

wandb.init() returns a run whose config holds the trial's params; wandb.log() prints
hpotop report lines; at finish the summary's sweep metric is the trial's value. Nothing
is sent anywhere. Attributes this module lacks are no-ops that warn once on stderr.
"""
import atexit as _atexit
import importlib.abc as _abc
import importlib.machinery as _machinery
import json as _json
import math as _math
import numbers as _numbers
import os as _os
import sys as _sys
import time as _time
import types as _types

__version__ = "0.0.0+hpotop.offline"
__path__ = []  # a package: `import wandb.anything` gives a module of no-ops

_METRIC = _os.environ.get("HPOTOP_WANDB_METRIC", "value")
_GOAL = _os.environ.get("HPOTOP_WANDB_GOAL", "minimize")
_SUMMARY_OPS = ("min", "max", "mean", "last", "first", "best")
_warned = set()


def _warn(name):
    if name in _warned:
        return
    _warned.add(name)
    _sys.stderr.write("hpotop wandb: %s is not available offline; it does nothing\n" % name)
    _sys.stderr.flush()


class _Noop(object):
    """What a missing attribute gives: callable, indexable, iterable, a context manager."""

    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def __call__(self, *args, **kwargs):
        return _Noop(self._name + "()")

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Noop(self._name + "." + name)

    def __setattr__(self, name, value):
        pass

    def __getitem__(self, key):
        return _Noop(self._name + "[]")

    def __setitem__(self, key, value):
        pass

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __bool__(self):
        return False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return "<hpotop offline no-op %s>" % self._name


def _missing(owner, name):
    if name.startswith("__"):
        raise AttributeError(name)
    _warn(owner + "." + name)
    return _Noop(owner + "." + name)


def _number(value):
    """A loggable scalar as a float (ints, floats, bools, numpy scalars, 0-d tensors), else None."""
    if isinstance(value, _numbers.Number) and not isinstance(value, complex):
        return float(value)
    item = getattr(value, "item", None)
    if callable(item):
        try:
            v = item()
        except Exception:
            return None
        if isinstance(v, _numbers.Number) and not isinstance(v, complex):
            return float(v)
    return None


def _flatten(data, prefix=""):
    out = {}
    for key, value in data.items():
        name = prefix + str(key)
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def _emit(fields):
    out = _sys.__stdout__ or _sys.stdout
    out.write("[hpotop] " + _json.dumps(fields) + "\n")
    out.flush()


def _as_dict(obj):
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return dict(obj)
    if isinstance(obj, Config):
        return obj.as_dict()
    if hasattr(obj, "items"):
        return dict(obj.items())
    if hasattr(obj, "__dict__"):  # argparse.Namespace and plain objects
        return {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    raise TypeError("wandb config must be a dict or an object with attributes, got %r" % (obj,))


def _sweep_params():
    """The trial's params, nested parameters rebuilt as dictionaries."""
    params = _json.loads(_os.environ.get("HPOTOP_PARAMS", "{}"))
    nested = sorted(_json.loads(_os.environ.get("HPOTOP_WANDB_NESTED", "[]")), key=len, reverse=True)
    out = {}
    for name, value in params.items():
        prefix = next((p for p in nested if name.startswith(p + ".")), None)
        if prefix is None:
            out[name] = value
            continue
        node = out
        parts = prefix.split(".") + [name[len(prefix) + 1:]]
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


class Config(object):
    """wandb.config: the sweep's params (locked, as W&B locks them) over the script's defaults."""

    def __init__(self, locked=None):
        object.__setattr__(self, "_items", {})
        object.__setattr__(self, "_locked", dict(locked or {}))
        self._items.update(self._locked)

    def update(self, data=None, allow_val_change=False, **kwargs):
        values = _as_dict(data)
        values.update(kwargs)
        for key, value in values.items():
            if key not in self._locked:  # the sweep's value wins, nested ones whole, as in W&B
                self._items[key] = value

    def setdefaults(self, data):
        for key, value in _as_dict(data).items():
            self._items.setdefault(key, value)

    def as_dict(self):
        return dict(self._items)

    def keys(self):
        return self._items.keys()

    def values(self):
        return self._items.values()

    def items(self):
        return self._items.items()

    def get(self, key, default=None):
        return self._items.get(key, default)

    def __getitem__(self, key):
        return self._items[key]

    def __setitem__(self, key, value):
        self.update({key: value})

    def __delitem__(self, key):
        self._items.pop(key, None)

    def __contains__(self, key):
        return key in self._items

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._items[name]
        except KeyError:
            raise AttributeError("wandb.config has no key %r" % name)

    def __setattr__(self, name, value):
        self.update({name: value})

    def __repr__(self):
        return repr(self._items)


class Summary(dict):
    """run.summary: the last value of each logged key, or what the script sets."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)

    def __setattr__(self, name, value):
        self[name] = value


class _Metric(object):
    def __init__(self, name):
        self.name = name


class Run(object):
    """One trial's run."""

    def __init__(self, config, kwargs):
        self.config = config
        self.summary = Summary()
        number = _os.environ.get("HPOTOP_TRIAL_NUMBER", "0")
        self.id = "trial-" + number
        self.name = kwargs.get("name") or self.id
        self.project = kwargs.get("project") or _os.environ.get("HPOTOP_WANDB_PROJECT", "")
        self.entity = kwargs.get("entity") or ""
        self.group = kwargs.get("group")
        self.job_type = kwargs.get("job_type")
        self.notes = kwargs.get("notes")
        self.tags = tuple(kwargs.get("tags") or ())
        self.dir = _os.environ.get("HPOTOP_TRIAL_DIR", _os.getcwd())
        self.sweep_id = _os.environ.get("HPOTOP_STUDY_NAME", "")
        self.url = None
        self.path = "/".join(p for p in (self.entity, self.project, self.id) if p)
        self.mode = "offline"
        self.offline = True
        self.disabled = False
        self.resumed = False
        self.start_time = _time.time()
        self._step = 0
        self._ops = {}
        self._goals = {}
        self._seen = {}
        self._finished = False

    @property
    def step(self):
        return self._step

    def log(self, data, step=None, commit=None, sync=None):
        if self._finished:
            raise Error("this run has finished; call wandb.init() for a new one")
        if not isinstance(data, dict):
            raise TypeError("wandb.log takes a dict, got %r" % (data,))
        if step is not None:
            step = int(step)
            self._step = max(self._step, step)
        at = self._step
        flat = _flatten(data)
        for key, value in flat.items():
            self._record(key, value)
        value = _number(flat[_METRIC]) if _METRIC in flat else None
        if value is None and "." in _METRIC and _METRIC.rsplit(".", 1)[1] in _SUMMARY_OPS:
            value = _number(flat.get(_METRIC.rsplit(".", 1)[0]))
        if value is not None:
            _emit({"step": at, _METRIC: value})
        if commit is not False and step is None:
            self._step += 1

    def _record(self, key, value):
        ops = self._ops.get(key)
        number = _number(value)
        if not ops or number is None:
            self.summary[key] = value
            return
        count, total, first = self._seen.get(key, (0, 0.0, number))
        count, total = count + 1, total + number
        self._seen[key] = (count, total, first)
        old = self.summary.get(key)
        old = old if isinstance(old, dict) else {}
        new = {}
        for op in ops:
            if op == "min":
                new[op] = min(old.get(op, number), number)
            elif op == "max":
                new[op] = max(old.get(op, number), number)
            elif op == "mean":
                new[op] = total / count
            elif op == "first":
                new[op] = first
            elif op == "last":
                new[op] = number
            elif op == "best":
                pick = min if self._goals.get(key, _GOAL).startswith("min") else max
                new[op] = pick(old.get(op, number), number)
        self.summary[key] = new

    def define_metric(self, name, step_metric=None, step_sync=None, hidden=None, summary=None, goal=None,
                      overwrite=None, **kwargs):
        if summary:
            ops = tuple(op.strip() for op in summary.split(",") if op.strip() in _SUMMARY_OPS)
            if ops:
                self._ops[name] = ops
        if goal:
            self._goals[name] = goal
        return _Metric(name)

    def watch(self, models=None, criterion=None, log="gradients", log_freq=1000, idx=None, log_graph=False):
        return None

    def unwatch(self, models=None):
        return None

    def save(self, *args, **kwargs):
        return []

    def _value(self):
        """The sweep metric from the summary (a summary op picked by the goal when defined)."""
        entry = self.summary.get(_METRIC)
        if entry is None and "." in _METRIC:
            base, op = _METRIC.rsplit(".", 1)
            parent = self.summary.get(base)
            if isinstance(parent, dict) and op in parent:
                return _number(parent[op])
            node = self.summary
            for part in _METRIC.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            entry = node
        if isinstance(entry, dict):
            prefer = ["best", "min" if _GOAL == "minimize" else "max", "last"] + list(entry)
            for op in prefer:
                if op in entry:
                    return _number(entry[op])
            return None
        return _number(entry)

    def finish(self, exit_code=None, quiet=None):
        global run, config, summary
        if self._finished:
            return
        self._finished = True
        extras = {}
        for key, value in self.summary.items():
            if key == _METRIC or len(extras) >= 32:
                continue
            if isinstance(value, (str, bool, int)):
                extras["summary." + key] = value
            elif _number(value) is not None:
                extras["summary." + key] = _number(value)
        if extras:
            _emit(extras)
        value = self._value()
        if value is not None and not exit_code:
            _emit({_METRIC: value})
        if run is self:
            run = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.finish(exit_code=1 if exc_type else 0)
        return False

    def __getattr__(self, name):
        return _missing("run", name)


class Error(Exception):
    pass


errors = _types.SimpleNamespace(Error=Error, CommError=Error, UsageError=Error, AuthenticationError=Error)


class _Media(object):
    """Images, tables, histograms …: kept in memory, never uploaded."""

    def __init__(self, *args, **kwargs):
        self.args = args
        self.kwargs = kwargs
        self.caption = kwargs.get("caption")
        self.data = list(kwargs.get("data") or [])
        self.columns = list(kwargs.get("columns") or [])

    def add_data(self, *row):
        self.data.append(list(row))

    def add_column(self, name, data, optional=False):
        self.columns.append(name)

    def __getattr__(self, name):
        return _missing(type(self).__name__, name)


class Image(_Media):
    pass


class Table(_Media):
    pass


class Histogram(_Media):
    pass


class Video(_Media):
    pass


class Audio(_Media):
    pass


class Html(_Media):
    pass


class Object3D(_Media):
    pass


class Molecule(_Media):
    pass


class Artifact(_Media):
    pass


class Settings(_Media):
    pass


run = None
config = Config(_sweep_params())
summary = Summary()


def init(*args, **kwargs):
    """Starts the trial's run: config = the script's config, with the sweep's params over it."""
    global run, config, summary
    if run is not None:
        run.finish()
    cfg = Config(_sweep_params())
    given = kwargs.get("config")
    if isinstance(given, str):
        _warn("wandb.init(config=<file>)")
        given = None
    cfg.update(given)
    run = Run(cfg, kwargs)
    config = cfg
    summary = run.summary
    return run


def _current(name):
    if run is None:
        raise Error("You must call wandb.init() before wandb.%s()" % name)
    return run


def log(data, step=None, commit=None, sync=None):
    _current("log").log(data, step=step, commit=commit, sync=sync)


def define_metric(name, *args, **kwargs):
    return _current("define_metric").define_metric(name, *args, **kwargs)


def watch(models=None, *args, **kwargs):
    return None


def unwatch(models=None):
    return None


def save(*args, **kwargs):
    return []


def finish(exit_code=None, quiet=None):
    if run is not None:
        run.finish(exit_code=exit_code, quiet=quiet)


def login(*args, **kwargs):
    return True


def setup(*args, **kwargs):
    return None


def require(*args, **kwargs):
    return None


def termlog(message="", *args, **kwargs):
    _sys.stderr.write("wandb: %s\n" % message)


termwarn = termerror = termlog


def sweep(sweep=None, entity=None, project=None, prior_runs=None):
    """hpotop runs the sweep; the id only lets a script call wandb.agent as it would."""
    return "hpotop-offline"


def agent(sweep_id=None, function=None, entity=None, project=None, count=None):
    """One trial per process: call the function once (hpotop starts the next trial)."""
    if function is not None:
        function()


def _exit_hook():
    if run is not None:
        run.finish()


_atexit.register(_exit_hook)


def __getattr__(name):
    return _missing("wandb", name)


class _SubmoduleLoader(_abc.Loader):
    def create_module(self, spec):
        module = _types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda name, owner=spec.name: _missing(owner, name)
        if spec.name == __name__ + ".errors":  # `except wandb.errors.CommError:` needs classes
            module.__dict__.update(vars(errors))
        return module

    def exec_module(self, module):
        pass


class _SubmoduleFinder(_abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith(__name__ + "."):
            if fullname != __name__ + ".errors":
                _warn(fullname)
            return _machinery.ModuleSpec(fullname, _SubmoduleLoader(), is_package=True)
        return None


_sys.meta_path.append(_SubmoduleFinder())
"""#
}
