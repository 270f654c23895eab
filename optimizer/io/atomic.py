"""Writing that never loses anything: whole files or nothing, never over an input.

A file is written to a temporary file in the same folder, flushed to disk,
then renamed over the target; an output path that is an input, or lies in an
input folder, is refused before anything is written.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import OutputError


def temporary(directory: Path, name: str, *, folder: bool = False) -> Path:
    """Create a new hidden temporary file or folder in `directory` and return its path.

    Like tempfile.mkstemp/mkdtemp (exclusive create, random name), but with
    the ordinary permissions the umask gives, since the file becomes the report.
    """
    for _ in range(100):
        candidate = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            if folder:
                os.mkdir(candidate, 0o777)
            else:
                os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return candidate
    raise OutputError(f"Could not create a temporary file in '{directory}'.")


def fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def write_file_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Run `write` on a temporary file beside `target`, then rename it over `target`."""
    scratch = temporary(target.parent, target.name)
    try:
        write(scratch)
        fsync(scratch)
        os.replace(scratch, target)
    except BaseException:
        with contextlib.suppress(OSError):
            scratch.unlink()
        raise


@contextlib.contextmanager
def xlsx_workbook(path: Path, options: Mapping[str, Any]) -> Iterator[Any]:
    """An xlsxwriter workbook made in memory and written to `path` in one plain write when done.

    Given a file name, xlsxwriter's own ZipFile met a full disk, and left an "Exception ignored in
    ZipFile.__del__" traceback on standard error besides the error (issue 14); writing the bytes
    ourselves, a full disk is one OSError like any other.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {**options, "in_memory": True})
    yield workbook
    workbook.close()
    Path(path).write_bytes(buffer.getvalue())


def write_folder_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Run `write` on a temporary folder, then put its files in place.

    A new folder appears whole (staged beside it, then renamed). In an existing
    folder every file is written first, then each renamed over its old copy,
    and the folder's other files are left alone. A folder another run made
    meanwhile (two `solve -o new` at once) is then an existing one: the rename
    once failed with "Directory not empty".
    """
    existed = target.exists()
    staging = temporary(
        target if existed else target.parent, "report" if existed else target.name, folder=True
    )
    try:
        write(staging)
        if not existed:
            try:
                os.rename(staging, target)
                return
            except OSError as error:
                if error.errno not in (errno.EEXIST, errno.ENOTEMPTY) or not target.is_dir():
                    raise
        for name in sorted(os.listdir(staging)):
            os.replace(staging / name, target / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def is_within(path: str, folder: str) -> bool:
    with contextlib.suppress(ValueError):
        return os.path.commonpath([path, folder]) == folder
    return False


def check_not_input(targets: list[Path], inputs: list[str | os.PathLike[str]], shown: str) -> None:
    """Refuse when any path to be written is an input or lies inside an input folder."""
    for given in inputs:
        real_input = os.path.realpath(given)
        input_is_folder = os.path.isdir(real_input)
        for target in targets:
            real_target = os.path.realpath(target)
            same = real_target == real_input
            if not same and os.path.exists(real_target) and os.path.exists(real_input):
                with contextlib.suppress(OSError):
                    same = os.path.samefile(real_target, real_input)
            if same:
                raise OutputError(
                    f"Refusing to write the report to '{shown}': it would overwrite the input "
                    f"'{os.fspath(given)}'. Choose another output path."
                )
            if input_is_folder and is_within(real_target, real_input):
                raise OutputError(
                    f"Refusing to write the report to '{shown}': it is inside the input folder "
                    f"'{os.fspath(given)}'. Choose an output path outside it."
                )
