"""Uploaded resumes: archives are checked with bounded reads, so no upload can exhaust a worker;
a replaced or removed resume leaves storage."""

import functools
import io
import struct
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from jobs.models import Application
from profiles.models import Profile
from profiles.services import resume_kind
from tests.factories import PublishedJobFactory, SeekerFactory

pytestmark = pytest.mark.django_db
BOMB_BYTES = 128 * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@pytest.fixture
def seeker():
    user = SeekerFactory()
    Profile.objects.create(user=user)
    return user


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of {name: bytes, or an int for that many zeros, streamed in 1 MiB chunks}."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in entries.items():
            with archive.open(name, "w") as entry:
                if isinstance(content, int):
                    for _ in range(content // 2**20):
                        entry.write(bytes(2**20))
                else:
                    entry.write(content)
    return buffer.getvalue()


def understated(data: bytes, declared: int) -> bytes:
    """The same zip with every entry's uncompressed size rewritten to `declared` (a lie)."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start != -1:
            struct.pack_into("<I", data, start + offset, declared)
            start = data.find(signature, start + 4)
    return bytes(data)


def odt(mimetype=ODT_MIMETYPE, compression=zipfile.ZIP_STORED) -> bytes:
    return zip_bytes({"mimetype": mimetype, "content.xml": b"<office:document/>"}, compression)


def post_resume(client, content):
    upload = SimpleUploadedFile("cv.odt", content, content_type="application/octet-stream")
    return client.post(
        reverse("profiles:profile"),
        {
            "visibility": "private",
            "resume_upload": upload,
        },
    )


def peak_bytes_of(check, content: bytes) -> int:
    upload = SimpleUploadedFile("cv.odt", content)
    tracemalloc.start()
    try:
        check(upload)
    except ValidationError:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


_BOMBS = {
    # The 246-byte resume of the report: a bzip2 `mimetype` that inflates to 128 MiB.
    "bzip2": lambda: zip_bytes({"mimetype": BOMB_BYTES}, zipfile.ZIP_BZIP2),
    "deflate": lambda: zip_bytes({"mimetype": BOMB_BYTES}),
    # Says 40 bytes, holds 128 MiB: only a bounded read stops it.
    "lying deflate": lambda: understated(zip_bytes({"mimetype": BOMB_BYTES}), 40),
    "lying bzip2": lambda: understated(zip_bytes({"mimetype": BOMB_BYTES}, zipfile.ZIP_BZIP2), 40),
    "10,000 entries": lambda: zip_bytes(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
        | {f"word/media/{n}.xml": b"" for n in range(10_000)}
    ),
    # A small index, within the bound on its size, still holds too many entries.
    "1,500 entries": lambda: zip_bytes({f"{n:x}": b"" for n in range(1500)}),
    # 59,000 empty entries fill 5 MB; zipfile would build 30 MB of objects for their index.
    "59,000 entries": lambda: zip_bytes({f"{n:x}": b"" for n in range(59_000)}),
}


@functools.cache
def bomb_bytes(name: str) -> bytes:
    return _BOMBS[name]()


@pytest.mark.parametrize(
    ("bomb", "message"),
    [
        ("bzip2", "zip bomb"),
        ("deflate", "zip bomb"),
        ("lying deflate", "none of them"),
        ("lying bzip2", "word processors never use"),
        ("10,000 entries", "more parts than a document has"),
        ("1,500 entries", "more parts than a document has"),
    ],
)
def test_a_zip_bomb_resume_is_refused_with_a_reason_and_nothing_is_saved(
    client, seeker, bomb, message
):
    client.force_login(seeker)
    response = post_resume(client, bomb_bytes(bomb))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Profile.objects.get(user=seeker).resume


@pytest.mark.parametrize(
    "bomb", ["bzip2", "deflate", "lying deflate", "lying bzip2", "59,000 entries"]
)
def test_checking_a_zip_bomb_costs_the_worker_little_memory(bomb):
    assert peak_bytes_of(resume_kind, bomb_bytes(bomb)) < 2 * 2**20


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_real_odt_is_still_recognised(compression):
    assert resume_kind(SimpleUploadedFile("cv.pdf", odt(compression=compression))) == "odt"


def test_an_odt_whose_mimetype_only_starts_right_is_refused():
    with pytest.raises(ValidationError, match="none of them"):
        resume_kind(SimpleUploadedFile("cv.odt", odt(mimetype=ODT_MIMETYPE + b"x" * 1000)))


def test_a_corrupt_deflate_stream_is_refused_not_a_server_error():
    data = bytearray(odt(compression=zipfile.ZIP_DEFLATED))
    start = data.find(b"PK\x03\x04") + 30 + len("mimetype")
    data[start : start + 8] = b"\xff" * 8
    with pytest.raises(ValidationError, match="none of them"):
        resume_kind(SimpleUploadedFile("cv.odt", bytes(data)))


# Storage ----------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def stored(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def save_profile(client, **data):
    return client.post(
        reverse("profiles:profile"),
        {"visibility": "private", **data},
    )


def test_a_replaced_or_removed_resume_leaves_storage(
    client, seeker, private_files, django_capture_on_commit_callbacks
):
    client.force_login(seeker)
    with django_capture_on_commit_callbacks(execute=True):
        save_profile(client, resume_upload=SimpleUploadedFile("first.pdf", PDF))
    assert stored(private_files) == [Profile.objects.get().resume.name]
    with django_capture_on_commit_callbacks(execute=True):
        save_profile(client, resume_upload=SimpleUploadedFile("second.pdf", PDF))
    profile = Profile.objects.get()
    assert stored(private_files) == [profile.resume.name] and "second" in profile.resume.name
    with django_capture_on_commit_callbacks(execute=True):
        save_profile(client, remove_resume="on")
    assert stored(private_files) == []
    assert not Profile.objects.get().resume
    assert client.get(reverse("profiles:profile_resume")).status_code == 404


def test_removing_the_profile_resume_keeps_the_copy_sent_with_an_application(
    client, seeker, private_files, django_capture_on_commit_callbacks
):
    job = PublishedJobFactory(apply_on_site=True)
    client.force_login(seeker)
    with django_capture_on_commit_callbacks(execute=True):
        save_profile(client, resume_upload=SimpleUploadedFile("cv.pdf", PDF))
        client.post(reverse("profiles:apply", args=[job.pk]), {"note": "Hi"})
        save_profile(client, remove_resume="on")
    assert stored(private_files) == [Application.objects.get().resume.name]


def test_prune_uploads_deletes_the_files_of_rows_deleted_by_cascade(
    client, seeker, private_files, django_capture_on_commit_callbacks
):
    job = PublishedJobFactory(apply_on_site=True)
    other = SeekerFactory()
    for user in (seeker, other):
        application = Application.objects.create(job=job, applicant=user)
        application.resume.save("cv.pdf", SimpleUploadedFile("cv.pdf", PDF))
    kept = Application.objects.get(applicant=other).resume.name
    seeker.delete()  # as the admin does: the account, its profile and applications go
    assert len(stored(private_files)) == 2
    call_command("prune_uploads", verbosity=0)  # within the grace period: kept
    call_command("prune_uploads", grace_hours=0, dry_run=True, verbosity=0)
    assert len(stored(private_files)) == 2
    call_command("prune_uploads", grace_hours=0, verbosity=0)
    assert stored(private_files) == [kept]


def test_prune_uploads_leaves_files_alone_when_no_row_names_any(seeker, private_files):
    application = Application.objects.create(job=PublishedJobFactory(), applicant=seeker)
    application.resume.save("cv.pdf", SimpleUploadedFile("cv.pdf", PDF))
    Application.objects.all().delete()  # as a wrong DATABASE_URL would look
    call_command("prune_uploads", grace_hours=0, verbosity=0)
    assert len(stored(private_files)) == 1
