"""Stored uploads (resumes, logos) leave storage when nothing refers to them any more."""

from datetime import timedelta

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone


def delete_replaced_on_commit(instance: models.Model, *fields: str) -> None:
    """Call between changing `instance` and saving it: the files its database row names in
    `fields` that the instance no longer names (replaced or cleared) are deleted once the
    transaction commits.

    A rollback keeps them, so a failed save never leaves a row pointing at a missing file.
    """
    if instance.pk is None:
        return
    stored = type(instance)._base_manager.filter(pk=instance.pk).values(*fields).first() or {}
    for field in fields:
        old = stored.get(field)
        if old and old != getattr(instance, field).name:
            storage = instance._meta.get_field(field).storage
            transaction.on_commit(lambda storage=storage, old=old: storage.delete(old))


def _upload_roots() -> dict:
    """{id of a storage: (the storage, its upload folders, the file fields kept in it)}; a field
    without a folder of its own (upload_to empty or callable) is left out, its storage unswept."""
    roots = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField) or callable(field.upload_to):
                continue
            folder = field.upload_to.split("%", 1)[0].rpartition("/")[0]
            if folder:
                entry = roots.setdefault(id(field.storage), (field.storage, set(), []))
                entry[1].add(folder + "/")
                entry[2].append((model, field.name))
    return roots


def _walk(storage, directory: str):
    directories, files = storage.listdir(directory)
    for name in files:
        yield f"{directory}{name}"
    for sub in directories:
        yield from _walk(storage, f"{directory}{sub}/")


def orphaned_files_delete(*, grace: timedelta = timedelta(days=1), dry_run: bool = False) -> list:
    """Delete uploads that no row names any more and that are older than `grace`.

    Rows deleted without a service (a cascade from a deleted account or job, the admin) and saves
    rolled back after their file was written leave such files; the grace period spares uploads
    whose transaction has not committed yet. Returns the names of the files found.
    """
    cutoff = timezone.now() - grace
    found = []
    for storage, folders, fields in _upload_roots().values():
        referenced = set()
        for model, name in fields:
            referenced.update(
                model._base_manager.exclude(**{name: ""}).values_list(name, flat=True)
            )
        if not referenced:
            # No row names any file: more likely the wrong database than a clean slate.
            continue
        # "resumes/" holds "resumes/profiles/": walk each file once.
        tops = [f for f in folders if not any(f != o and f.startswith(o) for o in folders)]
        for top in sorted(tops):
            if not storage.exists(top):
                continue
            for name in _walk(storage, top):
                if name not in referenced and storage.get_modified_time(name) < cutoff:
                    found.append(name)
                    if not dry_run:
                        storage.delete(name)
    return found
