"""Every write goes through a service: views, the API and the forms they use call no ORM write."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKED = sorted(
    [
        ROOT / "careerboard/views.py",
        *ROOT.glob("jobs/views/*.py"),
        ROOT / "profiles/views.py",
        ROOT / "jobs/api.py",
        ROOT / "jobs/serializers.py",
        *ROOT.glob("*/forms.py"),
    ]
)
# Model, instance, queryset and file-field writes, whatever holds them.
WRITES = {
    "save",
    "delete",
    "update",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
# Many-to-many writes, on a relation (`company.sectors.set(...)`): a plain name with these
# methods is a Python set (`shown.add(...)`).
RELATION_WRITES = {"add", "remove", "clear", "set"}
# (module, function, call as written) -> why it is no write to the database.
ALLOWED = {
    ("jobs/forms.py", "JobForm.__init__", "self.fields['salary_currency'].widget.attrs.update"): (
        "a widget's HTML attributes, a dict"
    ),
}


def direct_writes(source: str) -> list[tuple[str, str, int]]:
    """(function, call, line) for each call in `source` that writes through the ORM."""
    found = []

    def visit(node, scope):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                visit(child, [*scope, child.name])
                continue
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute):
                method, receiver = child.func.attr, child.func.value
                if method in WRITES or (
                    method in RELATION_WRITES and isinstance(receiver, ast.Attribute)
                ):
                    found.append((".".join(scope), ast.unparse(child.func), child.lineno))
            visit(child, scope)

    visit(ast.parse(source), [])
    return found


@pytest.mark.parametrize("path", CHECKED, ids=lambda path: str(path.relative_to(ROOT)))
def test_views_api_and_forms_leave_writes_to_the_services(path):
    module = str(path.relative_to(ROOT))
    writes = [
        f"{module}:{line} {function}() calls {call}()"
        for function, call, line in direct_writes(path.read_text())
        if (module, function, call) not in ALLOWED
    ]
    assert not writes, "Call a service instead:\n" + "\n".join(writes)


def test_every_allowed_call_is_still_there():
    present = {
        (str(path.relative_to(ROOT)), function, call)
        for path in CHECKED
        for function, call, _line in direct_writes(path.read_text())
    }
    assert set(ALLOWED) <= present


@pytest.mark.parametrize(
    "call",
    [
        "form.save()",
        "request.user.save(update_fields=['is_hiring'])",
        "alert.delete()",
        "Job.objects.filter(pk=1).update(status='closed')",
        "Profile.objects.get_or_create(user=user)",
        "Report.objects.bulk_create(reports)",
        "company.sectors.set(sectors)",
        "profile.resume.save(name, content)",
    ],
)
def test_the_check_finds_a_direct_write(call):
    source = f"def view(request):\n    {call}\n"
    assert [(function, line) for function, _call, line in direct_writes(source)] == [("view", 2)]


def test_the_check_leaves_reads_and_python_sets_alone():
    source = (
        "def view(request):\n"
        "    shown = set()\n"
        "    shown.add(1)\n"
        "    jobs = Job.objects.filter(pk__in=shown).select_related('company')\n"
        "    return services.job_close(job=jobs.get(), by=request.user)\n"
    )
    assert direct_writes(source) == []
