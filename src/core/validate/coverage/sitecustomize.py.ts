/**
 * The sitecustomize.py that pythonCoverage.ts writes into its scratch folder and puts first on
 * PYTHONPATH: Python's site module imports the first sitecustomize on sys.path at startup, so
 * every python the test command starts (whichever interpreter, virtualenv or not) runs it, with
 * no change to the command. Kept in Python 3 syntax any 3.x reads (no f-strings or walrus), since
 * it runs under the project's interpreter, not ours.
 *
 * It reads config.json beside it ({"roots": [...], "files": [...]}), measures with coverage.py,
 * and at exit writes out/<pid>-<random>.json: {"files": {rel: {"executed", "statements",
 * "ranFunctionBody"} or {"reason"}}} and, when the process could not measure fully, a "reason".
 * Nothing in it may break the tests: every failure becomes a one-line reason in that file.
 */
export const SITECUSTOMIZE_PY = String.raw`# Written by Refactor Guard for one test run in its sandbox; removed after it.
import atexit
import json
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _one_line(err):
    lines = ("%s: %s" % (type(err).__name__, err)).strip().splitlines()
    return lines[0][:300] if lines else type(err).__name__


def _write(report):
    try:
        out = os.path.join(_HERE, "out")
        if not os.path.isdir(out):
            os.makedirs(out)
        name = "%d-%s" % (os.getpid(), os.urandom(4).hex())
        # Written aside, then renamed: the reader never sees half a file.
        with open(os.path.join(out, name + ".tmp"), "w", encoding="utf-8") as f:
            json.dump(report, f)
        os.replace(os.path.join(out, name + ".tmp"), os.path.join(out, name + ".json"))
    except Exception:
        pass


def _key(p):
    return os.path.normcase(os.path.realpath(p))


def _function_bodies(filename):
    """(first, last) lines of each function's body, its def line left out."""
    import ast

    with open(filename, "rb") as f:
        tree = ast.parse(f.read(), filename)
    spans = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.body:
            continue
        first = node.body[0].lineno
        # A body on the def line itself cannot be told apart from the def running.
        if first > node.lineno:
            last = getattr(node, "end_lineno", None) or max(getattr(n, "lineno", first) for n in ast.walk(node))
            spans.append((first, last))
    return spans


def _finish(cov, wanted, others):
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cov.stop()
            data = cov.get_data()
            measured = dict((_key(f), f) for f in data.measured_files())
            files = {}
            for key, rel in wanted.items():
                if not os.path.isfile(key):
                    continue
                try:
                    statements = sorted(cov.analysis2(key)[1])
                    name = measured.get(key)
                    executed = sorted(data.lines(name) or []) if name else []
                    ran = False
                    if executed:
                        spans = _function_bodies(key)
                        ran = any(a <= line <= b for line in executed for (a, b) in spans)
                    files[rel] = {"executed": executed, "statements": statements, "ranFunctionBody": ran}
                except Exception as err:
                    files[rel] = {"reason": "coverage.py could not read it: " + _one_line(err)}
        report = {"files": files}
        if others:
            report["reason"] = "another coverage measurement (such as pytest-cov) ran in the same python process"
        _write(report)
    except Exception as err:
        _write({"reason": "coverage.py failed: " + _one_line(err)})


def _start():
    with open(os.path.join(_HERE, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    roots = sorted(set(os.path.realpath(r) for r in config["roots"] if os.path.isdir(r)))
    if not roots:
        return
    wanted = dict((_key(os.path.join(roots[0], rel)), rel) for rel in config["files"])
    try:
        import coverage
    except ImportError:
        _write({"reason": "coverage.py is not installed for the python that ran the tests (%s)" % sys.executable})
        return
    import warnings

    cov = coverage.Coverage(data_file=None, config_file=False, source=roots)
    # Ours starts first, so a measurement of the project's own (pytest --cov) nests over it and works
    # as it would without us; but ours is paused meanwhile, which makes its lines unreliable.
    others = []
    original_start = coverage.Coverage.start

    def start(self, *args, **kwargs):
        if self is not cov and not others:
            others.append(True)
        return original_start(self, *args, **kwargs)

    coverage.Coverage.start = start
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cov.start()
    atexit.register(_finish, cov, wanted, others)


def _chain():
    # Python runs only the first sitecustomize on sys.path, and ours shadows the one the
    # environment would have run (Debian's, a virtualenv's): that one is imported from here.
    import importlib

    saved_path = sys.path[:]
    ours = sys.modules.pop("sitecustomize", None)
    try:
        here = _key(_HERE)
        sys.path[:] = [p for p in sys.path if _key(p or os.curdir) != here]
        try:
            importlib.import_module("sitecustomize")
        except ImportError as err:
            if getattr(err, "name", None) != "sitecustomize":
                raise
    except Exception as err:
        sys.stderr.write("Error in sitecustomize; set PYTHONVERBOSE for traceback:\n%s\n" % _one_line(err))
    finally:
        sys.path[:] = saved_path
        if ours is not None:
            sys.modules["sitecustomize"] = ours


try:
    _start()
except Exception as err:
    _write({"reason": "coverage.py could not start: " + _one_line(err)})
_chain()
`;
