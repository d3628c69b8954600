""".env.example lists exactly the environment variables the project reads, each explained, and
copying it into the environment changes no setting.

The variables read are found by parsing the code: every `os.environ[...]`, `os.environ.get`,
`os.environ.setdefault` and `os.getenv` with a literal name, and every call with a literal name
of a helper that passes its argument to one of those (settings.env_bool, settings.env_list).
Tests and benchmarks read variables of their own and are left out.
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / ".env.example"
NOT_THE_APP = {".venv", "tests", "benchmarks", "staticfiles", "node_modules"}
READERS = {"get", "setdefault", "getenv"}


def project_modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if not NOT_THE_APP.intersection(parts) and not any(p.startswith(".") for p in parts):
            yield path


def is_environ(node) -> bool:
    """`os.environ`, or `environ` imported from os."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ" and isinstance(node.value, ast.Name) and node.value.id == "os"
    return isinstance(node, ast.Name) and node.id == "environ"


def env_read_key(node):
    """The expression naming the variable, if this node reads one from the environment."""
    if isinstance(node, ast.Subscript) and is_environ(node.value):
        return node.slice
    if not (isinstance(node, ast.Call) and node.args):
        return None
    function = node.func
    if isinstance(function, ast.Name):
        reads = function.id == "getenv"
    elif isinstance(function, ast.Attribute) and function.attr in READERS:
        owner = function.value
        reads = is_environ(owner) or (
            function.attr == "getenv" and isinstance(owner, ast.Name) and owner.id == "os"
        )
    else:
        reads = False
    return node.args[0] if reads else None


def literal(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def variables_read(tree: ast.Module) -> tuple[set[str], list[str]]:
    """(names read, source of every read whose name the code does not spell out)."""
    helpers = {}  # function name -> the parameter it reads the environment with
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef):
            parameters = [argument.arg for argument in function.args.args]
            for node in ast.walk(function):
                key = env_read_key(node)
                if isinstance(key, ast.Name) and key.id in parameters:
                    helpers[function.name] = key.id
    names, unnamed = set(), []
    for node in ast.walk(tree):
        key = env_read_key(node)
        if key is not None:
            if literal(key) is not None:
                names.add(literal(key))
            elif not (isinstance(key, ast.Name) and key.id in helpers.values()):
                unnamed.append(ast.unparse(node))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            parameter = helpers.get(node.func.id)
            if parameter is None:
                continue
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            key = node.args[0] if node.args else keywords.get(parameter)
            if literal(key) is None:
                unnamed.append(ast.unparse(node))
            else:
                names.add(literal(key))
    return names, unnamed


def read_by_the_project() -> tuple[set[str], list[str]]:
    names, unnamed = set(), []
    for path in project_modules():
        found, vague = variables_read(ast.parse(path.read_text(), filename=str(path)))
        names |= found
        unnamed += [f"{path.relative_to(ROOT)}: {source}" for source in vague]
    return names, unnamed


def example_entries() -> list[tuple[str, str, str]]:
    """(name, value, the line above it) for every assignment in .env.example; a value in double
    quotes is read without them, as docker compose and python-dotenv read it."""
    lines = ENV_EXAMPLE.read_text().splitlines()
    entries = []
    for number, line in enumerate(lines):
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            if len(value) > 1 and value[0] == value[-1] == '"':
                value = value[1:-1]
            entries.append((name.strip(), value, lines[number - 1] if number else ""))
    return entries


def test_the_reader_finds_reads_through_helpers_and_refuses_names_it_cannot_read():
    tree = ast.parse(
        "import os\n"
        "def flag(name, default):\n"
        "    return os.environ.get(name) or default\n"
        "A = os.environ['A']\n"
        "B = os.getenv('B', '1')\n"
        "C = flag('C', True)\n"
        "D = flag(name='D', default=False)\n"
        "os.environ.setdefault('E', 'x')\n"
        "F = os.environ.get(PREFIX + '_F')\n"
    )
    names, unnamed = variables_read(tree)
    assert names == {"A", "B", "C", "D", "E"}
    assert unnamed == ["os.environ.get(PREFIX + '_F')"]


def test_env_example_lists_exactly_the_variables_the_project_reads():
    read, unnamed = read_by_the_project()
    assert unnamed == [], "name each variable literally, so that this test can see it"
    assert "DATABASE_URL" in read and "SECRET_KEY" in read  # the reader sees settings.py
    listed = [name for name, _, _ in example_entries()]
    assert len(listed) == len(set(listed)), "a variable is listed twice"
    assert sorted(read - set(listed)) == [], "read by the code, missing from .env.example"
    assert sorted(set(listed) - read) == [], "in .env.example, read by nothing"


def test_each_variable_has_a_comment_that_says_what_it_does_and_its_default():
    for name, _, above in example_entries():
        assert above.startswith("# "), f"{name} has no comment on the line above it"
        assert "default" in above.lower(), f"the comment of {name} does not give its default"


SETTINGS_AS_JSON = (
    "import json, careerboard.settings as s; "
    "print(json.dumps({k: repr(v) for k, v in vars(s).items() if k.isupper()}, sort_keys=True))"
)


def settings_under(environment: dict[str, str]) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_AS_JSON],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_copying_env_example_into_the_environment_changes_no_setting():
    example = {name: value for name, value, _ in example_entries()}
    untouched = {k: v for k, v in os.environ.items() if k not in example}
    assert settings_under({**untouched, **example}) == settings_under(untouched)
