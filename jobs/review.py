"""What a moderator reads of a posting waiting for review: every field a posting form sets, and
for a change of a job already approved, what changed field by field (the description line by
line, with the words changed marked). Prepared as plain text and parts for the template, which
escapes it like anything else."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django_countries import countries

from careerboard.models import Period
from jobs.models import Job

# Every field a posting form sets, in the form's order: (key, label). Keys are those of the
# stored changes' "fields", or "places", "required" and "nice".
FIELDS = [
    ("title", "Title"),
    ("description", "Description"),
    ("employment_type", "Employment type"),
    ("seniority", "Seniority"),
    ("workplace", "Workplace"),
    ("places", "Locations"),
    ("remote_anywhere", "Applicants may live anywhere"),
    ("applicant_countries", "Countries applicants may live in"),
    ("required", "Required skills"),
    ("nice", "Nice-to-have skills"),
    ("salary_min", "Lowest salary"),
    ("salary_max", "Highest salary"),
    ("salary_currency", "Salary currency"),
    ("salary_period", "Salary period"),
    ("apply_url", "Apply at (URL)"),
    ("apply_email", "Apply by email"),
    ("apply_on_site", "Applications on CareerBoard"),
]
LISTS = {"places", "applicant_countries", "required", "nice"}
CHOICES = {
    "employment_type": dict(Job.EmploymentType.choices),
    "seniority": dict(Job.Seniority.choices),
    "workplace": dict(Job.Workplace.choices),
    "salary_period": dict(Period.choices),
}
NONE = "—"


@dataclass(frozen=True)
class DiffLine:
    """One line of a text diff: "same", "added", "removed" or "changed" (words marked), as
    parts of (mark, text) where mark is "", "ins" or "del"."""

    kind: str
    parts: list[tuple[str, str]]


@dataclass(frozen=True)
class FieldReview:
    """One field of a posting under review. For a change: the value before and after, the items
    a list gained and lost, and a long text's lines."""

    label: str
    after: str
    before: str = ""
    is_text: bool = False  # a long text, shown with its line breaks
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    lines: list[DiffLine] = field(default_factory=list)
    # A list's items before and after as (mark, item): "del" for one removed, "ins" for one added.
    before_items: list[tuple[str, str]] = field(default_factory=list)
    after_items: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PostingReview:
    """What a posting says (a first submission, or a change whose approved version is not on
    record: every field), or what it changes (the changed fields, and the names of the rest)."""

    fields: list[FieldReview]
    is_change: bool
    unchanged: list[str] = field(default_factory=list)


PARTS = ("places", "required", "nice")


def skill_ids(*stored: dict | None) -> set[int]:
    """The skills named by stored postings, to look their names up at once."""
    return {
        pk
        for changes in stored
        if changes
        for pk in changes.get("required", []) + changes.get("nice", [])
    }


def _complete(stored: dict, base: dict | None) -> dict:
    """A stored posting, with any part it lacks (an edit stored by an older version of the
    board) taken from `base`, the version it changes, else left blank."""
    base = base or {}
    return {
        "fields": {**base.get("fields", {}), **stored.get("fields", {})},
        **{part: stored.get(part, base.get(part, [])) for part in PARTS},
    }


def posting_review(
    after: dict, before: dict | None, *, skill_names: dict[int, str]
) -> PostingReview:
    """Review a stored posting (`Posting.stored()`), against the version before it if any."""
    before = _complete(before, None) if before is not None else None
    new = _values(_complete(after, before), skill_names)
    if before is None:
        return PostingReview(
            fields=[
                FieldReview(label, _shown(key, new), is_text=key == "description")
                for key, label in FIELDS
            ],
            is_change=False,
        )
    old = _values(before, skill_names)
    changed, unchanged = [], []
    for key, label in FIELDS:
        if _same(key, old[key], new[key]):
            unchanged.append(label)
        elif key in LISTS:
            added = [item for item in new[key] if item not in old[key]]
            removed = [item for item in old[key] if item not in new[key]]
            changed.append(
                FieldReview(
                    label,
                    after=_shown(key, new),
                    before=_shown(key, old),
                    added=added,
                    removed=removed,
                    before_items=[("del" if i in removed else "", i) for i in old[key]],
                    after_items=[("ins" if i in added else "", i) for i in new[key]],
                )
            )
        elif key == "description":
            changed.append(
                FieldReview(label, after="", lines=text_diff(old[key] or "", new[key] or ""))
            )
        else:
            changed.append(FieldReview(label, after=_shown(key, new), before=_shown(key, old)))
    return PostingReview(fields=changed, is_change=True, unchanged=unchanged)


def _values(stored: dict, skill_names: dict[int, str]) -> dict:
    values = {key: stored["fields"].get(key) for key, _ in FIELDS if key not in LISTS}
    values["places"] = list(stored["places"])
    values["applicant_countries"] = [
        countries.name(code) or code for code in stored["fields"].get("applicant_countries") or []
    ]
    for kind in ("required", "nice"):
        names = [skill_names.get(pk, f"skill #{pk}") for pk in stored[kind]]
        values[kind] = sorted(names, key=str.casefold)
    return values


def _same(key: str, old, new) -> bool:
    """Whether a field says the same: lists in any order, blank as blank however stored, and a
    text whatever its line breaks and the spaces ending its lines."""
    if key in LISTS:
        return sorted(old) == sorted(new)
    if key == "description":
        return _lines(old) == _lines(new)
    return _shown(key, {key: old}) == _shown(key, {key: new})


def _lines(text: str | None) -> list[str]:
    return [line.rstrip() for line in (text or "").strip().splitlines()]


def _shown(key: str, values: dict) -> str:
    """One field of a posting's values as the moderator reads it; a salary figure with its
    currency and period, as the job's page shows it ("USD 147,000 per year")."""
    value = values[key]
    if key in LISTS:
        return ", ".join(value) or NONE
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value in (None, ""):
        return NONE
    if key in CHOICES:
        return str(CHOICES[key].get(value, value))
    if key in ("salary_min", "salary_max"):
        currency = values.get("salary_currency") or ""
        period = CHOICES["salary_period"].get(values.get("salary_period"), "")
        return " ".join(part for part in (currency, f"{int(value):,}", str(period)) if part)
    return str(value)


# Unchanged lines kept around a change, for its context; longer runs are folded away.
CONTEXT_LINES = 1


def text_diff(before: str, after: str) -> list[DiffLine]:
    """A readable diff of two texts: lines added and removed, a line edited with its changed
    words marked, and long runs of unchanged lines folded into one "… unchanged" line."""
    old, new = before.splitlines(), after.splitlines()
    lines: list[DiffLine] = []
    opcodes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            lines += _context(old[i1:i2], first=n == 0, last=n == len(opcodes) - 1)
            continue
        removed, added = old[i1:i2], new[j1:j2]
        if tag == "replace" and len(removed) == len(added):
            lines += [
                DiffLine("changed", word_diff(a, b)) for a, b in zip(removed, added, strict=True)
            ]
            continue
        lines += [DiffLine("removed", [("del", line)]) for line in removed]
        lines += [DiffLine("added", [("ins", line)]) for line in added]
    return lines


def _context(same: list[str], *, first: bool, last: bool) -> list[DiffLine]:
    keep_start = 0 if first else CONTEXT_LINES
    keep_end = 0 if last else CONTEXT_LINES
    if len(same) <= keep_start + keep_end + 1:
        return [DiffLine("same", [("", line)]) for line in same]
    folded = len(same) - keep_start - keep_end
    return [
        *(DiffLine("same", [("", line)]) for line in same[:keep_start]),
        DiffLine("folded", [("", f"… {folded} unchanged line{'s' if folded != 1 else ''}")]),
        *(DiffLine("same", [("", line)]) for line in same[len(same) - keep_end :]),
    ]


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """One edited line as parts, the words removed marked "del" and those added "ins"."""
    old, new = re.split(r"(\s+)", before), re.split(r"(\s+)", after)
    parts = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(("", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("del", "".join(old[i1:i2])))
        if j2 > j1:
            parts.append(("ins", "".join(new[j1:j2])))
    return parts
